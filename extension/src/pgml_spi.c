/*
 * pgml_spi.c - SPI for the engine: statements with parameters, the values of their results, and the training cursor.
 *
 * Owns: the SPI connection of a call (opened at the first statement, finished or forgotten by pgml_spi_end), the
 * conversion of PgmlParams to SPI arguments, and the batch of the last cursor fetch. Every callback here runs inside
 * the guard (pgml_shim.h). Decoding a fetched value into floats is pgml_datum.c's.
 */
#include "pgml_shim.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

static bool spi_connected = false;

/* the batch of the last fetch, kept for cursor_text until the next fetch or close */
static SPITupleTable *fetched_batch = NULL;

static void
ensure_spi_connected(void)
{
	if (!spi_connected)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			pgml_internal_error("pgml: SPI_connect failed");
		spi_connected = true;
	}
}

void
pgml_spi_end(bool failed)
{
	fetched_batch = NULL;		/* its memory goes with SPI_finish or the abort */
	if (!spi_connected)
		return;
	spi_connected = false;		/* after an error, the abort of the (sub)transaction cleans up SPI */
	if (!failed && SPI_finish() != SPI_OK_FINISH)
		pgml_internal_error("pgml: SPI_finish failed");
}

/* Sets the current call's SPI state aside for a nested call, which connects its own SPI level. */
PgmlSpiState
pgml_spi_suspend(void)
{
	PgmlSpiState outer = {spi_connected, fetched_batch};

	spi_connected = false;
	fetched_batch = NULL;
	return outer;
}

/* Back to the outer call's state once the nested call has finished its own SPI level (or failed). */
void
pgml_spi_resume(PgmlSpiState outer)
{
	spi_connected = outer.connected;
	fetched_batch = outer.fetched_batch;
}

/* Query arguments as SPI wants them, in the current (SPI procedure) memory context. */
typedef struct SpiArgs
{
	Oid		   *types;
	Datum	   *values;
	char	   *nulls;
} SpiArgs;

/* PgmlParams to SPI arguments: text through the type's input function, bytea from raw bytes. */
static SpiArgs
convert_params(int32_t nparams, const PgmlParam *params)
{
	SpiArgs		a;

	a.types = palloc(sizeof(Oid) * Max(nparams, 1));
	a.values = palloc(sizeof(Datum) * Max(nparams, 1));
	a.nulls = palloc(sizeof(char) * Max(nparams, 1));
	for (int i = 0; i < nparams; i++)
	{
		a.types[i] = params[i].type_oid;
		a.nulls[i] = params[i].value == NULL ? 'n' : ' ';
		a.values[i] = (Datum) 0;
		if (params[i].value == NULL)
			continue;
		if (params[i].type_oid == BYTEAOID && params[i].length >= 0)
		{
			bytea	   *b = (bytea *) palloc(VARHDRSZ + params[i].length);

			SET_VARSIZE(b, VARHDRSZ + params[i].length);
			memcpy(VARDATA(b), params[i].value, params[i].length);
			a.values[i] = PointerGetDatum(b);
		}
		else
		{
			Oid			input;
			Oid			ioparam;

			getTypeInputInfo(params[i].type_oid, &input, &ioparam);
			a.values[i] = OidInputFunctionCall(input, unconstify(char *, params[i].value), ioparam, -1);
		}
	}
	return a;
}

/*
 * The bytea copies made for one statement, freed right after it: they live in the caller's memory context until the
 * pgml call ends otherwise, and a large model is stored as many 16 MB pieces, one statement each.
 */
static void
free_params(SpiArgs *a, int32_t nparams, const PgmlParam *params)
{
	for (int i = 0; i < nparams; i++)
		if (params[i].type_oid == BYTEAOID && params[i].value != NULL && params[i].length >= 0)
			pfree(DatumGetPointer(a->values[i]));
	pfree(a->types);
	pfree(a->values);
	pfree(a->nulls);
}

int32_t
cb_spi_execute(const char *sql, int32_t nparams, const PgmlParam *params, int64_t max_rows, int64_t *processed)
{
	*processed = 0;
	{
		GUARDED_BEGIN
			SpiArgs		a;
			int			ret;

			LET_SIGNALS_IN();	/* the statement may run long: timeouts and cancels must reach it */
			ensure_spi_connected();
			if (SPI_tuptable)
				SPI_freetuptable(SPI_tuptable);
			a = convert_params(nparams, params);
			/* never SPI's read-only mode: a read-only query would not see this call's own writes */
			ret = SPI_execute_with_args(sql, nparams, a.types, a.values, a.nulls, false, max_rows);
			if (ret < 0)
				pgml_internal_error("pgml: SPI_execute failed: %s", SPI_result_code_string(ret));
			*processed = (int64_t) SPI_processed;
			free_params(&a, nparams, params);
		GUARDED_END
	}
}

