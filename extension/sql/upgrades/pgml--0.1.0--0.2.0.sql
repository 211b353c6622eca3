-- pgml 0.1.0 -> 0.2.0 (ALTER EXTENSION pgml UPDATE). Models, snapshots and deployments are untouched; the result is
-- the schema a fresh 0.2.0 install creates (UpgradeTests compares the two).
\echo Use "ALTER EXTENSION pgml UPDATE" to load this file. \quit

-- The trigger functions are no longer executable by PUBLIC: nobody has a reason to call them directly (called that
-- way, pgml._catalog_changed() raised XX000 in 0.1.0), and triggers fire them without checking EXECUTE.
REVOKE ALL ON FUNCTION pgml._catalog_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION pgml.set_updated_at() FROM PUBLIC;
