-- pgml 0.1.0: machine learning inside PostgreSQL (PostgresML-compatible SQL, engine in C# NativeAOT).
\echo Use "CREATE EXTENSION pgml" to load this file. \quit

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
    data BYTEA NOT NULL
);
CREATE UNIQUE INDEX files_model_id_path_part_idx ON pgml.files (model_id, path, part);

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

-- predict: STABLE, not IMMUTABLE (a new deployment changes the answer); STRICT, so a NULL array gives NULL.
CREATE FUNCTION pgml.predict(project_name TEXT, features REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features DOUBLE PRECISION[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features SMALLINT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features INT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features BIGINT[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(project_name TEXT, features BOOL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.predict(model_id BIGINT, features DOUBLE PRECISION[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Diagnostics (superuser only): the engine's runtime figures, and a probe of the C#/PostgreSQL boundary.
CREATE FUNCTION pgml._runtime_info() RETURNS JSONB
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;
CREATE FUNCTION pgml._boundary_probe(kind TEXT, seconds DOUBLE PRECISION DEFAULT 0) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION pgml._runtime_info() FROM PUBLIC;
REVOKE ALL ON FUNCTION pgml._boundary_probe(TEXT, DOUBLE PRECISION) FROM PUBLIC;