/* A value of the last SPI result: bytea as raw bytes, anything else in its text form. */
int32_t
cb_spi_value(int64_t row, int32_t column, const char **data, int32_t *length, int32_t *isnull)
{
	*data = NULL;
	*length = 0;
	*isnull = 1;
	{
		GUARDED_BEGIN
			SPITupleTable *tt = SPI_tuptable;
			bool		null;
			Datum		d;

			if (tt == NULL || row < 0 || (uint64) row >= SPI_processed || column < 1 || column > tt->tupdesc->natts)
				pgml_internal_error("pgml: result value (%lld, %d) out of range", (long long) row, column);
			d = SPI_getbinval(tt->vals[row], tt->tupdesc, column, &null);
			if (!null)
			{
				*isnull = 0;
				if (SPI_gettypeid(tt->tupdesc, column) == BYTEAOID)
				{
					bytea	   *b = DatumGetByteaPP(d);

					*data = VARDATA_ANY(b);
					*length = VARSIZE_ANY_EXHDR(b);
				}
				else
				{
					*data = SPI_getvalue(tt->vals[row], tt->tupdesc, column);
					*length = strlen(*data);
				}
			}
		GUARDED_END
	}
}

int32_t
cb_cursor_open(const char *sql, int32_t nparams, const PgmlParam *params, void **portal)
{
	*portal = NULL;
	{
		GUARDED_BEGIN
			SpiArgs		a;

			LET_SIGNALS_IN();	/* opening runs the planner and, for some plans, the first rows */
			ensure_spi_connected();
			a = convert_params(nparams, params);
			*portal = SPI_cursor_open_with_args(NULL, sql, nparams, a.types, a.values, a.nulls, false, 0);	/* sees this call's own writes */
		GUARDED_END
	}
}

/* Decodes one fetched row into its feature and label rows, each column as the engine described it. */
static void
decode_row(HeapTuple tuple, TupleDesc desc, const Oid *types, const PgmlNumberType *const *numbers,
		   int32_t ncolumns, const PgmlColumn *columns, float *feature_row, float *label_row)
{
	for (int c = 0; c < ncolumns; c++)
	{
		const PgmlColumn *col = &columns[c];
		float	   *out = (col->to_labels ? label_row : feature_row) + col->offset;
		bool		isnull;
		Datum		d = heap_getattr(tuple, c + 1, desc, &isnull);

		if (col->kind == PGML_COLUMN_NUMBER)
			*out = pgml_datum_to_float(numbers[c], d, isnull, types[c]);
		else if (col->kind == PGML_COLUMN_ARRAY && !isnull)
			pgml_array_to_floats(DatumGetArrayTypeP(d), out, col->width, col->name);
		else
			for (int i = 0; i < col->width; i++)
				out[i] = NAN;	/* NULL array, or text (read with cursor_text) */
	}
}

int32_t
cb_cursor_fetch(void *portal, int64_t max_rows, int32_t ncolumns, const PgmlColumn *columns,
				int32_t feature_width, float *features, int32_t label_width, float *labels, int64_t *fetched)
{
	*fetched = 0;
	{
		GUARDED_BEGIN
			SPITupleTable *tt;
			uint64		n;

			LET_SIGNALS_IN();	/* the relation's rows may be slow to produce (a view, a remote table) */
			if (fetched_batch)
				SPI_freetuptable(fetched_batch);
			fetched_batch = NULL;
			SPI_cursor_fetch((Portal) portal, true, max_rows);
			tt = SPI_tuptable;
			n = SPI_processed;
			if (n > 0)
			{
				TupleDesc	desc = tt->tupdesc;
				Oid		   *types;
				const PgmlNumberType **numbers;

				if (desc->natts != ncolumns)
					pgml_internal_error("pgml: cursor returned %d columns, expected %d", desc->natts, ncolumns);
				/* each column's type, looked up once per batch instead of once per value */
				types = palloc(sizeof(Oid) * desc->natts);
				numbers = palloc(sizeof(PgmlNumberType *) * desc->natts);
				for (int c = 0; c < desc->natts; c++)
				{
					types[c] = getBaseType(TupleDescAttr(desc, c)->atttypid);
					numbers[c] = pgml_number_type(types[c]);
				}
				for (uint64 r = 0; r < n; r++)
					decode_row(tt->vals[r], desc, types, numbers, ncolumns, columns,
							   features + r * feature_width, labels + r * label_width);
				pfree(types);
				pfree(numbers);
			}
			fetched_batch = tt;
			*fetched = (int64_t) n;
		GUARDED_END
	}
}

int32_t
cb_cursor_text(int64_t row, int32_t column, const char **data, int32_t *length, int32_t *isnull)
{
	*data = NULL;
	*length = 0;
	*isnull = 1;
	{
		GUARDED_BEGIN
			bool		null;
			Datum		d;

			if (fetched_batch == NULL || row < 0 || (uint64) row >= fetched_batch->numvals || column < 0 ||
				column >= fetched_batch->tupdesc->natts)
				pgml_internal_error("pgml: cursor value (%lld, %d) out of range", (long long) row, column);
			d = heap_getattr(fetched_batch->vals[row], column + 1, fetched_batch->tupdesc, &null);
			if (!null)
			{
				*isnull = 0;
				pgml_text_value(d, getBaseType(TupleDescAttr(fetched_batch->tupdesc, column)->atttypid), data, length);
			}
		GUARDED_END
	}
}

int32_t
cb_cursor_close(void *portal)
{
	GUARDED_BEGIN
		if (fetched_batch)
			SPI_freetuptable(fetched_batch);
		fetched_batch = NULL;
		SPI_cursor_close((Portal) portal);
	GUARDED_END
}
