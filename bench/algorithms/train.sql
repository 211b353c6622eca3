-- One measured pgml.train, run by bench/algorithms/run.sh in a fresh psql session:
--   psql -v proj=... -v task=... -v rel=... -v label=... (empty: none) -v algo=... -v hp='{json}' -v pidfile=...
-- Loads the engine first (pgml.version()), so the RSS before is the backend's with pgml loaded; then the wall time
-- of the pgml.train call, and VmHWM (peak RSS) of this backend read from /proc/<its pid>/status (pg_read_file on
-- /proc/self/status, as superuser) while the session is still open. Prints one JSON line.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SELECT pgml.version() AS version \gset
-- the backend's pid for run.sh, which samples its private memory (RssAnon) while pgml.train runs
\o :pidfile
SELECT pg_backend_pid();
\o
SELECT pg_backend_pid() AS pid,
       substring(s from 'VmRSS:\s*(\d+) kB') AS rss0,
       substring(s from 'VmHWM:\s*(\d+) kB') AS hwm0
FROM (SELECT pg_read_file('/proc/self/status') AS s) st \gset
-- CPU time of this backend, utime + stime in clock ticks (fields 14 and 15 of /proc/self/stat; comm is "postgres")
SELECT (a[14])::bigint + (a[15])::bigint AS cpu0 FROM (SELECT string_to_array(pg_read_file('/proc/self/stat'), ' ') AS a) st \gset
SELECT clock_timestamp() AS t0 \gset
SELECT * FROM pgml.train(:'proj', :'task', :'rel', NULLIF(:'label', ''), algorithm => :'algo',
                         hyperparams => :'hp'::jsonb, test_size => 0.25, test_sampling => 'last') \gset tr_
SELECT json_build_object(
           'seconds', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz),
           'cpu_ticks', (SELECT (a[14])::bigint + (a[15])::bigint FROM (SELECT string_to_array(pg_read_file('/proc/self/stat'), ' ') AS a) x) - :cpu0,
           'pid', :pid, 'version', :'version',
           'rss_before_kb', :rss0::bigint, 'hwm_before_kb', :hwm0::bigint,
           'peak_kb', substring(st.s from 'VmHWM:\s*(\d+) kB')::bigint,
           'rss_after_kb', substring(st.s from 'VmRSS:\s*(\d+) kB')::bigint,
           'rss_shmem_after_kb', substring(st.s from 'RssShmem:\s*(\d+) kB')::bigint,
           'deployed', :'tr_deployed'::bool,
           'model_id', m.id, 'hyperparams', m.hyperparams, 'metrics', m.metrics)
FROM (SELECT pg_read_file('/proc/self/status') AS s) st
LEFT JOIN LATERAL (SELECT m.id, m.hyperparams, m.metrics FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id
                   WHERE p.name = :'proj' ORDER BY m.id DESC LIMIT 1) m ON true;
