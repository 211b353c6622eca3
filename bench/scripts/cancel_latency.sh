#!/usr/bin/env bash
# How long after statement_timeout fires each C# algorithm family stops (issue 11): builds the tables of
# tests/Pgml.IntegrationTests/CancelTests.cs in the private cluster, then runs each training TRIALS times with a
# statement_timeout and prints, per family, the statement's time minus the timeout (min / median / max, ms). The
# timeout is 1 s, or later where reading the rows (20,000 x 1,000 features) or building the model (knn) takes longer,
# so that it lands in the part named. Each training would run for minutes without the timeout. Usage (under the install lock, cluster running):
#   PGML_PORT=<port> [CANCEL_ONLY=<part of a family's name>] bench/scripts/cancel_latency.sh [TRIALS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/env.sh"
trials=${1:-10}
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q -c "CREATE EXTENSION IF NOT EXISTS pgml" >/dev/null
q >/dev/null <<'SQL'
SELECT setseed(0.11);
DROP TABLE IF EXISTS cancel_rows CASCADE;
CREATE TABLE cancel_rows AS
    SELECT ARRAY(SELECT random()::real FROM generate_series(1, 32) j WHERE i > 0) AS x,
           random()::real AS y, (i % 10)::int AS c, (i % 1000)::int AS c1000
    FROM generate_series(1, 100000) i;
CREATE VIEW cancel_rows_x AS SELECT x FROM cancel_rows;
DROP TABLE IF EXISTS cancel_wide CASCADE;
CREATE TABLE cancel_wide AS
    SELECT array_fill(random()::real, ARRAY[1000]) AS x, random()::real AS y FROM generate_series(1, 20000) i;
CREATE VIEW cancel_wide_x AS SELECT x FROM cancel_wide;
ANALYZE cancel_rows; ANALYZE cancel_wide;
SQL
families=(
  "logistic (lbfgs, 1,000 classes)|1|'classification', 'cancel_rows', 'c1000', algorithm => 'linear', hyperparams => '{\"max_iter\": 10000000, \"tol\": 0}'"
  "linear (Gram of 1,000 features, preprocess)|5|'regression', 'cancel_wide', 'y', algorithm => 'linear', preprocess => '{\"x\": {\"scale\": \"standard\"}}'"
  "ridge (Gram of 1,000 features)|5|'regression', 'cancel_wide', 'y', algorithm => 'ridge'"
  "lasso (coordinate descent)|1|'regression', 'cancel_rows', 'y', algorithm => 'lasso', hyperparams => '{\"alpha\": 1e-9, \"max_iter\": 1000000000, \"tol\": 0}'"
  "elastic_net|5|'regression', 'cancel_wide', 'y', algorithm => 'elastic_net', hyperparams => '{\"alpha\": 1e-9, \"max_iter\": 1000000000, \"tol\": 0}'"
  "linear_svm|1|'classification', 'cancel_rows', 'c', algorithm => 'linear_svm', hyperparams => '{\"max_iter\": 100000000, \"tol\": 0}'"
  "svm (regression)|1|'regression', 'cancel_rows', 'y', algorithm => 'svm', hyperparams => '{\"cache_size\": 1, \"tol\": 1e-12}'"
  "svm (classification)|1|'classification', 'cancel_rows', 'c', algorithm => 'svm', hyperparams => '{\"cache_size\": 1, \"tol\": 1e-12}'"
  "random_forest|1|'classification', 'cancel_rows', 'c', algorithm => 'random_forest', hyperparams => '{\"n_estimators\": 100000}'"
  "extra_trees|1|'regression', 'cancel_rows', 'y', algorithm => 'extra_trees', hyperparams => '{\"n_estimators\": 100000}'"
  "knn (scoring the test split)|3|'regression', 'cancel_rows', 'y', algorithm => 'knn', hyperparams => '{\"n_neighbors\": 10000}'"
  "kmeans|1|'clustering', 'cancel_rows_x', algorithm => 'kmeans', hyperparams => '{\"n_clusters\": 1000, \"n_init\": 100, \"max_iter\": 100000, \"tol\": 0}'"
  "mini_batch_kmeans|1|'clustering', 'cancel_rows_x', algorithm => 'mini_batch_kmeans', hyperparams => '{\"n_clusters\": 1000, \"batch_size\": 100000, \"max_iter\": 100000, \"tol\": 0, \"max_no_improvement\": 1000000}'"
  "pca (covariance, eigen-decomposition)|5|'decomposition', 'cancel_wide_x', algorithm => 'pca', hyperparams => '{\"n_components\": 10}'"
  "search (extra_trees grid)|1|'classification', 'cancel_rows', 'c', algorithm => 'extra_trees', search_params => '{\"n_estimators\": [10000, 20000, 30000]}'"
)
printf '%-46s %7s %8s %8s %8s  %s\n' family timeout min median max "errors (SQLSTATE: count)"
for f_index in "${!families[@]}"; do
    f=${families[$f_index]}
    name=${f%%|*} rest=${f#*|}
    [[ -z ${CANCEL_ONLY:-} || $name == *"$CANCEL_ONLY"* ]] || continue   # CANCEL_ONLY=knn: one family
    timeout=${rest%%|*} args=${rest#*|}
    times=() states=()
    for ((t = 0; t < trials; t++)); do
        out=$(psql -X -v VERBOSITY=verbose <<SQL 2>&1 || true
SET statement_timeout = '${timeout}s';
\timing on
SELECT * FROM pgml.train('cancel latency $f_index', $args);
SQL
)
        ms=$(sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' <<<"$out" | tail -1)
        state=$(sed -nE 's/^ERROR: +([0-9A-Z]{5}):.*/\1/p' <<<"$out" | head -1)
        times+=("$(awk -v m="${ms:-NaN}" -v t="$timeout" 'BEGIN { printf "%.0f", m - 1000 * t }')")
        states+=("${state:-none}")
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf '%-46s %7s %8s %8s %8s  %s\n' "$name" "${timeout}s" "$(head -1 <<<"$sorted")" "$(sed -n "$(( (trials + 1) / 2 ))p" <<<"$sorted")" \
        "$(tail -1 <<<"$sorted")" "$(printf '%s\n' "${states[@]}" | sort | uniq -c | awk '{ printf "%s: %s ", $2, $1 }')"
done
# a training that ended before its timeout shows as "none" above and leaves its project: counted here
q -c "SELECT count(*) AS projects_left FROM pgml.projects WHERE name LIKE 'cancel latency %'"
