/*
 * pgml_abi.h - the binary contract between the C shim (pgml.so) and the NativeAOT library (pgml_engine.so).
 *
 * Mirrored field by field in src/Pgml.Extension/Interop/Abi.cs. Bump PGML_ABI_VERSION on any change. The boundary
 * checks itself: the callback table carries its ABI version and its size, and the engine refuses a table of another
 * version or size at the first call (Pg.Init: ERROR 38000, reinstall both libraries) instead of crashing on a
 * mismatched struct. Its first three fields (version, size, error) stay where they are in every version from 3 on,
 * so that an engine can report the mismatch of any later or earlier table.
 *
 * Status codes returned by every managed export:
 *   0  ok
 *   1  a PostgreSQL error is pending on the C side (caught in a callback); C re-throws it unchanged
 *   2  pgml error: PgmlError is filled (SQLSTATE, message, detail, hint); C raises it with ereport
 * Callbacks return 0 on success, -1 when a PostgreSQL error was caught and is now pending, and
 * PGML_CALLBACK_WRONG_THREAD when called from a thread other than the backend's main one: then nothing of
 * PostgreSQL was touched (PostgreSQL is single-threaded: not even palloc or ereport is safe there), no error is
 * pending, and the engine raises its own error; the shim also fails the SQL call if the engine swallowed it.
 */
#ifndef PGML_ABI_H
#define PGML_ABI_H

#include <stdint.h>

#define PGML_ABI_VERSION 5

#define PGML_CALLBACK_WRONG_THREAD (-2)

typedef struct PgmlError
{
	char		sqlstate[8];
	char		message[2048];
	char		detail[2048];
	char		hint[2048];
} PgmlError;

/* a query parameter: text form through the type's input function, or raw bytes for bytea */
typedef struct PgmlParam
{
	uint32_t	type_oid;
	int32_t		length;			/* bytes in value (bytea); -1 = NUL-terminated text */
	const char *value;			/* NULL = SQL NULL */
} PgmlParam;

/* element types of a feature array handed to predict */
enum PgmlElemType
{
	PGML_FLOAT4 = 0,
	PGML_FLOAT8 = 1,
	PGML_INT2 = 2,
	PGML_INT4 = 3,
	PGML_INT8 = 4,
	PGML_BOOL = 5
};

/* one attribute of a row handed to predict, decoded by the shim */
enum PgmlValueKind
{
	PGML_VALUE_NULL = 0,
	PGML_VALUE_NUMBER = 1,		/* number: numeric types and booleans, as a double */
	PGML_VALUE_TEXT = 2,		/* data/length: UTF-8 bytes (not NUL-terminated) */
	PGML_VALUE_ARRAY = 3		/* elem_type, data, length (elements), nulls (bitmap or NULL) */
};

typedef struct PgmlValue
{
	int32_t		kind;
	int32_t		elem_type;
	double		number;
	const void *data;
	int32_t		length;
	const uint8_t *nulls;
} PgmlValue;

/* the features of one predict call: an array, or the attributes of a row */
typedef struct PgmlInput
{
	int32_t		is_row;
	int32_t		elem_type;		/* array: PgmlElemType */
	const void *data;			/* array data, read in place */
	int32_t		n;				/* array elements, or row attributes */
	const uint8_t *nulls;		/* array null bitmap or NULL */
	const PgmlValue *values;	/* row attributes */
} PgmlInput;

enum PgmlPredictMode
{
	PGML_PREDICT_VALUE = 0,		/* one real */
	PGML_PREDICT_PROBA = 1,		/* class probabilities */
	PGML_PREDICT_BATCH = 2,		/* one real per row of a flattened batch */
	PGML_PREDICT_JOINT = 3,		/* one real per target */
	PGML_PREDICT_LABEL = 4,		/* the label's own value, as text */
	PGML_PREDICT_DECOMPOSE = 5	/* a decomposition's components */
};

