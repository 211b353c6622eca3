-- Diagnostics (superuser only): the engine's runtime figures, and a probe of the C#/PostgreSQL boundary.
CREATE FUNCTION pgml._runtime_info() RETURNS JSONB
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;
CREATE FUNCTION pgml._boundary_probe(kind TEXT, seconds DOUBLE PRECISION DEFAULT 0) RETURNS TEXT
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION pgml._runtime_info() FROM PUBLIC;
REVOKE ALL ON FUNCTION pgml._boundary_probe(TEXT, DOUBLE PRECISION) FROM PUBLIC;
