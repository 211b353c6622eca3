#!/usr/bin/env bash
# The threads of one backend (/proc/PID/task) before, during (the most seen, sampled every few ms) and after a training
# at pgml.max_threads, per algorithm, against the private cluster; then a training with nthread 3000 (refused).
# Usage: PGML_PORT=... bench/scripts/threads.sh [rows]   (run as root or postgres, on the cluster's machine)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/env.sh"
rows=${1:-300000}
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS pgml; DROP TABLE IF EXISTS bench_threads; SELECT setseed(0.5);
  CREATE TABLE bench_threads AS SELECT a, b, c, (3 * a - 2 * b + c * c + random())::real AS y
  FROM (SELECT random()::real * 10 AS a, random()::real * 5 AS b, random()::real * 4 - 2 AS c FROM generate_series(1, $rows)) s;" >/dev/null
threads() { ls "/proc/$1/task" | wc -l; }
cap=$(psql -X -A -t -c "SELECT pgml.version() IS NOT NULL; SHOW pgml.max_threads" | tail -1)
echo "rows $rows, pgml.max_threads $cap"
echo "algorithm  hyperparams  before  during_max  after_0.1s  after_10s  result"
run() { # algorithm hyperparams
    coproc PSQL { psql -X -q -A -t 2>&1; }
    echo "SELECT pg_backend_pid(); SELECT pgml.version() IS NOT NULL;" >&"${PSQL[1]}"
    read -r pid <&"${PSQL[0]}"; read -r _ <&"${PSQL[0]}"
    local before most n result after1 after10
    before=$(threads "$pid"); most=$before
    echo "SELECT 'trained' FROM pgml.train('bench threads $1', 'regression', 'bench_threads', 'y', algorithm => '$1', hyperparams => '$2');" >&"${PSQL[1]}"
    while ! read -t 0.005 -r result <&"${PSQL[0]}"; do
        n=$(threads "$pid"); (( n > most )) && most=$n
    done
    sleep 0.1; after1=$(threads "$pid"); sleep 9.9; after10=$(threads "$pid")
    echo '\q' >&"${PSQL[1]}"
    wait "$PSQL_PID" 2>/dev/null || true
    printf "%s  %s  %s  %s  %s  %s  %s\n" "$1" "$2" "$before" "$most" "$after1" "$after10" "${result:0:60}"
}
run xgboost "{\"nthread\": $cap, \"n_estimators\": 50}"
run lightgbm "{\"num_threads\": $cap, \"n_estimators\": 50}"
run xgboost_random_forest "{\"n_estimators\": 100}"
run xgboost '{"nthread": 3000}'