/* how cursor_fetch decodes one column of the training query */
enum PgmlColumnKind
{
	PGML_COLUMN_NUMBER = 0,		/* numeric or boolean: one float */
	PGML_COLUMN_ARRAY = 1,		/* numeric array: width floats, flattened */
	PGML_COLUMN_TEXT = 2		/* text: NaN here, read with cursor_text */
};

typedef struct PgmlColumn
{
	int32_t		kind;
	int32_t		to_labels;		/* 1: into the labels buffer, 0: into the features buffer */
	int32_t		offset;			/* first float of this column within its row */
	int32_t		width;			/* floats (array elements) */
	const char *name;			/* for error messages */
} PgmlColumn;

typedef struct PgmlCallbacks
{
	/* the stable prefix: the same three fields at the same offsets in every ABI version from 3 on */
	int32_t		abi_version;
	int32_t		size;			/* sizeof(PgmlCallbacks) */
	PgmlError  *error;			/* the pgml error of the current call (status 2) */
	/* the callbacks, each guarded (pgml_shim.h) and refused off the backend's main thread */
	int32_t		(*check_interrupts) (void);
	int32_t		(*log) (int32_t level, const char *message);	/* 0 DEBUG1, 1 LOG, 2 INFO, 3 NOTICE, 4 WARNING */
	int32_t		(*spi_execute) (const char *sql, int32_t nparams, const PgmlParam *params, int64_t max_rows,
								int64_t *processed);
	int32_t		(*spi_value) (int64_t row, int32_t column, const char **data, int32_t *length, int32_t *isnull);
	int32_t		(*cursor_open) (const char *sql, int32_t nparams, const PgmlParam *params, void **portal);
	/* decodes each column as described, into row-major feature and label buffers; NULL becomes NaN */
	int32_t		(*cursor_fetch) (void *portal, int64_t max_rows, int32_t ncolumns, const PgmlColumn *columns,
								 int32_t feature_width, float *features, int32_t label_width, float *labels,
								 int64_t *fetched);
	/* a text value of the last fetched batch (row from 0, column from 0) */
	int32_t		(*cursor_text) (int64_t row, int32_t column, const char **data, int32_t *length, int32_t *isnull);
	int32_t		(*cursor_close) (void *portal);
	int32_t		(*emit_row) (int32_t ncolumns, const char *const *values);	/* a result row, text form */
	int32_t		(*watch_deployments) (void);	/* resolve pgml.deployments so its invalidations are seen */
	const volatile uint64_t *deploy_generation;	/* bumped when pgml.deployments changes (transactional) */
	const volatile uint32_t *current_user;	/* GetUserId() at the start of the current call: whose privileges apply */
} PgmlCallbacks;

/* one vector of a vector function (pgml.add, ..., pgml.cosine_similarity, the aggregates' steps), read in place */
typedef struct PgmlVector
{
	int32_t		elem_type;		/* PGML_FLOAT4 or PGML_FLOAT8 */
	int32_t		n;
	const void *data;
} PgmlVector;

typedef int32_t (*pgml_cs_init_fn) (PgmlCallbacks *callbacks);
typedef int32_t (*pgml_cs_invoke_fn) (const char *function, int32_t nargs, const char *const *args);
/* out/out_n: floats owned by the engine, valid until the next call; label/label_len for PGML_PREDICT_LABEL */
typedef int32_t (*pgml_cs_predict_fn) (int32_t mode, const char *project, int32_t project_len, int64_t model_id,
									   const PgmlInput *input, const float **out, int32_t *out_n,
									   const char **label, int32_t *label_len);


/*
 * op: the operation, numbered as VectorOp in src/Pgml.Engine/Vectors/VectorOp.cs. b: the second vector, or NULL when
 * the operation takes none (and at an aggregate's first row: then a is NULL and b the row). A vector result is
 * written to out (as many elements as the input, of its type), a number to *number.
 */
typedef int32_t (*pgml_cs_vector_fn) (int32_t op, const PgmlVector *a, const PgmlVector *b, double scalar, void *out,
									  double *number);

#endif
