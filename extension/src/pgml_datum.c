/*
 * pgml_datum.c - decoding PostgreSQL values for the engine: numbers, text, arrays and rows.
 *
 * Owns: the one table of the number types pgml reads (how each becomes a double, and how an array of it is handed
 * over), the text rule (char(n)'s padding is not part of the value, in training as in predict), arrays flattened to
 * floats (training) or read in place (predict), and a row's attributes decoded for predict.
 */
#include "pgml_shim.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

static double
float4_number(Datum d)
{
	return DatumGetFloat4(d);
}

static double
float8_number(Datum d)
{
	return DatumGetFloat8(d);
}

static double
int2_number(Datum d)
{
	return DatumGetInt16(d);
}

static double
int4_number(Datum d)
{
	return DatumGetInt32(d);
}

static double
int8_number(Datum d)
{
	return (double) DatumGetInt64(d);
}

static double
bool_number(Datum d)
{
	return DatumGetBool(d) ? 1.0 : 0.0;
}

static double
numeric_number(Datum d)
{
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
}

/*
 * Every type pgml reads as a number. An array of a fixed-size type is read in place (its PgmlElemType); numeric has
 * no fixed size, so a numeric[] is converted to float8 first.
 */
static const PgmlNumberType number_types[] = {
	{FLOAT4OID, PGML_FLOAT4, float4_number},
	{FLOAT8OID, PGML_FLOAT8, float8_number},
	{INT2OID, PGML_INT2, int2_number},
	{INT4OID, PGML_INT4, int4_number},
	{INT8OID, PGML_INT8, int8_number},
	{BOOLOID, PGML_BOOL, bool_number},
	{NUMERICOID, -1, numeric_number},
};

/* The number type of a (base) type, or NULL when pgml cannot read it as a number. */
const PgmlNumberType *
pgml_number_type(Oid type)
{
	for (int i = 0; i < (int) lengthof(number_types); i++)
		if (number_types[i].type == type)
			return &number_types[i];
	return NULL;
}

static void
not_a_number(Oid type)
{
	ereport(ERROR,
			(errcode(PGML_ERRCODE_FEATURE_TYPE),
			 errmsg("pgml cannot use a value of type %s as a number", format_type_be(type))));
}

/* A value as a float4, the engine's feature type; NULL is NaN (a missing value). number: pgml_number_type(type). */
float
pgml_datum_to_float(const PgmlNumberType *number, Datum d, bool isnull, Oid type)
{
	if (isnull)
		return NAN;
	if (number == NULL)
		not_a_number(type);
	if (type == FLOAT4OID)
		return DatumGetFloat4(d);
	return (float) number->to_double(d);
}

/* A text value's UTF-8 bytes, read in place. */
void
pgml_text_value(Datum d, Oid base_type, const char **data, int32_t *length)
{
	text	   *t = DatumGetTextPP(d);

	*data = VARDATA_ANY(t);
	*length = VARSIZE_ANY_EXHDR(t);
	if (base_type == BPCHAROID)
		while (*length > 0 && (*data)[*length - 1] == ' ')
			(*length)--;		/* char(n)'s padding is not part of the value */
}

/* A numeric array's elements (any dimensions, flattened) as floats; NULL elements become NaN. */
void
pgml_array_to_floats(ArrayType *arr, float *out, int width, const char *column)
{
	Oid			elem = ARR_ELEMTYPE(arr);
	const PgmlNumberType *number = pgml_number_type(elem);
	int			n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *values;
	bool	   *nulls;
	int			count;

	if (n != width)
		ereport(ERROR,
				(errcode(PGML_ERRCODE_ARRAY_WIDTH),
				 errmsg("array column \"%s\" has %d elements in a row where the first row had %d", column, n, width),
				 errhint("Every row must have arrays of the same size; filter or pad them in a VIEW.")));
	get_typlenbyvalalign(elem, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elem, typlen, typbyval, typalign, &values, &nulls, &count);
	for (int i = 0; i < count; i++)
		out[i] = pgml_datum_to_float(number, values[i], nulls[i], elem);
	pfree(values);
	pfree(nulls);
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
		out[j++] = numeric_number(values[i]);
	}
	*n = count;
	*nulls_out = bitmap;
	return out;
}

/* A feature array for predict: read in place, or (elem_type -1, numeric[]) converted to float8. */
void
pgml_array_input(ArrayType *arr, int32_t elem_type, PgmlInput *input)
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

