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
