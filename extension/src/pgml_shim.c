/*
 * pgml_shim.c - the PostgreSQL ABI side of pgml. It holds no machine-learning logic.
 *
 * pgml.so (this file, built by PGXS) dlopen()s pgml_engine.so (C# compiled with NativeAOT) from $libdir at the
 * first call that needs managed code, hands it a table of guarded callbacks, and forwards SQL calls to its exports.
 *
 * Boundary rules (docs/architecture.md):
 *  - A PostgreSQL longjmp never crosses a managed frame: every callback runs its PostgreSQL code inside PG_TRY,
 *    copies the error, and returns -1; managed code unwinds and returns status 1; only then is the error re-thrown
 *    here, unchanged (message, SQLSTATE, detail, context).
 *  - Managed code never lets an exception escape (status 2 carries a pgml error that is raised here).
 *  - PostgreSQL's signals are blocked while the runtime starts and during calls that may create threads (training),
 *    so runtime, thread-pool and OpenMP threads inherit a mask where they are blocked; interrupt checks let them in
 *    on the main thread.
 */
#include "postgres.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "access/htup_details.h"
#include "utils/array.h"
#include "utils/typcache.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "pgml_abi.h"

PG_MODULE_MAGIC;

#define ENGINE_LIBRARY "pgml_engine.so"

void		_PG_init(void);

static pgml_cs_init_fn cs_init;
static pgml_cs_invoke_fn cs_invoke;
static pgml_cs_predict_fn cs_predict;
static bool engine_loaded = false;

static PgmlCallbacks callbacks;
static PgmlError managed_error;

/* error caught in a callback, re-thrown once managed code has returned; sticky until then */
static ErrorData *pending_error = NULL;

static sigset_t pg_signals;
static sigset_t saved_mask;
static bool signals_blocked = false;

static bool spi_connected = false;

/* result rows emitted by a text call, kept until the call returns */
static List *result_rows = NIL;
static int	result_ncolumns = 0;

/* cache invalidation: bumped when pgml.deployments changes, read by the managed prediction cache */
static volatile uint64_t deploy_generation = 1;
static Oid	deployments_relid = InvalidOid;

/* ---------------------------------------------------------------- signals */

static inline void
block_signals(void)
{
	if (!signals_blocked)
	{
		pthread_sigmask(SIG_BLOCK, &pg_signals, &saved_mask);
		signals_blocked = true;
	}
}

static inline void
unblock_signals(void)
{
	if (signals_blocked)
	{
		pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
		signals_blocked = false;
	}
}

/* ---------------------------------------------------------------- guarded callbacks */

/* Called in PG_CATCH: keep the first error, leave the error state clean, return to the caller's context. */
static void
save_pending_error(MemoryContext callerContext)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(callerContext);
	edata = CopyErrorData();
	FlushErrorState();
	if (pending_error == NULL)
		pending_error = edata;
	else
		FreeErrorData(edata);
}

/*
 * The body of every callback C# calls: PostgreSQL code between GUARDED_BEGIN and GUARDED_END runs inside PG_TRY;
 * an error is saved as pending and the callback returns -1 instead of longjmp-ing over managed frames. While an
 * error is pending, every callback fails at once.
 */
#define GUARDED_BEGIN \
	MemoryContext guarded_cxt = CurrentMemoryContext; \
	volatile int32_t guarded_rc = 0; \
	if (pending_error) \
		return -1; \
	PG_TRY(); \
	{

#define GUARDED_END \
		MemoryContextSwitchTo(guarded_cxt); \
	} \
	PG_CATCH(); \
	{ \
		save_pending_error(guarded_cxt); \
		guarded_rc = -1; \
	} \
	PG_END_TRY(); \
	return guarded_rc;

