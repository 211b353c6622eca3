/*
 * pgml_vector.c - PostgresML's vector functions: pgml.add, subtract, multiply, divide (with a scalar or element-wise),
 * norm_l0/l1/l2/max, normalize_l1/l2/max, distance_l1/l2, dot_product, cosine_similarity, and the steps of the
 * aggregates pgml.sum, min, max, min_abs, max_abs.
 *
 * One C function serves them all: the SQL function's name and argument types decide the operation once per call
 * site (fn_extra). real[] and double precision[] are read in place and the result array is allocated here, so the
 * engine (src/Pgml.Engine/Vectors, SIMD) writes straight into it; numeric[] is converted to double precision.
 */
#include "pgml_shim.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* the operation numbers of VectorOp (src/Pgml.Engine/Vectors/VectorOp.cs) */
enum
{
	OP_ADD_SCALAR = 0, OP_ADD = 4, OP_NORM_L0 = 8, OP_NORM_L1, OP_NORM_L2, OP_NORM_MAX, OP_NORMALIZE_L1, OP_NORMALIZE_L2,
	OP_NORMALIZE_MAX, OP_DISTANCE_L1, OP_DISTANCE_L2, OP_DOT, OP_COSINE, OP_SUM_STEP, OP_MIN_STEP, OP_MAX_STEP,
	OP_MIN_ABS_STEP, OP_MAX_ABS_STEP
};

typedef struct VectorFunction
{
	const char *name;
	int32_t		op;				/* with a scalar second argument; + 4 element-wise, for the arithmetic */
	bool		gives_number;
} VectorFunction;

static const VectorFunction functions[] = {
	{"add", OP_ADD_SCALAR, false}, {"subtract", OP_ADD_SCALAR + 1, false},
	{"multiply", OP_ADD_SCALAR + 2, false}, {"divide", OP_ADD_SCALAR + 3, false},
	{"norm_l0", OP_NORM_L0, true}, {"norm_l1", OP_NORM_L1, true}, {"norm_l2", OP_NORM_L2, true},
	{"norm_max", OP_NORM_MAX, true},
	{"normalize_l1", OP_NORMALIZE_L1, false}, {"normalize_l2", OP_NORMALIZE_L2, false},
	{"normalize_max", OP_NORMALIZE_MAX, false},
	{"distance_l1", OP_DISTANCE_L1, true}, {"distance_l2", OP_DISTANCE_L2, true},
	{"dot_product", OP_DOT, true}, {"cosine_similarity", OP_COSINE, true},
	{"_sum_step", OP_SUM_STEP, false}, {"_min_step", OP_MIN_STEP, false}, {"_max_step", OP_MAX_STEP, false},
	{"_min_abs_step", OP_MIN_ABS_STEP, false}, {"_max_abs_step", OP_MAX_ABS_STEP, false},
};

/* Per call site: the operation and the element type, decided at the first call. */
typedef struct VectorSite
{
	int32_t		op;
	bool		gives_number;
	bool		aggregate_step;
	bool		scalar_argument;	/* the second argument is a number (a * 2), not a vector */
	Oid			scalar_type;	/* its type: FLOAT4OID, FLOAT8OID or NUMERICOID */
	Oid			input_elem;		/* FLOAT4OID, FLOAT8OID or NUMERICOID */
	Oid			result_elem;	/* FLOAT4OID or FLOAT8OID */
} VectorSite;

static VectorSite *
vector_site(FunctionCallInfo fcinfo)
{
	VectorSite *site = (VectorSite *) fcinfo->flinfo->fn_extra;

	if (site == NULL)
	{
		char	   *name = get_func_name(fcinfo->flinfo->fn_oid);
		const VectorFunction *f = NULL;
		Oid			second;

		for (int i = 0; i < (int) lengthof(functions); i++)
			if (strcmp(functions[i].name, name) == 0)
				f = &functions[i];
		if (f == NULL)
			pgml_internal_error("pgml: %s is not a vector function", name);
		site = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(VectorSite));
		site->op = f->op;
		site->gives_number = f->gives_number;
		site->aggregate_step = f->op >= OP_SUM_STEP;
		site->input_elem = get_element_type(get_fn_expr_argtype(fcinfo->flinfo, 0));
		second = PG_NARGS() > 1 ? get_fn_expr_argtype(fcinfo->flinfo, 1) : InvalidOid;
		site->scalar_argument = f->op < OP_ADD && OidIsValid(second) && !OidIsValid(get_element_type(second));
		site->scalar_type = site->scalar_argument ? second : InvalidOid;
		if (f->op < OP_ADD && !site->scalar_argument)
			site->op += OP_ADD - OP_ADD_SCALAR;
		if (site->input_elem != FLOAT4OID && site->input_elem != FLOAT8OID && site->input_elem != NUMERICOID)
			pgml_internal_error("pgml: vector function %s declared on an array of %s", name, format_type_be(site->input_elem));
		site->result_elem = site->input_elem == FLOAT4OID ? FLOAT4OID : FLOAT8OID;
		fcinfo->flinfo->fn_extra = site;
	}
	return site;
}

