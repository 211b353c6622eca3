-- ---------------------------------------------------------------- datasets

-- PostgresML's built-in scikit-learn datasets (breast_cancer, diabetes, digits, iris, linnerud, wine), embedded in
-- pgml_engine.so: (re)creates pgml.<source> in the caller's transaction. subset and kwargs exist for PostgresML's
-- HuggingFace datasets, which pgml cannot load; not STRICT, so NULL arguments get pgml's own errors.
CREATE FUNCTION pgml.load_dataset(
    source TEXT,
    subset TEXT DEFAULT NULL,
    "limit" BIGINT DEFAULT NULL,
    kwargs JSONB DEFAULT '{}'
) RETURNS TABLE(table_name TEXT, rows BIGINT)
    AS 'MODULE_PATHNAME', 'pgml_text_call' LANGUAGE C VOLATILE;