static int32_t
cb_check_interrupts(void)
{
	if (pending_error)
		return -1;
	if (signals_blocked)
	{
		/* let pending signals run their handlers now, on the backend's main thread */
		pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
		pthread_sigmask(SIG_BLOCK, &pg_signals, NULL);
	}
	if (!INTERRUPTS_PENDING_CONDITION())
		return 0;				/* the fast path: no setjmp */
	{
		GUARDED_BEGIN
			CHECK_FOR_INTERRUPTS();	/* ERROR longjmps to PG_CATCH; FATAL exits the process cleanly */
		GUARDED_END
	}
}

static int32_t
cb_log(int32_t level, const char *message)
{
	static const int elevels[] = {DEBUG1, LOG, INFO, NOTICE, WARNING};
	int			elevel = elevels[(level >= 0 && level <= 4) ? level : 4];

	GUARDED_BEGIN
		ereport(elevel, (errmsg_internal("%s", message)));
	GUARDED_END
}

static void
ensure_spi_connected(void)
{
	if (!spi_connected)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "pgml: SPI_connect failed");
		spi_connected = true;
	}
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

static int32_t
cb_spi_execute(const char *sql, int32_t nparams, const PgmlParam *params, int32_t read_only,
			   int64_t max_rows, int64_t *processed)
{
	*processed = 0;
	{
		GUARDED_BEGIN
			SpiArgs		a;
			int			ret;

			ensure_spi_connected();
			if (SPI_tuptable)
				SPI_freetuptable(SPI_tuptable);
			a = convert_params(nparams, params);
			ret = SPI_execute_with_args(sql, nparams, a.types, a.values, a.nulls, read_only != 0, max_rows);
			if (ret < 0)
				elog(ERROR, "pgml: SPI_execute failed: %s", SPI_result_code_string(ret));
			*processed = (int64_t) SPI_processed;
			free_params(&a, nparams, params);
		GUARDED_END
	}
}

/* A value of the last SPI result: bytea as raw bytes, anything else in its text form. */
static int32_t
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
				elog(ERROR, "pgml: result value (%lld, %d) out of range", (long long) row, column);
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

static int32_t
cb_cursor_open(const char *sql, int32_t nparams, const PgmlParam *params, void **portal)
{
	*portal = NULL;
	{
		GUARDED_BEGIN
			SpiArgs		a;

			ensure_spi_connected();
			a = convert_params(nparams, params);
			*portal = SPI_cursor_open_with_args(NULL, sql, nparams, a.types, a.values, a.nulls, false, 0);	/* sees this call's own writes */
		GUARDED_END
	}
}

/* Datum of a numeric or boolean type as a double. */
static double
datum_to_double(Datum d, Oid type)
{
	switch (type)
	{
		case FLOAT4OID:
			return DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case BOOLOID:
			return DatumGetBool(d) ? 1.0 : 0.0;
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("pgml cannot use a value of type %s as a number", format_type_be(type))));
	}
	return NAN;					/* unreachable */
}

/* The same as a float4, the engine's feature type; NULL is NaN (a missing value). */
static inline float
datum_to_float(Datum d, bool isnull, Oid type)
{
	if (isnull)
		return NAN;
	if (type == FLOAT4OID)
		return DatumGetFloat4(d);
	return (float) datum_to_double(d, type);
}

/* The element type code of a numeric array element type, or -1. */
static int32_t
elem_type_code(Oid elem)
{
	switch (elem)
	{
		case FLOAT4OID:
			return PGML_FLOAT4;
		case FLOAT8OID:
			return PGML_FLOAT8;
		case INT2OID:
			return PGML_INT2;
		case INT4OID:
			return PGML_INT4;
		case INT8OID:
			return PGML_INT8;
		case BOOLOID:
			return PGML_BOOL;
		default:
			return -1;
	}
}

