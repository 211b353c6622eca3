#!/usr/bin/env bash
# What a parallel query costs pgml in its workers, against the private cluster. Every parallel query starts new
# worker processes, and each worker that calls pgml loads pgml.so, dlopen()s pgml_engine.so, starts the .NET runtime
# and loads the model before its first answer. Trains the 'bench flights' model (25 trees, 10 features) if needed.
# Usage: bench/scripts/parallel-cold-start.sh [repetitions]      (docs/performance.md, "Parallel query")
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/env.sh"
reps=${1:-21}
"$PGML_ROOT/bench/scripts/prepare-flights.sh" >/dev/null

psql -X -q -d pgml -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
-- 1,000 rows to score (a small scan: the cold start dominates), and 1,000,000 (about 70 MB: the planner's own
-- choice is a parallel plan with two workers).
CREATE TABLE IF NOT EXISTS parallel_probe AS SELECT * FROM flights_delay_mat LIMIT 1000;
CREATE TABLE IF NOT EXISTS parallel_big AS SELECT f.* FROM flights_delay_mat f, generate_series(1, 10);
ANALYZE parallel_probe;
ANALYZE parallel_big;
-- A larger model (500 trees) to show how the model load a worker pays grows with the model.
SELECT count(*) = 0 AS untrained FROM pgml.projects WHERE name = 'bench flights 500' \gset
\if :untrained
SELECT * FROM pgml.train('bench flights 500', 'regression', 'flights_delay_mat', 'depdelayminutes',
                         algorithm => 'xgboost', hyperparams => '{"n_estimators": 500}');
\endif
-- The same C function declared PARALLEL RESTRICTED: it runs in the leader, above the Gather.
CREATE OR REPLACE FUNCTION predict_restricted(project_name TEXT, features REAL[]) RETURNS REAL
    AS '$libdir/pgml', 'pgml_predict' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
SQL

features="ARRAY[year, quarter, month, distance, dayofweek, dayofmonth, flight_number_operating_airline, originairportid, destairportid, tail_number]"
forced="SET force_parallel_mode = on; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;"

# median of the numbers on stdin
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# time_query SETTINGS SQL: the median over $reps runs of psql's \timing for SQL in one connection, after one warm-up
time_query() {
    { echo "$1"; echo "$2"; echo '\timing on'; for _ in $(seq 1 "$reps"); do echo "$2"; done; } |
        psql -X -q -A -t -d pgml 2>/dev/null | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' | median
}

echo "== per worker, from pgml's DEBUG1 line (forced parallel, 2 workers, $reps queries)"
{ echo "$forced SET client_min_messages = debug1;"
  for _ in $(seq 1 "$reps"); do echo "SELECT sum(pgml.predict('bench flights', $features)) FROM parallel_probe;"; done; } |
    psql -X -q -A -t -d pgml 2>&1 >/dev/null | sed -nE 's/.*pgml engine started: dlopen ([0-9.]+) ms, runtime start ([0-9.]+) ms.*/\1 \2/p' > /tmp/pgml-parallel-debug.$$
echo "workers that started the engine: $(wc -l < /tmp/pgml-parallel-debug.$$)"
echo "dlopen median: $(cut -d' ' -f1 /tmp/pgml-parallel-debug.$$ | median) ms, runtime start median: $(cut -d' ' -f2 /tmp/pgml-parallel-debug.$$ | median) ms"
rm -f /tmp/pgml-parallel-debug.$$

echo "== query time on parallel_probe (1,000 rows), median of $reps, ms"
printf "%-52s %10s\n" "query" "ms"
printf "%-52s %10s\n" "2 workers: no pgml call (worker start alone)" "$(time_query "$forced" "SELECT sum(distance) FROM parallel_probe;")"
for model in 'bench flights' 'bench flights 500'; do
    printf "%-52s %10s\n" "serial, warm backend: sum(predict), $model" "$(time_query "SET max_parallel_workers_per_gather = 0;" "SELECT sum(pgml.predict('$model', $features)) FROM parallel_probe;")"
    printf "%-52s %10s\n" "2 workers: sum(predict), $model" "$(time_query "$forced" "SELECT sum(pgml.predict('$model', $features)) FROM parallel_probe;")"
done

echo "== the planner's own choice (default settings) on parallel_big (1,000,000 rows), median of $reps, ms"
psql -X -q -A -t -d pgml -c "EXPLAIN (COSTS OFF) SELECT sum(pgml.predict('bench flights', $features)) FROM parallel_big" | sed 's/^/   /'
printf "%-52s %10s\n" "query" "ms"
printf "%-52s %10s\n" "all rows, serial (max_parallel_workers_per_gather 0)" "$(time_query "SET max_parallel_workers_per_gather = 0;" "SELECT sum(pgml.predict('bench flights', $features)) FROM parallel_big;")"
printf "%-52s %10s\n" "all rows, parallel (default: 2 workers + leader)" "$(time_query "" "SELECT sum(pgml.predict('bench flights', $features)) FROM parallel_big;")"
printf "%-52s %10s\n" "~200 rows (WHERE tail_number = 1234), SAFE" "$(time_query "" "SELECT sum(pgml.predict('bench flights', $features)) FROM parallel_big WHERE tail_number = 1234;")"
printf "%-52s %10s\n" "~200 rows, the same function PARALLEL RESTRICTED" "$(time_query "" "SELECT sum(predict_restricted('bench flights', $features)) FROM parallel_big WHERE tail_number = 1234;")"
printf "%-52s %10s\n" "~200 rows, no parallelism" "$(time_query "SET max_parallel_workers_per_gather = 0;" "SELECT sum(pgml.predict('bench flights', $features)) FROM parallel_big WHERE tail_number = 1234;")"
