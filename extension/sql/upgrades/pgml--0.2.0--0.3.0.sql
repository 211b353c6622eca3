-- pgml 0.2.0 -> 0.3.0 (ALTER EXTENSION pgml UPDATE): projects belong to their owners; PostgresML's vector functions.
-- Models, snapshots and deployments are kept; every existing project and snapshot is owned by the role that runs the update (a superuser,
-- as pgml's install needs), so nothing an existing role could reach before (only superusers could use 0.2.0's
-- catalog) becomes reachable by others. Hand projects over with
--   UPDATE pgml.projects SET owner = 'alice' WHERE name = 'fraud';
-- The result is the schema a fresh 0.3.0 install creates (UpgradeTests compares the two).
\echo Use "ALTER EXTENSION pgml UPDATE" to load this file. \quit

ALTER TABLE pgml.projects ADD COLUMN owner REGROLE NOT NULL DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(current_user));
ALTER TABLE pgml.snapshots ADD COLUMN owner REGROLE NOT NULL DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(current_user));

-- the views read the catalog as the role that queries them, under row-level security
ALTER VIEW pgml.overview SET (security_invoker = true);
ALTER VIEW pgml.trained_models SET (security_invoker = true);
ALTER VIEW pgml.deployed_models SET (security_invoker = true);
GRANT SELECT ON pgml.overview, pgml.trained_models, pgml.deployed_models TO PUBLIC;

-- 0.3.0's sql/src/15_privileges.sql, as it shipped:
-- ---------------------------------------------------------------- privileges (pgml's addition: PostgresML has none)
--
-- A project belongs to the role that created it (pgml.projects.owner). Other roles see its models, files and
-- deployments, predict with it, train it or deploy it only where its owner granted that, with pgml.grant_privilege;
-- superusers see everything (they bypass row-level security). Row-level security on the catalog tables enforces it
-- for pgml's own functions and for any SQL a user writes against pgml.*, alike. The policies call the SECURITY
-- DEFINER functions below, which read the catalog without row-level security, so no policy recurses into another.
--
-- The privileges, each implying predict (a role that may train or deploy a project sees its models):
--   predict  see the project, its models, files, deployments and grants; predict with it
--   train    predict, and train new models into the project
--   deploy   predict, and deploy any of its models (pgml.deploy, or automatic deployment after training)
-- The owner (and every role that is a member of it) holds all three and alone may grant, revoke, delete models or
-- deployments, and rename, hand over or drop the project.

CREATE TABLE pgml.project_grants (
    project_id BIGINT NOT NULL REFERENCES pgml.projects (id) ON DELETE CASCADE,
    grantee REGROLE NOT NULL,   -- 0 (shown as '-') is PUBLIC
    privilege TEXT NOT NULL CHECK (privilege IN ('predict', 'train', 'deploy')),
    grantor REGROLE NOT NULL DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(current_user)),
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (project_id, grantee, privilege)
);
SELECT pg_catalog.pg_extension_config_dump('pgml.project_grants', '');
-- a grant or revoke changes who may use a cached model: every backend's prediction cache follows at commit
CREATE TRIGGER project_grants_invalidate_cache AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pgml.project_grants
    FOR EACH STATEMENT EXECUTE FUNCTION pgml._catalog_changed();

-- Whether role_name may act as a member of role (false for a role that no longer exists: its projects are then
-- reachable by superusers only, instead of every policy failing on the dangling OID).
CREATE FUNCTION pgml._is_member(role_name NAME, role REGROLE) RETURNS BOOLEAN
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT CASE WHEN EXISTS (SELECT FROM pg_roles r WHERE r.oid = $2) THEN pg_has_role($1, $2, 'USAGE') ELSE false END $$;