/* A numeric array's elements (any dimensions, flattened) as floats; NULL elements become NaN. */
static void
array_to_floats(ArrayType *arr, float *out, int width, const char *column)
{
	Oid			elem = ARR_ELEMTYPE(arr);
	int			n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *values;
	bool	   *nulls;
	int			count;

	if (n != width)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("array column \"%s\" has %d elements in a row where the first row had %d", column, n, width),
				 errhint("Every row must have arrays of the same size; filter or pad them in a VIEW.")));
	get_typlenbyvalalign(elem, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elem, typlen, typbyval, typalign, &values, &nulls, &count);
	for (int i = 0; i < count; i++)
		out[i] = datum_to_float(values[i], nulls[i], elem);
	pfree(values);
	pfree(nulls);
}

/* the batch of the last fetch, kept for cursor_text until the next fetch or close */
static SPITupleTable *fetched_batch = NULL;

static int32_t
cb_cursor_fetch(void *portal, int64_t max_rows, int32_t ncolumns, const PgmlColumn *columns,
				int32_t feature_width, float *features, int32_t label_width, float *labels, int64_t *fetched)
{
	*fetched = 0;
	{
		GUARDED_BEGIN
			SPITupleTable *tt;
			uint64		n;

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

				if (desc->natts != ncolumns)
					elog(ERROR, "pgml: cursor returned %d columns, expected %d", desc->natts, ncolumns);
				types = palloc(sizeof(Oid) * desc->natts);
				for (int c = 0; c < desc->natts; c++)
					types[c] = getBaseType(TupleDescAttr(desc, c)->atttypid);
				for (uint64 r = 0; r < n; r++)
				{
					for (int c = 0; c < ncolumns; c++)
					{
						const PgmlColumn *col = &columns[c];
						float	   *out = col->to_labels ? labels + r * label_width + col->offset
						: features + r * feature_width + col->offset;
						bool		isnull;
						Datum		d = heap_getattr(tt->vals[r], c + 1, desc, &isnull);

						if (col->kind == PGML_COLUMN_NUMBER)
							*out = datum_to_float(d, isnull, types[c]);
						else if (col->kind == PGML_COLUMN_ARRAY && !isnull)
							array_to_floats(DatumGetArrayTypeP(d), out, col->width, col->name);
						else
							for (int i = 0; i < col->width; i++)
								out[i] = NAN;	/* NULL array, or text (read with cursor_text) */
					}
				}
				pfree(types);
			}
			fetched_batch = tt;
			*fetched = (int64_t) n;
		GUARDED_END
	}
}

static int32_t
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
				elog(ERROR, "pgml: cursor value (%lld, %d) out of range", (long long) row, column);
			d = heap_getattr(fetched_batch->vals[row], column + 1, fetched_batch->tupdesc, &null);
			if (!null)
			{
				text	   *t = DatumGetTextPP(d);

				*isnull = 0;
				*data = VARDATA_ANY(t);
				*length = VARSIZE_ANY_EXHDR(t);
				if (getBaseType(TupleDescAttr(fetched_batch->tupdesc, column)->atttypid) == BPCHAROID)
					while (*length > 0 && (*data)[*length - 1] == ' ')
						(*length)--;	/* char(n)'s padding is not part of the value, as in predict */
			}
		GUARDED_END
	}
}

static int32_t
cb_cursor_close(void *portal)
{
	GUARDED_BEGIN
		if (fetched_batch)
			SPI_freetuptable(fetched_batch);
		fetched_batch = NULL;
		SPI_cursor_close((Portal) portal);
	GUARDED_END
}

/* Copies a result row into the call's memory context (not SPI's, which ends before the result is built). */
static MemoryContext result_context = NULL;

static int32_t
cb_emit_row(int32_t ncolumns, const char *const *values)
{
	GUARDED_BEGIN
		char	  **row;

		MemoryContextSwitchTo(result_context);
		row = palloc(sizeof(char *) * Max(ncolumns, 1));
		for (int i = 0; i < ncolumns; i++)
			row[i] = values[i] ? pstrdup(values[i]) : NULL;
		result_rows = lappend(result_rows, row);
		result_ncolumns = ncolumns;
	GUARDED_END
}

static void
resolve_deployments_relid(void)
{
	Oid			nsp = get_namespace_oid("pgml", true);

	deployments_relid = OidIsValid(nsp) ? get_relname_relid("deployments", nsp) : InvalidOid;
}

