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
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    -- pgml's addition: the role that created the project (15_privileges.sql)
    owner REGROLE NOT NULL DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(current_user))
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
    materialized BOOLEAN DEFAULT false,
    -- pgml's addition: the role that created the snapshot (15_privileges.sql)
    owner REGROLE NOT NULL DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(current_user))
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

