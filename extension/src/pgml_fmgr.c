/*
 * pgml_fmgr.c - the SQL entry points of pgml.so: what PostgreSQL's function manager calls.
 *
 * Owns: pgml_text_call (every cold SQL function, arguments and result rows in text form, and the emit_row callback
 * that collects those rows), and the predict family (pgml_predict, _proba, _batch, _joint, _label, pgml_decompose)
 * with the per-call-site decisions they keep in fn_extra. Decoding the features is pgml_datum.c's; the bracket
 * around the engine call is pgml_call.c's.
 */
#include "pgml_shim.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* result rows emitted by a text call, kept until the call returns */
static List *result_rows = NIL;
static int	result_ncolumns = 0;

/* Copies a result row into the call's memory context (not SPI's, which ends before the result is built). */
static MemoryContext result_context = NULL;

int32_t
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
				pgml_internal_error("pgml: engine returned %d columns, the function declares %d", result_ncolumns,
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
			pgml_internal_error("pgml: composite result type expected");
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
	PgmlCallFrame frame;

	for (int i = 0; i < nargs; i++)
	{
		Oid			type = get_fn_expr_argtype(fcinfo->flinfo, i);
		Oid			output;
		bool		varlena;

		if (PG_ARGISNULL(i))
			continue;
		if (!OidIsValid(type))
			pgml_internal_error("pgml: cannot determine the type of argument %d", i + 1);
		getTypeOutputInfo(type, &output, &varlena);
		args[i] = OidOutputFunctionCall(output, PG_GETARG_DATUM(i));
	}
	result_rows = NIL;
	result_ncolumns = 0;
	result_context = CurrentMemoryContext;
	frame = pgml_begin_call(name, true, false);
	rc = cs_invoke(name, nargs, args);
	pgml_finish_call(rc, &frame);
	return build_result(fcinfo);
}

/* Per call site: what the arguments are, decided once instead of at every call. */
typedef struct PredictSite
{
	bool		by_id;
	bool		is_row;
	int32_t		elem_type;		/* array input; -1 for numeric[] (converted to float8) */
	PgmlRowBuffers row;			/* row input */
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
			const PgmlNumberType *number = OidIsValid(elem) ? pgml_number_type(elem) : NULL;

			if (number == NULL)
				ereport(ERROR,
						(errcode(PGML_ERRCODE_FEATURE_TYPE),
						 errmsg("pgml cannot predict from features of type %s", format_type_be(arg)),
						 errhint("Pass an array of numbers (real[], double precision[], numeric[], integer types, boolean[]) or a row: pgml.predict('project', (a, b, c)).")));
			site->elem_type = number->elem_type;
		}
		fcinfo->flinfo->fn_extra = site;
	}
	return site;
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
	PgmlCallFrame frame;

	if (site->by_id)
		model_id = PG_GETARG_INT64(0);
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		project = VARDATA_ANY(t);
		project_len = VARSIZE_ANY_EXHDR(t);
	}
	if (site->is_row)
		pgml_row_input(&site->row, PG_GETARG_HEAPTUPLEHEADER(1), &input, fcinfo->flinfo->fn_mcxt);
	else
		pgml_array_input(PG_GETARG_ARRAYTYPE_P(1), site->elem_type, &input);
	frame = pgml_begin_call("predict", false, true);
	rc = cs_predict(mode, project, project_len, model_id, &input, out, out_n, label, label_len);
	pgml_finish_call(rc, &frame);
}

static Datum
float_array(const float *values, int n)
{
	ArrayType  *result = pgml_new_float_array(FLOAT4OID, n);

	memcpy(ARR_DATA_PTR(result), values, sizeof(float4) * n);
	return PointerGetDatum(result);
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