static int32_t
cb_watch_deployments(void)
{
	GUARDED_BEGIN
		resolve_deployments_relid();
	GUARDED_END
}

/*
 * Relcache invalidations travel with the commit (and are replayed on standbys); a rolled-back transaction sends
 * none. Until pgml.deployments is resolved, any invalidation may concern it, so every one counts.
 */
static void
relcache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || !OidIsValid(deployments_relid) || relid == deployments_relid)
	{
		deploy_generation++;
		if (relid == deployments_relid)
			deployments_relid = InvalidOid; /* re-resolved at the next cache miss (the table may be recreated) */
	}
}

/* ---------------------------------------------------------------- loading and the call bracket */

static void
load_engine(void)
{
	char		path[MAXPGPATH];
	void	   *handle;
	int32_t		rc;
	instr_time	t0,
				t1,
				t2;

	if (engine_loaded)
		return;
	INSTR_TIME_SET_CURRENT(t0);
	snprintf(path, sizeof(path), "%s/%s", pkglib_path, ENGINE_LIBRARY);
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("pgml could not load its engine library \"%s\"", path),
				 errdetail("%s", dlerror()),
				 errhint("Reinstall pgml: \"make install\" puts %s next to pgml.so.", ENGINE_LIBRARY)));
	cs_init = (pgml_cs_init_fn) dlsym(handle, "pgml_cs_init");
	cs_invoke = (pgml_cs_invoke_fn) dlsym(handle, "pgml_cs_invoke");
	cs_predict = (pgml_cs_predict_fn) dlsym(handle, "pgml_cs_predict");
	if (!cs_init || !cs_invoke || !cs_predict)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("pgml engine library \"%s\" lacks its entry points", path),
				 errhint("pgml.so and %s come from different builds; reinstall both.", ENGINE_LIBRARY)));

	INSTR_TIME_SET_CURRENT(t1);
	callbacks.abi_version = PGML_ABI_VERSION;
	callbacks.check_interrupts = cb_check_interrupts;
	callbacks.log = cb_log;
	callbacks.spi_execute = cb_spi_execute;
	callbacks.spi_value = cb_spi_value;
	callbacks.cursor_open = cb_cursor_open;
	callbacks.cursor_fetch = cb_cursor_fetch;
	callbacks.cursor_text = cb_cursor_text;
	callbacks.cursor_close = cb_cursor_close;
	callbacks.emit_row = cb_emit_row;
	callbacks.watch_deployments = cb_watch_deployments;
	callbacks.deploy_generation = &deploy_generation;
	callbacks.error = &managed_error;

	/* The runtime starts here and creates its threads: they must inherit a mask with our signals blocked. */
	block_signals();
	rc = cs_init(&callbacks);
	unblock_signals();
	INSTR_TIME_SET_CURRENT(t2);
	if (rc != 0)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("pgml engine failed to start: %s", managed_error.message),
				 errhint("pgml.so and %s come from different builds; reinstall both.", ENGINE_LIBRARY)));
	engine_loaded = true;
	INSTR_TIME_SUBTRACT(t2, t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	elog(DEBUG1, "pgml engine started: dlopen %.3f ms, runtime start %.3f ms",
		 INSTR_TIME_GET_MILLISEC(t1), INSTR_TIME_GET_MILLISEC(t2));
}

static void
begin_call(bool may_create_threads)
{
	load_engine();
	pending_error = NULL;
	managed_error.sqlstate[0] = '\0';
	managed_error.message[0] = '\0';
	managed_error.detail[0] = '\0';
	managed_error.hint[0] = '\0';
	if (may_create_threads)
		block_signals();
}