/* One attribute of a row for predict: a number, text, or an array of numbers; anything else is an error. */
static void
attribute_value(Form_pg_attribute att, Datum d, int position, PgmlValue *v)
{
	Oid			t = getBaseType(att->atttypid);
	const PgmlNumberType *number = pgml_number_type(t);
	Oid			elem;

	if (number != NULL)
	{
		v->kind = PGML_VALUE_NUMBER;
		v->number = number->to_double(d);
		return;
	}
	if (t == TEXTOID || t == VARCHAROID || t == BPCHAROID)
	{
		const char *data;

		v->kind = PGML_VALUE_TEXT;
		pgml_text_value(d, t, &data, &v->length);
		v->data = data;
		return;
	}
	elem = get_element_type(t);
	number = OidIsValid(elem) ? pgml_number_type(elem) : NULL;
	if (number != NULL)
	{
		PgmlInput	a;

		pgml_array_input(DatumGetArrayTypeP(d), number->elem_type, &a);
		v->kind = PGML_VALUE_ARRAY;
		v->elem_type = a.elem_type;
		v->data = a.data;
		v->length = a.n;
		v->nulls = a.nulls;
		return;
	}
	ereport(ERROR,
			(errcode(PGML_ERRCODE_FEATURE_TYPE),
			 errmsg("pgml cannot use the value of type %s in attribute %d of the row", format_type_be(att->atttypid), position),
			 t == UNKNOWNOID
			 ? errhint("Give quoted literals a type: ('Paris'::text, 120) instead of ('Paris', 120).")
			 : errhint("Pass numbers, booleans, text or arrays of numbers, in the order of the training columns.")));
}

/* Decodes a row's attributes for the engine: numbers as doubles, text as bytes, arrays read in place. */
void
pgml_row_input(PgmlRowBuffers *buffers, HeapTupleHeader row, PgmlInput *input, MemoryContext cxt)
{
	Oid			type = HeapTupleHeaderGetTypeId(row);
	int32		typmod = HeapTupleHeaderGetTypMod(row);
	HeapTupleData tuple;
	TupleDesc	desc;

	if (buffers->row_desc == NULL || buffers->row_type != type || buffers->row_typmod != typmod)
	{
		TupleDesc	looked = lookup_rowtype_tupdesc(type, typmod);
		MemoryContext old = MemoryContextSwitchTo(cxt);

		buffers->row_desc = CreateTupleDescCopy(looked);
		ReleaseTupleDesc(looked);
		buffers->row_type = type;
		buffers->row_typmod = typmod;
		buffers->row_datums = palloc(sizeof(Datum) * Max(buffers->row_desc->natts, 1));
		buffers->row_nulls = palloc(sizeof(bool) * Max(buffers->row_desc->natts, 1));
		buffers->row_values = palloc(sizeof(PgmlValue) * Max(buffers->row_desc->natts, 1));
		MemoryContextSwitchTo(old);
	}
	desc = buffers->row_desc;
	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	heap_deform_tuple(&tuple, desc, buffers->row_datums, buffers->row_nulls);

	input->is_row = 1;
	input->n = 0;
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		PgmlValue  *v;

		if (att->attisdropped)
			continue;
		v = &buffers->row_values[input->n++];
		memset(v, 0, sizeof(PgmlValue));
		if (buffers->row_nulls[i])
			v->kind = PGML_VALUE_NULL;
		else
			attribute_value(att, buffers->row_datums[i], input->n, v);
	}
	input->values = buffers->row_values;
}

/*
 * An uninitialised one-dimensional float4[] or float8[] of n elements, for the engine's results to be written into
 * (ARR_DATA_PTR): one allocation and no per-element Datum, unlike construct_array.
 */
ArrayType *
pgml_new_float_array(Oid elem, int n)
{
	int			width = elem == FLOAT4OID ? sizeof(float4) : sizeof(float8);
	Size		bytes = ARR_OVERHEAD_NONULLS(1) + (Size) width * n;
	ArrayType  *result;

	if (n == 0)
		return construct_empty_array(elem);
	result = (ArrayType *) palloc(bytes);
	SET_VARSIZE(result, bytes);
	result->ndim = 1;
	result->dataoffset = 0;
	result->elemtype = elem;
	ARR_DIMS(result)[0] = n;
	ARR_LBOUND(result)[0] = 1;
	return result;
}
