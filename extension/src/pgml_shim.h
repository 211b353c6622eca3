/*
 * pgml_shim.h - what the files of the C shim share (private to pgml.so; the contract with the engine is pgml_abi.h).
 *
 * The shim is split by concern, one file each:
 *   pgml_shim.c    the module: PG_MODULE_MAGIC and _PG_init
 *   pgml_guard.c   signals, the guard around every callback (pending error, main-thread check), interrupts and log
 *   pgml_spi.c     SPI: statements, their parameters and values, the training cursor
 *   pgml_datum.c   decoding datums and arrays for the engine: the table of number types, text, rows
 *   pgml_call.c    loading the engine, the callback table, and the bracket around every call (begin/finish)
 *   pgml_fmgr.c    the SQL entry points (pgml_text_call, pgml_predict*) and the result rows they build
 *   pgml_inval.c   cache invalidation: the relcache callback, the deploy generation, the catalog trigger
 *   pgml_vector.c  the vector functions (pgml.add ... pgml.cosine_similarity) and the vector aggregates' steps
 */
#ifndef PGML_SHIM_H
#define PGML_SHIM_H

#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/pg_list.h"
#include "utils/array.h"

#include "pgml_abi.h"

#define ENGINE_LIBRARY "pgml_engine.so"

/*
 * Everything declared below is internal to pgml.so: PostgreSQL loads extensions with RTLD_GLOBAL, so a visible
 * cb_log or pending_error could bind to another library's symbol of that name. Only PG_MODULE_MAGIC, _PG_init and
 * the PG_FUNCTION_INFO_V1 entry points (declared in the .c files) stay exported.
 */
#pragma GCC visibility push(hidden)

/*
 * Every SQLSTATE the shim raises, named here and nowhere else (the .c files use only these names; the test
 * tests/Pgml.IntegrationTests/ShimSqlStateTests.cs reads this block). None is in class XX, 53 or 58, on which Npgsql
 * closes the connection, marks the host offline and clears the pool, nor F0: a failure of pgml is an error of the
 * statement, never of the connection. Errors PostgreSQL raised inside a callback are re-thrown with their own code.
 */
/* a feature value of a type pgml cannot read as a number, text or array of numbers */
#define PGML_ERRCODE_FEATURE_TYPE ERRCODE_DATATYPE_MISMATCH	/* 42804 */
/* an array column whose rows have different sizes */
#define PGML_ERRCODE_ARRAY_WIDTH ERRCODE_ARRAY_SUBSCRIPT_ERROR	/* 2202E */
/* pgml_engine.so cannot be loaded: this install lacks the engine, so it cannot do what pgml.so promises */
#define PGML_ERRCODE_ENGINE_MISSING ERRCODE_FEATURE_NOT_SUPPORTED	/* 0A000 */
/* pgml.so and pgml_engine.so do not fit (entry points, ABI version, callback table size, start failure) */
#define PGML_ERRCODE_ENGINE_MISMATCH ERRCODE_EXTERNAL_ROUTINE_EXCEPTION	/* 38000 */
/* an invariant between the shim and the engine broke, or SPI refused a call pgml made: a bug in pgml */
#define PGML_ERRCODE_INTERNAL ERRCODE_EXTERNAL_ROUTINE_EXCEPTION	/* 38000 */
/* a callback called from a thread other than the backend's main one (refused; PostgreSQL untouched) */
#define PGML_ERRCODE_WRONG_THREAD ERRCODE_EXTERNAL_ROUTINE_EXCEPTION	/* 38000 */
/* a cold pgml function (train, deploy, ...) called from SQL that pgml itself is running for another call */
#define PGML_ERRCODE_NESTED_CALL ERRCODE_FEATURE_NOT_SUPPORTED	/* 0A000 */
/* a vector function's array with more than one dimension */
#define PGML_ERRCODE_VECTOR_SHAPE ERRCODE_ARRAY_SUBSCRIPT_ERROR	/* 2202E */
/* a vector function's array with a NULL element */
#define PGML_ERRCODE_VECTOR_NULL ERRCODE_NULL_VALUE_NOT_ALLOWED	/* 22004 */
/* pgml._catalog_changed() called other than as a trigger */
#define PGML_ERRCODE_NOT_TRIGGER ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED	/* 39P01 */
/* the code of a pgml error the engine reported without a valid one, or with one of the classes above */
#define PGML_SQLSTATE_FALLBACK "38000"
#define PGML_WRONG_THREAD_MESSAGE "pgml called PostgreSQL from a thread other than the backend's main thread"
#define PGML_HINT_BUG "This is a bug in pgml; please report it with the statement that caused it."

/* an invariant of the shim broke (a bug): the message says which, the hint says what to do */
#define pgml_internal_error(...) \
	ereport(ERROR, (errcode(PGML_ERRCODE_INTERNAL), errmsg_internal(__VA_ARGS__), errhint(PGML_HINT_BUG)))

/* ---------------------------------------------------------------- the guard (pgml_guard.c) */

/* error caught in a callback, re-thrown once managed code has returned; sticky until then */
extern ErrorData *pending_error;

extern void pgml_guard_init(void);
extern void pgml_record_main_thread(void);
extern bool pgml_on_main_thread(void);
extern int32_t pgml_refuse_wrong_thread(void);
extern bool pgml_take_wrong_thread_calls(void);
extern void pgml_block_signals(void);
extern void pgml_unblock_signals(void);
extern bool pgml_let_signals_in(void);
extern void pgml_keep_signals_out(void);
extern void pgml_save_pending_error(MemoryContext callerContext);