-- Whether role_name holds privilege ('own', 'predict', 'train' or 'deploy') on the project; 'predict' is implied by
-- every grant. Called by the policies with current_user, which they evaluate as the querying role. (Parameters by
-- position: in an SQL function a column of the same name would win over a parameter's name.)
CREATE FUNCTION pgml._has_privilege(project_id BIGINT, privilege TEXT, role_name NAME) RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT EXISTS (
        SELECT FROM pgml.projects p
        WHERE p.id = $1
          AND (pgml._is_member($3, p.owner)
               OR ($2 <> 'own' AND EXISTS (
                   SELECT FROM pgml.project_grants g
                   WHERE g.project_id = p.id AND ($2 = 'predict' OR g.privilege = $2)
                     AND (g.grantee = 0 OR pgml._is_member($3, g.grantee))))))
    $$;

CREATE FUNCTION pgml._has_model_privilege(model_id BIGINT, privilege TEXT, role_name NAME) RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT pgml._has_privilege((SELECT m.project_id FROM pgml.models m WHERE m.id = $1), $2, $3) $$;

-- A snapshot is visible to its owner and to every role that sees a project with a model trained on it.
CREATE FUNCTION pgml._has_snapshot_privilege(snapshot_id BIGINT, role_name NAME) RETURNS BOOLEAN
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT EXISTS (SELECT FROM pgml.models m WHERE m.snapshot_id = $1 AND pgml._has_privilege(m.project_id, 'predict', $2))
    $$;

-- The id of a project or of a model's project, whether or not the caller may see it: pgml's functions tell "does not
-- exist" (42704) from "permission denied" (42501) as PostgreSQL does for its own objects.
CREATE FUNCTION pgml._project_id(project_name TEXT) RETURNS BIGINT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT p.id FROM pgml.projects p WHERE p.name = $1 $$;
CREATE FUNCTION pgml._model_project_id(model_id BIGINT) RETURNS BIGINT
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT m.project_id FROM pgml.models m WHERE m.id = $1 $$;

ALTER TABLE pgml.projects ENABLE ROW LEVEL SECURITY;
-- (the owner test comes first for INSERT ... RETURNING: the new row is not yet visible to _has_privilege's query)
CREATE POLICY projects_read ON pgml.projects FOR SELECT
    USING (pgml._is_member(current_user, owner) OR pgml._has_privilege(id, 'predict', current_user));
CREATE POLICY projects_create ON pgml.projects FOR INSERT WITH CHECK (pgml._is_member(current_user, owner));
-- handing a project over takes membership in the new owner, as ALTER ... OWNER TO does
CREATE POLICY projects_change ON pgml.projects FOR UPDATE
    USING (pgml._is_member(current_user, owner)) WITH CHECK (pgml._is_member(current_user, owner));
CREATE POLICY projects_drop ON pgml.projects FOR DELETE USING (pgml._is_member(current_user, owner));

ALTER TABLE pgml.project_grants ENABLE ROW LEVEL SECURITY;
CREATE POLICY project_grants_read ON pgml.project_grants FOR SELECT USING (pgml._has_privilege(project_id, 'predict', current_user));
CREATE POLICY project_grants_grant ON pgml.project_grants FOR INSERT WITH CHECK (pgml._has_privilege(project_id, 'own', current_user));
CREATE POLICY project_grants_revoke ON pgml.project_grants FOR DELETE USING (pgml._has_privilege(project_id, 'own', current_user));

ALTER TABLE pgml.models ENABLE ROW LEVEL SECURITY;
CREATE POLICY models_read ON pgml.models FOR SELECT USING (pgml._has_privilege(project_id, 'predict', current_user));
CREATE POLICY models_train ON pgml.models FOR INSERT WITH CHECK (pgml._has_privilege(project_id, 'train', current_user));
CREATE POLICY models_change ON pgml.models FOR UPDATE
    USING (pgml._has_privilege(project_id, 'own', current_user)) WITH CHECK (pgml._has_privilege(project_id, 'own', current_user));
CREATE POLICY models_drop ON pgml.models FOR DELETE USING (pgml._has_privilege(project_id, 'own', current_user));

ALTER TABLE pgml.files ENABLE ROW LEVEL SECURITY;
CREATE POLICY files_read ON pgml.files FOR SELECT USING (pgml._has_model_privilege(model_id, 'predict', current_user));
CREATE POLICY files_train ON pgml.files FOR INSERT WITH CHECK (pgml._has_model_privilege(model_id, 'train', current_user));
CREATE POLICY files_change ON pgml.files FOR UPDATE
    USING (pgml._has_model_privilege(model_id, 'own', current_user)) WITH CHECK (pgml._has_model_privilege(model_id, 'own', current_user));
CREATE POLICY files_drop ON pgml.files FOR DELETE USING (pgml._has_model_privilege(model_id, 'own', current_user));

ALTER TABLE pgml.deployments ENABLE ROW LEVEL SECURITY;
CREATE POLICY deployments_read ON pgml.deployments FOR SELECT USING (pgml._has_privilege(project_id, 'predict', current_user));
CREATE POLICY deployments_deploy ON pgml.deployments FOR INSERT WITH CHECK (pgml._has_privilege(project_id, 'deploy', current_user));
CREATE POLICY deployments_drop ON pgml.deployments FOR DELETE USING (pgml._has_privilege(project_id, 'own', current_user));

ALTER TABLE pgml.snapshots ENABLE ROW LEVEL SECURITY;
CREATE POLICY snapshots_read ON pgml.snapshots FOR SELECT
    USING (pgml._is_member(current_user, owner) OR pgml._has_snapshot_privilege(id, current_user));
CREATE POLICY snapshots_create ON pgml.snapshots FOR INSERT WITH CHECK (pgml._is_member(current_user, owner));
CREATE POLICY snapshots_change ON pgml.snapshots FOR UPDATE
    USING (pgml._is_member(current_user, owner)) WITH CHECK (pgml._is_member(current_user, owner));
CREATE POLICY snapshots_drop ON pgml.snapshots FOR DELETE USING (pgml._is_member(current_user, owner));

-- Every role may use pgml; what it reaches is decided row by row above. An administrator who wants fewer users
-- revokes USAGE on the schema from PUBLIC and grants it to a role of theirs.
GRANT USAGE ON SCHEMA pgml TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON pgml.projects, pgml.models, pgml.files, pgml.snapshots TO PUBLIC;
GRANT SELECT, INSERT, DELETE ON pgml.deployments, pgml.project_grants TO PUBLIC;
GRANT USAGE, SELECT ON SEQUENCE pgml.projects_id_seq, pgml.models_id_seq, pgml.files_id_seq, pgml.snapshots_id_seq,
    pgml.deployments_id_seq TO PUBLIC;

-- ---------------------------------------------------------------- grant helpers

-- The privileges a name stands for ('all' is the three); anything else is 22023 naming the valid ones.
CREATE FUNCTION pgml._privileges(privilege TEXT) RETURNS TEXT[]
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    CASE lower(btrim(privilege))
        WHEN 'predict' THEN RETURN ARRAY['predict'];
        WHEN 'train' THEN RETURN ARRAY['train'];
        WHEN 'deploy' THEN RETURN ARRAY['deploy'];
        WHEN 'all' THEN RETURN ARRAY['predict', 'train', 'deploy'];
        ELSE RAISE EXCEPTION 'unrecognized pgml privilege "%"', privilege
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use predict, train, deploy or all.';
    END CASE;
END;
$$;

-- A role by its exact name ('public' is PUBLIC, 0), or 42704.
CREATE FUNCTION pgml._role(role_name TEXT) RETURNS REGROLE
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    found OID;
BEGIN
    IF lower(role_name) = 'public' THEN
        RETURN 0;
    END IF;
    SELECT r.oid INTO found FROM pg_roles r WHERE r.rolname = role_name;
    IF found IS NULL THEN
        RAISE EXCEPTION 'role "%" does not exist', role_name
            USING ERRCODE = 'undefined_object', HINT = 'Role names are matched exactly (case-sensitive); see SELECT rolname FROM pg_roles;';
    END IF;
    RETURN found;
END;
$$;

-- The project's id, after checking that it exists and that the calling role owns it.
CREATE FUNCTION pgml._owned_project(project_name TEXT) RETURNS BIGINT
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    project BIGINT := pgml._project_id(project_name);
BEGIN
    IF project IS NULL THEN
        RAISE EXCEPTION 'project "%" does not exist', project_name
            USING ERRCODE = 'undefined_object', HINT = 'See SELECT name FROM pgml.projects;';
    END IF;
    IF NOT pgml._has_privilege(project, 'own', current_user) THEN
        RAISE EXCEPTION 'must be owner of project "%"', project_name
            USING ERRCODE = 'insufficient_privilege', HINT = 'Only the project''s owner (or a member of that role, or a superuser) grants and revokes its privileges.';
    END IF;
    RETURN project;
END;
$$;

CREATE FUNCTION pgml._require(value ANYELEMENT, argument TEXT) RETURNS ANYELEMENT
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF value IS NULL THEN
        RAISE EXCEPTION '% must not be NULL', argument USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN value;
END;
$$;

-- GRANT privilege ON project TO role, for a project: 'predict', 'train', 'deploy' or 'all'; role 'public' for every
-- role. Granting what is already granted changes nothing.
CREATE FUNCTION pgml.grant_privilege(project_name TEXT, privilege TEXT, role_name TEXT) RETURNS VOID
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    project BIGINT := pgml._owned_project(pgml._require(project_name, 'project_name'));
    wanted TEXT[] := pgml._privileges(pgml._require(privilege, 'privilege'));
    grantee_role REGROLE := pgml._role(pgml._require(role_name, 'role_name'));
BEGIN
    INSERT INTO pgml.project_grants (project_id, grantee, privilege)
    SELECT project, grantee_role, w FROM unnest(wanted) w
    ON CONFLICT DO NOTHING;
END;
$$;

-- REVOKE privilege ON project FROM role. Revoking 'predict' revokes only that grant: a role granted train or deploy
-- still sees the project (use 'all' to take everything back).
CREATE FUNCTION pgml.revoke_privilege(project_name TEXT, privilege TEXT, role_name TEXT) RETURNS VOID
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    project BIGINT := pgml._owned_project(pgml._require(project_name, 'project_name'));
    wanted TEXT[] := pgml._privileges(pgml._require(privilege, 'privilege'));
    grantee_role REGROLE := pgml._role(pgml._require(role_name, 'role_name'));
BEGIN
    DELETE FROM pgml.project_grants g WHERE g.project_id = project AND g.grantee = grantee_role AND g.privilege = ANY (wanted);
END;
$$;

-- has_table_privilege's counterpart: whether the role (default: the current one) holds the privilege on the project.
CREATE FUNCTION pgml.has_project_privilege(role_name NAME, project_name TEXT, privilege TEXT) RETURNS BOOLEAN
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    project BIGINT := pgml._project_id(pgml._require(project_name, 'project_name'));
    wanted TEXT[] := pgml._privileges(pgml._require(privilege, 'privilege'));
BEGIN
    IF pgml._role(pgml._require(role_name::text, 'role_name')) = 0 THEN
        RAISE EXCEPTION 'pgml.has_project_privilege asks about a role, not PUBLIC' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass a role''s name; to see what PUBLIC holds: SELECT * FROM pgml.project_grants WHERE grantee = 0;';
    END IF;
    IF project IS NULL THEN
        RAISE EXCEPTION 'project "%" does not exist', project_name
            USING ERRCODE = 'undefined_object', HINT = 'See SELECT name FROM pgml.projects;';
    END IF;
    RETURN (SELECT bool_and(pgml._has_privilege(project, w, role_name)) FROM unnest(wanted) w);
END;
$$;
CREATE FUNCTION pgml.has_project_privilege(project_name TEXT, privilege TEXT) RETURNS BOOLEAN
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
    AS $$ SELECT pgml.has_project_privilege(current_user, project_name, privilege) $$;

-- 0.3.0's sql/src/70_vectors.sql, as it shipped:
-- ---------------------------------------------------------------- vector functions (PostgresML's, src/vectors.rs)

-- On real[] (computed in float32, results real) and double precision[] (float64); numeric[], which is what
-- ARRAY[1.0, 2.0] literals are, is computed as double precision. One C entry point serves them all
-- (extension/src/pgml_vector.c), the arithmetic is the engine's (src/Pgml.Engine/Vectors, SIMD). Arrays are
-- one-dimensional without NULL elements (2202E, 22004); two vectors of different lengths are 2202E; a zero vector
-- normalizes to itself and has cosine similarity 0; dividing by 0 is 22012. IMMUTABLE: the answer depends on the
-- arguments only.


-- real[]
CREATE FUNCTION pgml.add(a REAL[], b REAL) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.add(a REAL[], b REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.subtract(minuend REAL[], subtrahend REAL) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.subtract(minuend REAL[], subtrahend REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.multiply(multiplicand REAL[], multiplier REAL) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.multiply(multiplicand REAL[], multiplier REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.divide(dividend REAL[], divisor REAL) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.divide(dividend REAL[], divisor REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l0(vector REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l1(vector REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l2(vector REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_max(vector REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_l1(vector REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_l2(vector REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_max(vector REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.distance_l1(a REAL[], b REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.distance_l2(a REAL[], b REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.dot_product(a REAL[], b REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.cosine_similarity(a REAL[], b REAL[]) RETURNS REAL
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- double precision[]
CREATE FUNCTION pgml.add(a DOUBLE PRECISION[], b DOUBLE PRECISION) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.add(a DOUBLE PRECISION[], b DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.subtract(minuend DOUBLE PRECISION[], subtrahend DOUBLE PRECISION) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.subtract(minuend DOUBLE PRECISION[], subtrahend DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.multiply(multiplicand DOUBLE PRECISION[], multiplier DOUBLE PRECISION) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.multiply(multiplicand DOUBLE PRECISION[], multiplier DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.divide(dividend DOUBLE PRECISION[], divisor DOUBLE PRECISION) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.divide(dividend DOUBLE PRECISION[], divisor DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l0(vector DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l1(vector DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l2(vector DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_max(vector DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_l1(vector DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_l2(vector DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_max(vector DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.distance_l1(a DOUBLE PRECISION[], b DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.distance_l2(a DOUBLE PRECISION[], b DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.dot_product(a DOUBLE PRECISION[], b DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.cosine_similarity(a DOUBLE PRECISION[], b DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- numeric[] (computed as double precision)
CREATE FUNCTION pgml.add(a NUMERIC[], b NUMERIC) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.add(a NUMERIC[], b NUMERIC[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.subtract(minuend NUMERIC[], subtrahend NUMERIC) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.subtract(minuend NUMERIC[], subtrahend NUMERIC[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.multiply(multiplicand NUMERIC[], multiplier NUMERIC) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.multiply(multiplicand NUMERIC[], multiplier NUMERIC[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.divide(dividend NUMERIC[], divisor NUMERIC) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.divide(dividend NUMERIC[], divisor NUMERIC[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l0(vector NUMERIC[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l1(vector NUMERIC[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_l2(vector NUMERIC[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.norm_max(vector NUMERIC[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_l1(vector NUMERIC[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_l2(vector NUMERIC[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.normalize_max(vector NUMERIC[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.distance_l1(a NUMERIC[], b NUMERIC[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.distance_l2(a NUMERIC[], b NUMERIC[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.dot_product(a NUMERIC[], b NUMERIC[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION pgml.cosine_similarity(a NUMERIC[], b NUMERIC[]) RETURNS DOUBLE PRECISION
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Element-wise aggregates over vectors of one length: sum, min, max, and min_abs / max_abs (the smallest and largest
-- absolute value of each element). NULL rows are skipped; no row, or only NULL rows, gives NULL. The step functions
-- are not STRICT (a NULL row keeps the state, the first row becomes it) and also combine partial states, so the
-- aggregates run in parallel workers.
CREATE FUNCTION pgml._sum_step(state REAL[], value REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.sum(REAL[]) (SFUNC = pgml._sum_step, STYPE = REAL[], COMBINEFUNC = pgml._sum_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._min_step(state REAL[], value REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.min(REAL[]) (SFUNC = pgml._min_step, STYPE = REAL[], COMBINEFUNC = pgml._min_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._max_step(state REAL[], value REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.max(REAL[]) (SFUNC = pgml._max_step, STYPE = REAL[], COMBINEFUNC = pgml._max_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._min_abs_step(state REAL[], value REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.min_abs(REAL[]) (SFUNC = pgml._min_abs_step, STYPE = REAL[], COMBINEFUNC = pgml._min_abs_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._max_abs_step(state REAL[], value REAL[]) RETURNS REAL[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.max_abs(REAL[]) (SFUNC = pgml._max_abs_step, STYPE = REAL[], COMBINEFUNC = pgml._max_abs_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._sum_step(state DOUBLE PRECISION[], value DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.sum(DOUBLE PRECISION[]) (SFUNC = pgml._sum_step, STYPE = DOUBLE PRECISION[], COMBINEFUNC = pgml._sum_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._min_step(state DOUBLE PRECISION[], value DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.min(DOUBLE PRECISION[]) (SFUNC = pgml._min_step, STYPE = DOUBLE PRECISION[], COMBINEFUNC = pgml._min_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._max_step(state DOUBLE PRECISION[], value DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.max(DOUBLE PRECISION[]) (SFUNC = pgml._max_step, STYPE = DOUBLE PRECISION[], COMBINEFUNC = pgml._max_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._min_abs_step(state DOUBLE PRECISION[], value DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.min_abs(DOUBLE PRECISION[]) (SFUNC = pgml._min_abs_step, STYPE = DOUBLE PRECISION[], COMBINEFUNC = pgml._min_abs_step, PARALLEL = SAFE);
CREATE FUNCTION pgml._max_abs_step(state DOUBLE PRECISION[], value DOUBLE PRECISION[]) RETURNS DOUBLE PRECISION[]
    AS 'MODULE_PATHNAME', 'pgml_vector' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE pgml.max_abs(DOUBLE PRECISION[]) (SFUNC = pgml._max_abs_step, STYPE = DOUBLE PRECISION[], COMBINEFUNC = pgml._max_abs_step, PARALLEL = SAFE);