/* After managed code returned: re-throw a caught PostgreSQL error or raise the pgml error. */
static void
finish_call(int32_t rc)
{
	unblock_signals();
	fetched_batch = NULL;		/* its memory goes with SPI_finish or the abort */
	if (pending_error)
	{
		ErrorData  *edata = pending_error;

		pending_error = NULL;
		spi_connected = false;	/* the abort of the (sub)transaction cleans up SPI */
		ReThrowError(edata);
	}
	if (rc == 2)
	{
		const char *s = managed_error.sqlstate;

		spi_connected = false;
		if (strlen(s) != 5)
			s = "38000";		/* never class XX: Npgsql drops the connection on those */
		ereport(ERROR,
				(errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])),
				 errmsg_internal("%s", managed_error.message),
				 managed_error.detail[0] ? errdetail_internal("%s", managed_error.detail) : 0,
				 managed_error.hint[0] ? errhint("%s", managed_error.hint) : 0));
	}
	if (rc != 0)
	{
		spi_connected = false;
		elog(ERROR, "pgml: engine returned unexpected status %d", rc);
	}
	if (spi_connected)
	{
		spi_connected = false;
		if (SPI_finish() != SPI_OK_FINISH)
			elog(ERROR, "pgml: SPI_finish failed");
	}
}

void
_PG_init(void)
{
	sigemptyset(&pg_signals);
	sigaddset(&pg_signals, SIGHUP);
	sigaddset(&pg_signals, SIGINT);
	sigaddset(&pg_signals, SIGTERM);
	sigaddset(&pg_signals, SIGQUIT);
	sigaddset(&pg_signals, SIGALRM);
	sigaddset(&pg_signals, SIGUSR1);
	sigaddset(&pg_signals, SIGUSR2);
	sigaddset(&pg_signals, SIGURG);
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);

	/*
	 * XGBoost's OpenMP threads must sleep, not spin, between parallel regions: a database server's cores belong to
	 * the other backends (spinning made training 25x slower on a loaded 2-core machine). Read by libgomp when
	 * libxgboost is first loaded, which happens later; a value set by the administrator wins.
	 */
	setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
}

/* ---------------------------------------------------------------- SQL entry points */

/* Builds the SQL result from the rows the managed call emitted, as the function's declared return type wants. */
static Datum
build_result(FunctionCallInfo fcinfo)
{
	Oid			rettype = get_func_rettype(fcinfo->flinfo->fn_oid);
	ListCell   *lc;

	if (fcinfo->flinfo->fn_retset)
	{
		ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
		AttInMetadata *meta;

		InitMaterializedSRF(fcinfo, 0);
		meta = TupleDescGetAttInMetadata(rsinfo->setDesc);
		foreach(lc, result_rows)
		{
			char	  **row = (char **) lfirst(lc);

			if (result_ncolumns != rsinfo->setDesc->natts)
				elog(ERROR, "pgml: engine returned %d columns, the function declares %d", result_ncolumns,
					 rsinfo->setDesc->natts);
			tuplestore_puttuple(rsinfo->setResult, BuildTupleFromCStrings(meta, row));
		}
		return (Datum) 0;
	}
	if (result_rows == NIL || ((char **) linitial(result_rows))[0] == NULL)
		PG_RETURN_NULL();
	if (type_is_rowtype(rettype))
	{
		TupleDesc	desc;

		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "pgml: composite result type expected");
		return HeapTupleGetDatum(BuildTupleFromCStrings(TupleDescGetAttInMetadata(desc),
														(char **) linitial(result_rows)));
	}
	else
	{
		Oid			input;
		Oid			ioparam;

		getTypeInputInfo(rettype, &input, &ioparam);
		return OidInputFunctionCall(input, ((char **) linitial(result_rows))[0], ioparam, -1);
	}
}

/*
 * Every cold SQL function of pgml (train, deploy, version, ...) is this one C function: arguments go to the engine
 * in text form, keyed by the SQL function's name, and the engine's rows come back in text form.
 */
