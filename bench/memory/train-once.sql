-- One measured training, run by bench/memory/given-back.sh in a fresh psql session:
--   psql -v proj=... -v task=... -v rel=... -v label=... (empty: none) -v algo=... -v hp='{json}' -v pidfile=...
--        -v wait=10
-- Loads the engine first (pgml.version()), so "before" is the backend's private memory with pgml started; then
-- pgml.train (an error is recorded, not fatal: the overflow case ends in 54000), RssAnon right after, then the
-- session sits idle for :wait seconds (psql's \! sleep: no statement runs in the backend) and RssAnon again.
-- Prints one JSON line. RssAnon comes from /proc/self/status through pg_read_file (superuser).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SELECT pgml.version() AS version \gset
\o :pidfile
SELECT pg_backend_pid();
\o
-- give the sampler (given-back.sh) time to find the pid before anything is measured
\! sleep 0.5
SELECT substring(pg_read_file('/proc/self/status') from 'RssAnon:\s*(\d+) kB') AS anon0 \gset
SELECT clock_timestamp() AS t0 \gset
\set ON_ERROR_STOP 0
SELECT 'ok' AS outcome \gset
SELECT * FROM pgml.train(:'proj', :'task', :'rel', NULLIF(:'label', ''), algorithm => :'algo',
                         hyperparams => :'hp'::jsonb, test_size => 0.25, test_sampling => 'last');
\if :ERROR
SELECT :'LAST_ERROR_SQLSTATE' AS outcome \gset
\endif
\set ON_ERROR_STOP 1
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS seconds,
       substring(pg_read_file('/proc/self/status') from 'RssAnon:\s*(\d+) kB') AS anon1 \gset
\! sleep :wait
SELECT json_build_object(
           'pid', pg_backend_pid(), 'outcome', :'outcome', 'seconds', :seconds::float8,
           'anon_before_kb', :anon0::bigint, 'anon_right_after_kb', :anon1::bigint,
           'anon_after_wait_kb', substring(pg_read_file('/proc/self/status') from 'RssAnon:\s*(\d+) kB')::bigint,
           'wait_s', :wait, 'runtime', pgml._runtime_info());
