-- ---------------------------------------------------------------- datasets

-- PostgresML's built-in scikit-learn datasets (breast_cancer, diabetes, digits, iris, linnerud, wine) and the diamonds its
-- examples load from Hugging Face (jdxcosta/diamonds), embedded in
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