PG_FUNCTION_INFO_V1(pgml_text_call);
Datum
pgml_text_call(PG_FUNCTION_ARGS)
{
	char	   *name = get_func_name(fcinfo->flinfo->fn_oid);
	int			nargs = PG_NARGS();
	const char **args = palloc0(sizeof(char *) * Max(nargs, 1));
	int32_t		rc;

	for (int i = 0; i < nargs; i++)
	{
		Oid			type = get_fn_expr_argtype(fcinfo->flinfo, i);
		Oid			output;
		bool		varlena;

		if (PG_ARGISNULL(i))
			continue;
		if (!OidIsValid(type))
			elog(ERROR, "pgml: cannot determine the type of argument %d", i + 1);
		getTypeOutputInfo(type, &output, &varlena);
		args[i] = OidOutputFunctionCall(output, PG_GETARG_DATUM(i));
	}
	result_rows = NIL;
	result_ncolumns = 0;
	result_context = CurrentMemoryContext;
	begin_call(true);
	rc = cs_invoke(name, nargs, args);
	finish_call(rc);
	return build_result(fcinfo);
}

/* Per call site: what the arguments are, decided once instead of at every call. */
typedef struct PredictSite
{
	bool		by_id;
	bool		is_row;
	int32_t		elem_type;		/* array input; -1 for numeric[] (converted to float8) */
	/* row input: the row type seen last, and buffers for its attributes */
	Oid			row_type;
	int32		row_typmod;
	TupleDesc	row_desc;
	Datum	   *row_datums;
	bool	   *row_nulls;
	PgmlValue  *row_values;
} PredictSite;

static PredictSite *
predict_site(FunctionCallInfo fcinfo)
{
	PredictSite *site = (PredictSite *) fcinfo->flinfo->fn_extra;

	if (site == NULL)
	{
		Oid			key = get_fn_expr_argtype(fcinfo->flinfo, 0);
		Oid			arg = get_fn_expr_argtype(fcinfo->flinfo, 1);
		Oid			elem = get_element_type(arg);

		site = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PredictSite));
		site->by_id = (key == INT8OID);
		site->is_row = type_is_rowtype(arg);
		if (!site->is_row)
		{
			site->elem_type = elem == NUMERICOID ? -1 : elem_type_code(elem);
			if (!OidIsValid(elem) || (site->elem_type < 0 && elem != NUMERICOID))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("pgml cannot predict from features of type %s", format_type_be(arg)),
						 errhint("Pass an array of numbers (real[], double precision[], numeric[], integer types, boolean[]) or a row: pgml.predict('project', (a, b, c)).")));
		}
		fcinfo->flinfo->fn_extra = site;
	}
	return site;
}

/* A numeric[] as a palloc'd float8 array: the engine reads numbers of fixed size. */
static const void *
numeric_array_to_float8(ArrayType *arr, int *n, const uint8_t **nulls_out)
{
	Datum	   *values;
	bool	   *nulls;
	int			count;
	double	   *out;
	bits8	   *bitmap = NULL;

	deconstruct_array(arr, NUMERICOID, -1, false, TYPALIGN_INT, &values, &nulls, &count);
	out = palloc(sizeof(double) * Max(count, 1));
	for (int i = 0, j = 0; i < count; i++)
	{
		if (nulls[i])
		{
			if (bitmap == NULL)
			{
				bitmap = palloc0((count + 7) / 8);
				for (int k = 0; k < i; k++)
					bitmap[k / 8] |= 1 << (k % 8);
			}
			continue;
		}
		if (bitmap)
			bitmap[i / 8] |= 1 << (i % 8);
		out[j++] = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, values[i]));
	}
	*n = count;
	*nulls_out = bitmap;
	return out;
}

static void
array_input(ArrayType *arr, int32_t elem_type, PgmlInput *input)
{
	input->is_row = 0;
	if (elem_type < 0)
	{
		input->data = numeric_array_to_float8(arr, &input->n, &input->nulls);
		input->elem_type = PGML_FLOAT8;
	}
	else
	{
		input->elem_type = elem_type;
		input->data = ARR_DATA_PTR(arr);
		input->n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
		input->nulls = ARR_HASNULL(arr) ? ARR_NULLBITMAP(arr) : NULL;
	}
}

