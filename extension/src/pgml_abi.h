/*
 * pgml_abi.h - the binary contract between the C shim (pgml.so) and the NativeAOT library (pgml_engine.so).
 *
 * Mirrored field by field in src/Pgml.Extension/Interop/Abi.cs. Bump PGML_ABI_VERSION on any change: the shim
 * refuses a managed library built for another version instead of crashing on a mismatched struct.
 *
 * Status codes returned by every managed export:
 *   0  ok
 *   1  a PostgreSQL error is pending on the C side (caught in a callback); C re-throws it unchanged
 *   2  pgml error: PgmlError is filled (SQLSTATE, message, detail, hint); C raises it with ereport
 * Callbacks return 0 (or a count) on success and -1 when a PostgreSQL error was caught and is now pending.
 */
#ifndef PGML_ABI_H
#define PGML_ABI_H

#include <stdint.h>

#define PGML_ABI_VERSION 1

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

typedef struct PgmlCallbacks
{
	int32_t		abi_version;
	int32_t		(*check_interrupts) (void);
	int32_t		(*log) (int32_t level, const char *message);	/* 0 DEBUG1, 1 LOG, 2 INFO, 3 NOTICE, 4 WARNING */
	int32_t		(*spi_execute) (const char *sql, int32_t nparams, const PgmlParam *params, int32_t read_only,
								int64_t max_rows, int64_t *processed);
	int32_t		(*spi_value) (int64_t row, int32_t column, const char **data, int32_t *length, int32_t *isnull);
	int32_t		(*cursor_open) (const char *sql, int32_t nparams, const PgmlParam *params, void **portal);
	/* first nlabels columns go to labels, the next nfeatures to features (row-major); NULL becomes NaN */
	int32_t		(*cursor_fetch) (void *portal, int64_t max_rows, int32_t nlabels, float *labels,
								 int32_t nfeatures, float *features, int64_t *fetched);
	int32_t		(*cursor_close) (void *portal);
	int32_t		(*emit_row) (int32_t ncolumns, const char *const *values);	/* a result row, text form */
	int32_t		(*watch_deployments) (void);	/* resolve pgml.deployments so its invalidations are seen */
	const volatile uint64_t *deploy_generation;	/* bumped when pgml.deployments changes (transactional) */
	PgmlError  *error;
} PgmlCallbacks;

typedef int32_t (*pgml_cs_init_fn) (PgmlCallbacks *callbacks);
typedef int32_t (*pgml_cs_invoke_fn) (const char *function, int32_t nargs, const char *const *args);
typedef int32_t (*pgml_cs_predict_fn) (const char *project, int32_t project_len, int64_t model_id,
									   int32_t elem_type, const void *data, int32_t n, const uint8_t *nulls,
									   float *result);

#endif
