-- The extension installs without shared_preload_libraries and reports its version.
CREATE EXTENSION pgml;
SHOW shared_preload_libraries;
SELECT pgml.version() ~ '^0\.1\.0 \(xgboost 1\.7\.\d+, \.NET 10\.' AS version_ok;
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'pgml' AND c.relkind IN ('r', 'v') ORDER BY 1;
SELECT count(*) AS algorithms FROM unnest(enum_range(NULL::pgml.algorithm));