/* Decodes a row's attributes for the engine: numbers as doubles, text as bytes, arrays read in place. */
static void
row_input(PredictSite *site, HeapTupleHeader row, PgmlInput *input, MemoryContext cxt)
{
	Oid			type = HeapTupleHeaderGetTypeId(row);
	int32		typmod = HeapTupleHeaderGetTypMod(row);
	HeapTupleData tuple;
	TupleDesc	desc;

	if (site->row_desc == NULL || site->row_type != type || site->row_typmod != typmod)
	{
		TupleDesc	looked = lookup_rowtype_tupdesc(type, typmod);
		MemoryContext old = MemoryContextSwitchTo(cxt);

		site->row_desc = CreateTupleDescCopy(looked);
		ReleaseTupleDesc(looked);
		site->row_type = type;
		site->row_typmod = typmod;
		site->row_datums = palloc(sizeof(Datum) * Max(site->row_desc->natts, 1));
		site->row_nulls = palloc(sizeof(bool) * Max(site->row_desc->natts, 1));
		site->row_values = palloc(sizeof(PgmlValue) * Max(site->row_desc->natts, 1));
		MemoryContextSwitchTo(old);
	}
	desc = site->row_desc;
	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	heap_deform_tuple(&tuple, desc, site->row_datums, site->row_nulls);

	input->is_row = 1;
	input->n = 0;
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		PgmlValue  *v = &site->row_values[input->n];
		Oid			t;
		Datum		d = site->row_datums[i];

		if (att->attisdropped)
			continue;
		input->n++;
		memset(v, 0, sizeof(PgmlValue));
		if (site->row_nulls[i])
		{
			v->kind = PGML_VALUE_NULL;
			continue;
		}
		t = getBaseType(att->atttypid);
		switch (t)
		{
			case FLOAT4OID:
			case FLOAT8OID:
			case INT2OID:
			case INT4OID:
			case INT8OID:
			case BOOLOID:
			case NUMERICOID:
				v->kind = PGML_VALUE_NUMBER;
				v->number = datum_to_double(d, t);
				break;
			case TEXTOID:
			case VARCHAROID:
			case BPCHAROID:
				{
					text	   *txt = DatumGetTextPP(d);

					v->kind = PGML_VALUE_TEXT;
					v->data = VARDATA_ANY(txt);
					v->length = VARSIZE_ANY_EXHDR(txt);
					if (t == BPCHAROID)
						while (v->length > 0 && ((const char *) v->data)[v->length - 1] == ' ')
							v->length--;	/* char(n)'s padding is not part of the value */
					break;
				}
			default:
				{
					Oid			elem = get_element_type(t);

					if (OidIsValid(elem) && (elem_type_code(elem) >= 0 || elem == NUMERICOID))
					{
						PgmlInput	a;

						array_input(DatumGetArrayTypeP(d), elem == NUMERICOID ? -1 : elem_type_code(elem), &a);
						v->kind = PGML_VALUE_ARRAY;
						v->elem_type = a.elem_type;
						v->data = a.data;
						v->length = a.n;
						v->nulls = a.nulls;
						break;
					}
					ereport(ERROR,
							(errcode(ERRCODE_DATATYPE_MISMATCH),
							 errmsg("pgml cannot use the value of type %s in attribute %d of the row", format_type_be(att->atttypid), input->n),
							 t == UNKNOWNOID
							 ? errhint("Give quoted literals a type: ('Paris'::text, 120) instead of ('Paris', 120).")
							 : errhint("Pass numbers, booleans, text or arrays of numbers, in the order of the training columns.")));
				}
		}
	}
	input->values = site->row_values;
}

/*
 * Every predict function: project name or model id, then features as an array (read in place) or a row. The hot
 * path: no copy of a real[] argument, no signal-mask syscalls (nothing here creates threads).
 */
