-- ---------------------------------------------------------------- prediction
-- Every function: STABLE, not IMMUTABLE (a new deployment changes the answer); STRICT (a NULL argument gives NULL);
-- by project name (its deployed model) or by model id; features as an array of numbers (read in place), or as a
-- row, e.g. pgml.predict('project', (a, b, c)) or pgml.predict('project', t.*), which also carries text features.
-- PARALLEL SAFE, not RESTRICTED: in a parallel scan the workers predict, with the same answers as serially
-- (ParallelTests). Each worker of each parallel query pays pgml's cold start (runtime start about 2.5 ms, the model
-- load about 1 ms for 25 trees, 4.5 ms for 500; docs/performance.md), but at the default costs the planner goes
-- parallel only for large scans (min_parallel_table_scan_size 8 MB), whose own cost dwarfs it, and there the
-- workers share the predictions (1,000,000 rows: 268-307 ms instead of 391-564 ms on 2 cores). A one-row predict
-- (a key lookup, a VALUES list) never gets a parallel plan at the default costs, so RESTRICTED would save it
-- nothing; on a selective parallel scan it saved 1.5-7 ms per query, within the noise of the scan.

CREATE FUNCTION pgml.predict(project_name TEXT, features REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features DOUBLE PRECISION[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features NUMERIC[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features SMALLINT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features INT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features BIGINT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features BOOL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, "row" ANYELEMENT) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features DOUBLE PRECISION[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features NUMERIC[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features SMALLINT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features INT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features BIGINT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features BOOL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, "row" ANYELEMENT) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Class probabilities, in class order (classes sorted by value, or by text for text labels).
CREATE FUNCTION pgml.predict_proba(project_name TEXT, features REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(project_name TEXT, features DOUBLE PRECISION[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(project_name TEXT, features NUMERIC[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(project_name TEXT, features SMALLINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(project_name TEXT, features INT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(project_name TEXT, features BIGINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(project_name TEXT, features BOOL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(project_name TEXT, "row" ANYELEMENT) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(model_id BIGINT, features REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(model_id BIGINT, features DOUBLE PRECISION[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(model_id BIGINT, features NUMERIC[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(model_id BIGINT, features SMALLINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(model_id BIGINT, features INT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(model_id BIGINT, features BIGINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(model_id BIGINT, features BOOL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_proba(model_id BIGINT, "row" ANYELEMENT) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_proba' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- One value per target of a model trained with pgml.train_joint.
CREATE FUNCTION pgml.predict_joint(project_name TEXT, features REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(project_name TEXT, features DOUBLE PRECISION[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(project_name TEXT, features NUMERIC[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(project_name TEXT, features SMALLINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(project_name TEXT, features INT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(project_name TEXT, features BIGINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(project_name TEXT, features BOOL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(project_name TEXT, "row" ANYELEMENT) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(model_id BIGINT, features REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(model_id BIGINT, features DOUBLE PRECISION[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(model_id BIGINT, features NUMERIC[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(model_id BIGINT, features SMALLINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(model_id BIGINT, features INT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(model_id BIGINT, features BIGINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(model_id BIGINT, features BOOL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_joint(model_id BIGINT, "row" ANYELEMENT) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_joint' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The label's own value as text ('virginica', 'true', '30'): pgml's addition, as predict returns REAL.
CREATE FUNCTION pgml.predict_label(project_name TEXT, features REAL[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(project_name TEXT, features DOUBLE PRECISION[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(project_name TEXT, features NUMERIC[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(project_name TEXT, features SMALLINT[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(project_name TEXT, features INT[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(project_name TEXT, features BIGINT[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(project_name TEXT, features BOOL[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(project_name TEXT, "row" ANYELEMENT) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(model_id BIGINT, features REAL[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(model_id BIGINT, features DOUBLE PRECISION[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(model_id BIGINT, features NUMERIC[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(model_id BIGINT, features SMALLINT[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(model_id BIGINT, features INT[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(model_id BIGINT, features BIGINT[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(model_id BIGINT, features BOOL[]) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_label(model_id BIGINT, "row" ANYELEMENT) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_predict_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Many rows in one call: the features of N rows concatenated (row-major); one prediction per row, in order.
CREATE FUNCTION pgml._predict_batch(project_name TEXT, features REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_batch' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml._predict_batch(model_id BIGINT, features REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_predict_batch' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict_batch(project_name TEXT, features REAL[]) RETURNS SETOF REAL
    LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$ SELECT unnest(pgml._predict_batch($1, $2)) $$;
CREATE FUNCTION pgml.predict_batch(model_id BIGINT, features REAL[]) RETURNS SETOF REAL
    LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$ SELECT unnest(pgml._predict_batch($1, $2)) $$;

-- The components of a decomposition (pca) model: one value per component, in order of explained variance.
CREATE FUNCTION pgml.decompose(project_name TEXT, vector REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(project_name TEXT, vector DOUBLE PRECISION[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(project_name TEXT, vector NUMERIC[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(project_name TEXT, vector SMALLINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(project_name TEXT, vector INT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(project_name TEXT, vector BIGINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(project_name TEXT, vector BOOL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(project_name TEXT, "row" ANYELEMENT) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(model_id BIGINT, vector REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(model_id BIGINT, vector DOUBLE PRECISION[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(model_id BIGINT, vector NUMERIC[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(model_id BIGINT, vector SMALLINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(model_id BIGINT, vector INT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(model_id BIGINT, vector BIGINT[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(model_id BIGINT, vector BOOL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.decompose(model_id BIGINT, "row" ANYELEMENT) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_decompose' LANGUAGE C STABLE STRICT PARALLEL SAFE;
