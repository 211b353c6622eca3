-- The extension installs without shared_preload_libraries and reports its version.
CREATE EXTENSION pgml;
SHOW shared_preload_libraries;
-- the version as created (VERSION at build time), then the libraries'
SELECT pgml.version() ~ ('^' || replace(extversion, '.', '\.') || ' \(xgboost 1\.7\.\d+, \.NET 10\.') AS version_ok
  FROM pg_extension WHERE extname = 'pgml';
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'pgml' AND c.relkind IN ('r', 'v') ORDER BY 1;
SELECT count(*) AS algorithms FROM unnest(enum_range(NULL::pgml.algorithm));