static void
predict_call(FunctionCallInfo fcinfo, int32_t mode, const float **out, int32_t *out_n, const char **label,
			 int32_t *label_len)
{
	PredictSite *site = predict_site(fcinfo);
	PgmlInput	input;
	const char *project = NULL;
	int32_t		project_len = 0;
	int64_t		model_id = 0;
	int32_t		rc;

	if (site->by_id)
		model_id = PG_GETARG_INT64(0);
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		project = VARDATA_ANY(t);
		project_len = VARSIZE_ANY_EXHDR(t);
	}
	if (site->is_row)
		row_input(site, PG_GETARG_HEAPTUPLEHEADER(1), &input, fcinfo->flinfo->fn_mcxt);
	else
		array_input(PG_GETARG_ARRAYTYPE_P(1), site->elem_type, &input);
	begin_call(false);
	rc = cs_predict(mode, project, project_len, model_id, &input, out, out_n, label, label_len);
	finish_call(rc);
}

static Datum
float_array(const float *values, int n)
{
	Datum	   *datums = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		datums[i] = Float4GetDatum(values[i]);
	return PointerGetDatum(construct_array(datums, n, FLOAT4OID, sizeof(float4), true, TYPALIGN_INT));
}

/* pgml.predict(...) -> real */
PG_FUNCTION_INFO_V1(pgml_predict);
Datum
pgml_predict(PG_FUNCTION_ARGS)
{
	const float *out = NULL;
	int32_t		n = 0;

	predict_call(fcinfo, PGML_PREDICT_VALUE, &out, &n, NULL, NULL);
	PG_RETURN_FLOAT4(out[0]);
}

/* pgml.predict_proba / _predict_batch / predict_joint (...) -> real[]: one engine call, the mode decides the values */
static Datum
predict_array(FunctionCallInfo fcinfo, int32_t mode)
{
	const float *out = NULL;
	int32_t		n = 0;

	predict_call(fcinfo, mode, &out, &n, NULL, NULL);
	return float_array(out, n);
}

PG_FUNCTION_INFO_V1(pgml_predict_proba);
Datum
pgml_predict_proba(PG_FUNCTION_ARGS)
{
	return predict_array(fcinfo, PGML_PREDICT_PROBA);
}

PG_FUNCTION_INFO_V1(pgml_predict_batch);
Datum
pgml_predict_batch(PG_FUNCTION_ARGS)
{
	return predict_array(fcinfo, PGML_PREDICT_BATCH);
}

PG_FUNCTION_INFO_V1(pgml_predict_joint);
Datum
pgml_predict_joint(PG_FUNCTION_ARGS)
{
	return predict_array(fcinfo, PGML_PREDICT_JOINT);
}

/* pgml.decompose(...) -> real[]: the components of a decomposition (PCA) model */
PG_FUNCTION_INFO_V1(pgml_decompose);
Datum
pgml_decompose(PG_FUNCTION_ARGS)
{
	return predict_array(fcinfo, PGML_PREDICT_DECOMPOSE);
}

/* pgml.predict_label(...) -> text: the label's own value ('virginica', 'true', '30') */
PG_FUNCTION_INFO_V1(pgml_predict_label);
Datum
pgml_predict_label(PG_FUNCTION_ARGS)
{
	const char *label = NULL;
	int32_t		len = 0;

	predict_call(fcinfo, PGML_PREDICT_LABEL, NULL, NULL, &label, &len);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(label, len));
}

/*
 * Statement trigger on pgml's catalog tables: any change invalidates every backend's prediction cache at commit.
 * The message is always about pgml.deployments, the one relation the caches watch.
 */
PG_FUNCTION_INFO_V1(pgml_catalog_changed);
Datum
pgml_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Oid			deployments;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "pgml_catalog_changed must be called as a trigger");
	deployments = get_relname_relid("deployments", RelationGetNamespace(trigdata->tg_relation));
	CacheInvalidateRelcacheByRelid(OidIsValid(deployments) ? deployments : RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}
