-- pgml 0.2.0: the released install script, kept as it shipped (built from sql/src at df4c1bf). Never edit it:
-- a schema change goes into sql/src and into an upgrade script in sql/upgrades.
\echo Use "CREATE EXTENSION pgml VERSION '0.2.0'" to load this file. \quit

-- ---- sql/src/00_types.sql
-- pgml: machine learning inside PostgreSQL (PostgresML-compatible SQL, engine in C# NativeAOT).

-- ---------------------------------------------------------------- enums (PostgresML's names and order)

CREATE TYPE pgml.task AS ENUM ('regression', 'classification', 'decomposition', 'clustering',
    'question_answering', 'summarization', 'translation', 'text_classification', 'text_generation',
    'text2text', 'embedding', 'text_pair_classification', 'conversation');

CREATE TYPE pgml.algorithm AS ENUM ('linear', 'xgboost', 'xgboost_random_forest', 'svm', 'lasso', 'elastic_net',
    'ridge', 'kmeans', 'dbscan', 'knn', 'random_forest', 'least_angle', 'lasso_least_angle',
    'orthogonal_matching_pursuit', 'bayesian_ridge', 'automatic_relevance_determination',
    'stochastic_gradient_descent', 'perceptron', 'passive_aggressive', 'ransac', 'theil_sen', 'huber', 'quantile',
    'kernel_ridge', 'gaussian_process', 'nu_svm', 'ada_boost', 'bagging', 'extra_trees', 'gradient_boosting_trees',
    'hist_gradient_boosting', 'linear_svm', 'lightgbm', 'transformers', 'affinity_propagation', 'birch',
    'feature_agglomeration', 'mini_batch_kmeans', 'mean_shift', 'optics', 'spectral', 'spectral_bi', 'spectral_co',
    'catboost', 'pca');

CREATE TYPE pgml.runtime AS ENUM ('python', 'rust', 'openai');
CREATE TYPE pgml.strategy AS ENUM ('new_score', 'best_score', 'most_recent', 'rollback', 'specific');
CREATE TYPE pgml.search AS ENUM ('grid', 'random');
CREATE TYPE pgml.sampling AS ENUM ('random', 'last', 'stratified');
CREATE TYPE pgml.status AS ENUM ('in_progress', 'successful', 'failed');


-- ---- sql/src/10_catalog.sql
-- ---------------------------------------------------------------- catalog tables

CREATE FUNCTION pgml.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
        NEW.updated_at := clock_timestamp();
    END IF;
    RETURN NEW;
END;
$$;

CREATE TABLE pgml.projects (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    task pgml.task NOT NULL,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX projects_name_idx ON pgml.projects (name);

CREATE TABLE pgml.snapshots (
    id BIGSERIAL PRIMARY KEY,
    relation_name TEXT NOT NULL,
    y_column_name TEXT[],
    test_size REAL NOT NULL,
    test_sampling pgml.sampling NOT NULL,
    status TEXT NOT NULL,
    columns JSONB,
    analysis JSONB,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    materialized BOOLEAN DEFAULT false
);

CREATE TABLE pgml.models (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES pgml.projects (id) ON DELETE CASCADE,
    snapshot_id BIGINT REFERENCES pgml.snapshots (id) ON DELETE SET NULL,
    num_features INT NOT NULL,
    algorithm TEXT NOT NULL,
    runtime pgml.runtime DEFAULT 'rust',
    hyperparams JSONB NOT NULL,
    status TEXT NOT NULL,
    metrics JSONB,
    search TEXT,
    search_params JSONB NOT NULL,
    search_args JSONB NOT NULL,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX models_project_id_idx ON pgml.models (project_id);
CREATE INDEX models_snapshot_id_idx ON pgml.models (snapshot_id);

CREATE TABLE pgml.deployments (
    id BIGSERIAL PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES pgml.projects (id) ON DELETE CASCADE,
    model_id BIGINT NOT NULL REFERENCES pgml.models (id) ON DELETE CASCADE,
    strategy pgml.strategy NOT NULL,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX deployments_project_id_created_at_idx ON pgml.deployments (project_id, created_at);
CREATE INDEX deployments_model_id_idx ON pgml.deployments (model_id);

CREATE TABLE pgml.files (
    id BIGSERIAL PRIMARY KEY,
    model_id BIGINT NOT NULL REFERENCES pgml.models (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    part INTEGER NOT NULL,
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    -- lz4: a model's floats shrink ~40% for 1.3x the time of storing them raw; pglz (the default) took 5x lz4's time
    -- for a value 12% smaller (a 209 MB forest: 1.35 s raw, 1.75 s lz4, 8.8 s pglz)
    data BYTEA COMPRESSION lz4 NOT NULL,
    -- pgml's addition: a file larger than 16 MB is stored as pieces 0, 1, ... of at most 16 MB each, so storing a
    -- large model costs PostgreSQL's INSERT copies of one piece, not of the whole file (PostgresML's rows are piece 0)
    piece INTEGER NOT NULL DEFAULT 0 CHECK (piece >= 0)
);
CREATE UNIQUE INDEX files_model_id_path_part_piece_idx ON pgml.files (model_id, path, part, piece);

CREATE TRIGGER projects_auto_updated_at BEFORE UPDATE ON pgml.projects FOR EACH ROW EXECUTE FUNCTION pgml.set_updated_at();
CREATE TRIGGER snapshots_auto_updated_at BEFORE UPDATE ON pgml.snapshots FOR EACH ROW EXECUTE FUNCTION pgml.set_updated_at();
CREATE TRIGGER models_auto_updated_at BEFORE UPDATE ON pgml.models FOR EACH ROW EXECUTE FUNCTION pgml.set_updated_at();
CREATE TRIGGER files_auto_updated_at BEFORE UPDATE ON pgml.files FOR EACH ROW EXECUTE FUNCTION pgml.set_updated_at();

-- pg_dump keeps the rows of these tables (they are the user's models, not extension defaults).
SELECT pg_catalog.pg_extension_config_dump('pgml.projects', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.snapshots', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.models', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.deployments', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.files', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.projects_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.snapshots_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.models_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.deployments_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgml.files_id_seq', '');

-- Prediction caches in every backend follow these tables: a change invalidates them at commit (never on rollback),
-- on the primary and on streaming replicas, through PostgreSQL's own relcache invalidation messages.
CREATE FUNCTION pgml._catalog_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'pgml_catalog_changed' LANGUAGE C;
CREATE TRIGGER deployments_invalidate_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pgml.deployments
    FOR EACH STATEMENT EXECUTE FUNCTION pgml._catalog_changed();
CREATE TRIGGER models_invalidate_cache AFTER UPDATE OR DELETE OR TRUNCATE ON pgml.models
    FOR EACH STATEMENT EXECUTE FUNCTION pgml._catalog_changed();
CREATE TRIGGER files_invalidate_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pgml.files
    FOR EACH STATEMENT EXECUTE FUNCTION pgml._catalog_changed();
CREATE TRIGGER projects_invalidate_cache AFTER UPDATE OR DELETE OR TRUNCATE ON pgml.projects
    FOR EACH STATEMENT EXECUTE FUNCTION pgml._catalog_changed();
-- Trigger functions only: nobody has a reason to call them, and triggers fire them without checking EXECUTE.
REVOKE ALL ON FUNCTION pgml._catalog_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION pgml.set_updated_at() FROM PUBLIC;


-- ---- sql/src/20_training.sql
-- ---------------------------------------------------------------- functions

CREATE FUNCTION pgml.version() RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION pgml.train(
    project_name TEXT,
    task TEXT DEFAULT NULL,
    relation_name TEXT DEFAULT NULL,
    y_column_name TEXT DEFAULT NULL,
    algorithm pgml.algorithm DEFAULT 'linear',
    hyperparams JSONB DEFAULT '{}',
    search pgml.search DEFAULT NULL,
    search_params JSONB DEFAULT '{}',
    search_args JSONB DEFAULT '{}',
    test_size REAL DEFAULT 0.25,
    test_sampling pgml.sampling DEFAULT 'stratified',
    runtime pgml.runtime DEFAULT NULL,
    automatic_deploy BOOL DEFAULT true,
    materialize_snapshot BOOL DEFAULT false,
    preprocess JSONB DEFAULT '{}'
) RETURNS TABLE(project TEXT, task TEXT, algorithm TEXT, deployed BOOL)
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;

CREATE FUNCTION pgml.deploy(model_id BIGINT) RETURNS TABLE(project TEXT, strategy TEXT, algorithm TEXT)
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C STRICT VOLATILE;


-- strategy: best_score (target metric compared as numbers), most_recent, rollback (walks back through the
-- deployment history); no default, as in PostgresML's code.
CREATE FUNCTION pgml.deploy(project_name TEXT, strategy pgml.strategy, algorithm pgml.algorithm DEFAULT NULL)
    RETURNS TABLE(project TEXT, strategy TEXT, algorithm TEXT)
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;

-- Several targets (regression): one estimator per target; predict with pgml.predict_joint.
CREATE FUNCTION pgml.train_joint(
    project_name TEXT,
    task TEXT DEFAULT NULL,
    relation_name TEXT DEFAULT NULL,
    y_column_name TEXT[] DEFAULT NULL,
    algorithm pgml.algorithm DEFAULT 'linear',
    hyperparams JSONB DEFAULT '{}',
    search pgml.search DEFAULT NULL,
    search_params JSONB DEFAULT '{}',
    search_args JSONB DEFAULT '{}',
    test_size REAL DEFAULT 0.25,
    test_sampling pgml.sampling DEFAULT 'stratified',
    runtime pgml.runtime DEFAULT NULL,
    automatic_deploy BOOL DEFAULT true,
    materialize_snapshot BOOL DEFAULT false,
    preprocess JSONB DEFAULT '{}'
) RETURNS TABLE(project TEXT, task TEXT, algorithm TEXT, deployed BOOL)
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;

-- A snapshot on its own: records the relation, label and split settings, and copies the rows into
-- pgml.snapshot_<id> (always materialized). Train on the copy by name: pgml.train('p', 'regression', 'pgml.snapshot_<id>', 'y').
CREATE FUNCTION pgml.snapshot(relation_name TEXT, y_column_name TEXT, test_size REAL DEFAULT 0.25,
                              test_sampling pgml.sampling DEFAULT 'stratified', preprocess JSONB DEFAULT '{}')
    RETURNS TABLE(relation TEXT, y_column_name TEXT)
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C STRICT VOLATILE;

-- ---- sql/src/30_prediction.sql
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

-- ---- sql/src/50_views.sql
-- ---------------------------------------------------------------- views (PostgresML's columns)

-- Every deployment, newest first.
CREATE VIEW pgml.overview AS
SELECT p.name, d.created_at AS deployed_at, p.task, m.algorithm, m.runtime, s.relation_name, s.y_column_name,
       s.test_sampling, s.test_size
FROM pgml.projects p
JOIN pgml.deployments d ON d.project_id = p.id
JOIN pgml.models m ON m.id = d.model_id
LEFT JOIN pgml.snapshots s ON s.id = m.snapshot_id
ORDER BY d.created_at DESC, d.id DESC;

-- Every model; deployed is true for each project's current model.
CREATE VIEW pgml.trained_models AS
SELECT m.id, p.name, p.task, m.algorithm, m.runtime, m.created_at, s.test_sampling, s.test_size,
       m.id = current.model_id AS deployed
FROM pgml.models m
JOIN pgml.projects p ON p.id = m.project_id
LEFT JOIN pgml.snapshots s ON s.id = m.snapshot_id
LEFT JOIN LATERAL (
    SELECT d.model_id FROM pgml.deployments d WHERE d.project_id = p.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1
) current ON true
ORDER BY m.created_at DESC, m.id DESC;

-- The current model of each project.
CREATE VIEW pgml.deployed_models AS
SELECT m.id, p.name, p.task, m.algorithm, m.runtime, current.created_at AS deployed_at
FROM pgml.projects p
JOIN LATERAL (
    SELECT d.model_id, d.created_at FROM pgml.deployments d WHERE d.project_id = p.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1
) current ON true
JOIN pgml.models m ON m.id = current.model_id
ORDER BY p.name;

-- ---- sql/src/60_datasets.sql
-- ---------------------------------------------------------------- datasets

-- PostgresML's built-in scikit-learn datasets (breast_cancer, diabetes, digits, iris, linnerud, wine), embedded in
-- pgml_engine.so: creates pgml.<source>, or reloads its rows in place (TRUNCATE + INSERT) when it exists with the
-- dataset's columns, so views on it survive; any other relation under that name is refused, never dropped. In the
-- caller's transaction, with the caller's privileges. subset and kwargs exist for PostgresML's HuggingFace datasets,
-- which pgml cannot load; not STRICT, so NULL arguments get pgml's own errors.
CREATE FUNCTION pgml.load_dataset(
    source TEXT,
    subset TEXT DEFAULT NULL,
    "limit" BIGINT DEFAULT NULL,
    kwargs JSONB DEFAULT '{}'
) RETURNS TABLE(table_name TEXT, rows BIGINT)
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;

-- ---- sql/src/90_diagnostics.sql
-- Diagnostics (superuser only): the engine's runtime figures, and a probe of the C#/PostgreSQL boundary.
CREATE FUNCTION pgml._runtime_info() RETURNS JSONB
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;
CREATE FUNCTION pgml._boundary_probe(kind TEXT, seconds DOUBLE PRECISION DEFAULT 0) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION pgml._runtime_info() FROM PUBLIC;
REVOKE ALL ON FUNCTION pgml._boundary_probe(TEXT, DOUBLE PRECISION) FROM PUBLIC;