/*
 * The body of every callback C# calls: PostgreSQL code between GUARDED_BEGIN and GUARDED_END runs inside PG_TRY;
 * an error is saved as pending and the callback returns -1 instead of longjmp-ing over managed frames. While an
 * error is pending, every callback fails at once. Called from any thread but the backend's main one, a callback
 * touches nothing of PostgreSQL (not even CurrentMemoryContext) and returns PGML_CALLBACK_WRONG_THREAD.
 */
#define GUARDED_BEGIN \
	MemoryContext guarded_cxt; \
	volatile int32_t guarded_rc = 0; \
	volatile bool guarded_signals_in = false; \
	if (!pgml_on_main_thread()) \
		return pgml_refuse_wrong_thread(); \
	if (pending_error) \
		return -1; \
	guarded_cxt = CurrentMemoryContext; \
	PG_TRY(); \
	{

#define GUARDED_END \
		MemoryContextSwitchTo(guarded_cxt); \
	} \
	PG_CATCH(); \
	{ \
		pgml_save_pending_error(guarded_cxt); \
		guarded_rc = -1; \
	} \
	PG_END_TRY(); \
	if (guarded_signals_in) \
		pgml_keep_signals_out(); \
	return guarded_rc;

/*
 * Inside GUARDED_BEGIN/END of a callback that runs SQL for C# (a statement, a cursor's fetch): PostgreSQL's signals
 * are let in for the call, so a statement_timeout, cancel or terminate that arrives while the SQL runs (a slow view,
 * pg_sleep) reaches its handlers and the executor's own interrupt checks; with them blocked it never did. No thread
 * is created on the main thread meanwhile, so no runtime or library thread inherits the open mask.
 */
#define LET_SIGNALS_IN() (guarded_signals_in = pgml_let_signals_in())

extern int32_t cb_check_interrupts(void);
extern int32_t cb_log(int32_t level, const char *message);

/* ---------------------------------------------------------------- SPI (pgml_spi.c) */

extern int32_t cb_spi_execute(const char *sql, int32_t nparams, const PgmlParam *params, int64_t max_rows,
							  int64_t *processed);
extern int32_t cb_spi_value(int64_t row, int32_t column, const char **data, int32_t *length, int32_t *isnull);
extern int32_t cb_cursor_open(const char *sql, int32_t nparams, const PgmlParam *params, void **portal);
extern int32_t cb_cursor_fetch(void *portal, int64_t max_rows, int32_t ncolumns, const PgmlColumn *columns,
							   int32_t feature_width, float *features, int32_t label_width, float *labels,
							   int64_t *fetched);
extern int32_t cb_cursor_text(int64_t row, int32_t column, const char **data, int32_t *length, int32_t *isnull);
extern int32_t cb_cursor_close(void *portal);

/* the end of a call: after an error SPI is forgotten (the abort cleans it up), after success SPI_finish'ed */
extern void pgml_spi_end(bool failed);

/* the SPI state of a call, set aside while a nested call (SQL pgml runs calls pgml.predict) has its own */
typedef struct PgmlSpiState
{
	bool		connected;
	SPITupleTable *fetched_batch;
} PgmlSpiState;

extern PgmlSpiState pgml_spi_suspend(void);
extern void pgml_spi_resume(PgmlSpiState outer);

/* ---------------------------------------------------------------- datums (pgml_datum.c) */

/* a number type the engine reads: how to make a double of it, and its array element code */
typedef struct PgmlNumberType
{
	Oid			type;
	int32_t		elem_type;		/* PgmlElemType of an array read in place; -1: an array is converted to float8 */
	double		(*to_double) (Datum d);
} PgmlNumberType;

extern const PgmlNumberType *pgml_number_type(Oid type);
extern float pgml_datum_to_float(const PgmlNumberType *number, Datum d, bool isnull, Oid type);
extern void pgml_text_value(Datum d, Oid base_type, const char **data, int32_t *length);
extern void pgml_array_to_floats(ArrayType *arr, float *out, int width, const char *column);
extern void pgml_array_input(ArrayType *arr, int32_t elem_type, PgmlInput *input);
extern ArrayType *pgml_new_float_array(Oid elem, int n);

/* a row's attributes decoded for predict, with buffers kept per call site for the row type seen last */
typedef struct PgmlRowBuffers
{
	Oid			row_type;
	int32		row_typmod;
	TupleDesc	row_desc;
	Datum	   *row_datums;
	bool	   *row_nulls;
	PgmlValue  *row_values;
} PgmlRowBuffers;

extern void pgml_row_input(PgmlRowBuffers *buffers, HeapTupleHeader row, PgmlInput *input, MemoryContext cxt);

/* ---------------------------------------------------------------- the call bracket (pgml_call.c) */

extern pgml_cs_invoke_fn cs_invoke;
extern pgml_cs_predict_fn cs_predict;
extern pgml_cs_vector_fn cs_vector;

/*
 * A call into the engine, from begin to finish. A call is nested when SQL that pgml runs for another call (a view
 * that training reads) calls pgml.predict: it then gets its own SPI connection and leaves the signal mask and the
 * outer call's state as they are. A nested cold function (train, deploy, ...) is refused.
 */
typedef struct PgmlCallFrame
{
	bool		nested;
	PgmlSpiState outer_spi;
} PgmlCallFrame;

extern PgmlCallFrame pgml_begin_call(const char *function, bool may_create_threads, bool may_nest);
extern void pgml_finish_call(int32_t rc, const PgmlCallFrame *frame);

/* ---------------------------------------------------------------- result rows (pgml_fmgr.c) */

extern int32_t cb_emit_row(int32_t ncolumns, const char *const *values);

/* ---------------------------------------------------------------- invalidation (pgml_inval.c) */

extern volatile uint64_t deploy_generation;
extern void pgml_inval_init(void);
extern int32_t cb_watch_deployments(void);

#pragma GCC visibility pop

#endif