/* A one-dimensional array without NULL elements, as the engine reads it (numeric[] converted to float8). */
static void
vector_input(const VectorSite *site, ArrayType *arr, const char *argument, PgmlVector *v)
{
	PgmlInput	input;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(PGML_ERRCODE_VECTOR_SHAPE),
				 errmsg("pgml's vector functions take one-dimensional arrays; %s has %d dimensions", argument, ARR_NDIM(arr)),
				 errhint("Flatten it first, e.g. ARRAY(SELECT unnest(v)) for an array v.")));
	if (array_contains_nulls(arr))
		ereport(ERROR,
				(errcode(PGML_ERRCODE_VECTOR_NULL),
				 errmsg("pgml's vector functions take arrays without NULL elements; %s has one", argument),
				 errhint("Replace them first, e.g. array_replace(v, NULL, 0) for an array v.")));
	pgml_array_input(arr, site->input_elem == NUMERICOID ? -1 : (site->input_elem == FLOAT4OID ? PGML_FLOAT4 : PGML_FLOAT8),
					 &input);
	v->elem_type = input.elem_type;
	v->n = input.n;
	v->data = input.data;
}

static double
scalar_argument(const VectorSite *site, FunctionCallInfo fcinfo)
{
	if (site->scalar_type == FLOAT4OID)
		return PG_GETARG_FLOAT4(1);
	if (site->scalar_type == FLOAT8OID)
		return PG_GETARG_FLOAT8(1);
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8, PG_GETARG_DATUM(1)));
}

PG_FUNCTION_INFO_V1(pgml_vector);
Datum
pgml_vector(PG_FUNCTION_ARGS)
{
	VectorSite *site = vector_site(fcinfo);
	PgmlVector	a,
				b;
	const PgmlVector *first = &a,
			   *second = NULL;
	double		scalar = 0,
				number = 0;
	ArrayType  *result = NULL;
	PgmlCallFrame frame;
	int32_t		rc;

	if (site->aggregate_step)
	{
		/* not STRICT: a NULL row is skipped, the first row becomes the state */
		if (PG_ARGISNULL(1))
		{
			if (PG_ARGISNULL(0))
				PG_RETURN_NULL();
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		}
		vector_input(site, PG_GETARG_ARRAYTYPE_P(1), "the row", &b);
		second = &b;
		if (PG_ARGISNULL(0))
			first = NULL;
		else
			vector_input(site, PG_GETARG_ARRAYTYPE_P(0), "the aggregate's state", &a);
	}
	else
	{
		vector_input(site, PG_GETARG_ARRAYTYPE_P(0), "the first argument", &a);
		if (site->scalar_argument)
			scalar = scalar_argument(site, fcinfo);
		else if (PG_NARGS() > 1)
		{
			vector_input(site, PG_GETARG_ARRAYTYPE_P(1), "the second argument", &b);
			second = &b;
		}
	}
	if (!site->gives_number)
		result = pgml_new_float_array(site->result_elem, first ? first->n : second->n);
	frame = pgml_begin_call("vector", false, true);
	rc = cs_vector(site->op, first, second, scalar, result ? ARR_DATA_PTR(result) : NULL, &number);
	pgml_finish_call(rc, &frame);
	if (result)
		PG_RETURN_ARRAYTYPE_P(result);
	if (site->result_elem == FLOAT4OID)
		PG_RETURN_FLOAT4((float4) number);
	PG_RETURN_FLOAT8(number);
}
