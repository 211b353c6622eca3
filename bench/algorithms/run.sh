#!/usr/bin/env bash
# Every pgml algorithm next to scikit-learn on the same rows, on this machine, in one run: training time and peak
# memory on both sides, the test metric on both sides, and warm pgml.predict throughput through pgbench.
#
#   make cluster && bench/algorithms/run.sh [--rows N] [--algorithms "xgboost knn ..."] [--seconds S]
#                                            [--rounds R] [--out DIR] [--keep-data]
#
#   --rows N        rows of the generated table algo_bench (default 1000000; 75% train, 25% test)
#   --algorithms    a subset of the table below, in its order (default: all of them)
#   --seconds S     seconds of each pgbench run (default 10)
#   --rounds R      pgbench rounds per model, each the floor then predict (default 2)
#   --out DIR       results folder (default bench/results/algorithms-<UTC timestamp>, git-ignored)
#   --keep-data     keep the exported rows (CSV and .npy) in DIR/data
#
# Needs the private cluster running with pgml installed (`make cluster` builds, installs and starts it; this script
# builds nothing) and Debian's /usr/bin/python3 with numpy, pandas, scikit-learn and xgboost. Uses its own
# database, pgml_algo_bench (created when missing). An algorithm pgml does not have yet ("is not implemented") is
# skipped with a line saying so; any other failure is recorded and the run goes on, then exits 1.
# Output: DIR/results.json and DIR/results.md (also printed), DIR/raw/ (every measurement and error as produced).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../../scripts/env.sh"
PY=/usr/bin/python3
DB=${PGML_ALGO_BENCH_DB:-pgml_algo_bench}   # another database keeps a smaller table apart from the 1M one
DATA_VERSION=1          # bump when data.sql changes: the table is regenerated only when this or the row count does
# pgml's shim sets OMP_WAIT_POLICY=PASSIVE in the server (OpenMP threads sleep instead of spinning between parallel
# regions); the Python side gets the same unless the caller sets OMP_WAIT_POLICY (libgomp's default spins, which on a
# loaded machine made XGBoost's fit several times slower).
PY_OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
SVM_ROWS=20000          # the kernel SVM is O(n^2): both sides train it on the first SVM_ROWS rows (15,000 train)

# ---------------------------------------------------------------------------------------------------------------
# The algorithms and their hyperparameters, the same on both sides (scikit-learn's names; passed as they are to
# pgml.train's hyperparams and to the estimator's constructor). Columns: algorithm | tasks | hyperparams | rows.
# rows: empty for all of them, else the first N rows only (both sides).
# scikit-learn side: linear = LinearRegression / LogisticRegression, ridge = Ridge / RidgeClassifier, lasso = Lasso,
# elastic_net = ElasticNet, linear_svm = LinearSVR / LinearSVC, svm = SVR / SVC, random_forest / extra_trees /
# knn = RandomForest* / ExtraTrees* / KNeighbors*, kmeans = KMeans, mini_batch_kmeans = MiniBatchKMeans, pca = PCA,
# xgboost = xgboost.XGBRegressor / XGBClassifier, xgboost_random_forest = XGBRFRegressor / XGBRFClassifier;
# the rest of PostgresML's catalogue by PostgresML's mapping (sklearn_train.py); rows limited where scikit-learn's
# cost (or pgml's up-front limit: kernel_ridge 5,000, gaussian_process 3,000) makes the full table unreasonable;
# lightgbm: pgml only (no LightGBM in Debian's Python).
SPEC='
xgboost               | regression classification | {"n_estimators": 100, "max_depth": 6, "learning_rate": 0.3, "tree_method": "hist"} |
xgboost_random_forest | regression classification | {"n_estimators": 100, "max_depth": 6, "tree_method": "hist"} |
lightgbm              | regression classification | {"n_estimators": 100, "num_leaves": 31, "learning_rate": 0.1} |
linear                | regression classification | {} |
ridge                 | regression classification | {"alpha": 1.0} |
lasso                 | regression                | {"alpha": 0.01} |
elastic_net           | regression                | {"alpha": 0.01, "l1_ratio": 0.5} |
linear_svm            | regression classification | {"C": 1.0} |
svm                   | regression classification | {"C": 1.0, "kernel": "rbf"} | 20000
random_forest         | regression classification | {"n_estimators": 10} |
extra_trees           | regression classification | {"n_estimators": 10} |
knn                   | regression classification | {"n_neighbors": 5} |
kmeans                | clustering                | {"n_clusters": 8, "n_init": 1} |
mini_batch_kmeans     | clustering                | {"n_clusters": 8, "batch_size": 1024, "n_init": 3} |
pca                   | decomposition             | {"n_components": 5} |
bayesian_ridge        | regression                | {} |
automatic_relevance_determination | regression    | {} | 100000
least_angle           | regression                | {} |
lasso_least_angle     | regression                | {"alpha": 0.01} |
orthogonal_matching_pursuit | regression          | {} |
huber                 | regression                | {} |
quantile              | regression                | {"alpha": 0, "solver": "highs"} | 20000
stochastic_gradient_descent | regression classification | {} |
passive_aggressive    | regression classification | {} |
perceptron            | classification            | {} |
ransac                | regression                | {} |
theil_sen             | regression                | {"max_subpopulation": 1000} | 100000
kernel_ridge          | regression                | {"kernel": "rbf"} | 5000
gaussian_process      | regression                | {} | 3000
nu_svm                | regression classification | {"kernel": "rbf"} | 20000
gradient_boosting_trees | regression classification | {"n_estimators": 100, "max_depth": 3} | 200000
hist_gradient_boosting | regression classification | {"max_iter": 100} |
ada_boost             | regression classification | {"n_estimators": 50} | 200000
bagging               | regression classification | {"n_estimators": 10} | 200000
'
# ---------------------------------------------------------------------------------------------------------------

rows=1000000 algorithms="" seconds=10 rounds=2 out="" keep_data=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --algorithms) algorithms=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --keep-data) keep_data=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$rows" =~ ^[0-9]+$ && "$rows" -ge 100 ]] || { echo "--rows must be a whole number >= 100" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -ge 1 ]] || { echo "--seconds must be a whole number >= 1" >&2; exit 2; }
[[ "$rounds" =~ ^[0-9]+$ && "$rounds" -ge 1 ]] || { echo "--rounds must be a whole number >= 1" >&2; exit 2; }

trim() { local s=$1; s="${s#"${s%%[![:space:]]*}"}"; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
declare -A TASKS=() HP=() LIMIT=()
ORDER=()
while IFS='|' read -r name tasks hp limit; do
    name=$(trim "$name"); [ -n "$name" ] || continue
    ORDER+=("$name"); TASKS[$name]=$(trim "$tasks"); HP[$name]=$(trim "$hp"); LIMIT[$name]=$(trim "${limit:-}")
done <<<"$SPEC"
if [ -n "$algorithms" ]; then
    for a in $algorithms; do
        [ -n "${TASKS[$a]:-}" ] || { echo "unknown algorithm $a; known: ${ORDER[*]}" >&2; exit 2; }
    done
    selected=()
    for a in "${ORDER[@]}"; do [[ " $algorithms " == *" $a "* ]] && selected+=("$a"); done
else
    selected=("${ORDER[@]}")
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
RUN=${out:-$HERE/../results/algorithms-$stamp}
mkdir -p "$RUN/raw" "$RUN/data" "$RUN/pgbench"
RUN=$(cd "$RUN" && pwd)
T0=$(date +%s)
say() { echo "==> $* (+$(( $(date +%s) - T0 )) s)"; }
info() { echo "    $*"; }
die() { echo "algorithms bench: FAILED: $*" >&2; exit 1; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
CLK_TCK=$(getconf CLK_TCK)

# ---- the cluster, the database, the data
psql -X -q -d postgres -tAc "SELECT 1" >/dev/null 2>&1 \
    || die "the private cluster does not answer on $PGHOST port $PGPORT: run \`make cluster\` (or scripts/cluster.sh start) first"
psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
sql -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pgml" >/dev/null
version=$(sql -tAc "SELECT pgml.version()")
say "pgml $version, database $DB, $rows rows, algorithms: ${selected[*]}; results in $RUN"

marker="algo_bench v$DATA_VERSION rows=$rows"
current=$(sql -tAc "SELECT obj_description('algo_bench'::regclass, 'pg_class')" 2>/dev/null || true)
if [ "$current" = "$marker" ]; then
    say "data: algo_bench already holds the $rows seeded rows ($marker)"
else
    say "data: generating algo_bench ($rows rows, setseed 0.42)"
    t=$(date +%s.%N)
    sql -v rows="$rows" -f "$HERE/data.sql" >/dev/null
    sql -c "COMMENT ON TABLE algo_bench IS '$marker'"
    info "generated in $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
fi
svm_rows=$(( rows < SVM_ROWS ? rows : SVM_ROWS ))
F="f1, f2, f3, f4, f5, f6, f7, f8, f9, f10"
sql <<SQL
SET client_min_messages = warning;
DROP VIEW IF EXISTS algo_reg, algo_cls, algo_x, algo_reg_20k, algo_cls_20k;
-- ordered by id: pgml's test_sampling 'last' then tests on the last 25% by id, the rows the Python side tests on
CREATE VIEW algo_reg AS SELECT $F, y_reg FROM algo_bench ORDER BY id;
CREATE VIEW algo_cls AS SELECT $F, y_cls FROM algo_bench ORDER BY id;
CREATE VIEW algo_x AS SELECT $F FROM algo_bench ORDER BY id;
CREATE VIEW algo_reg_20k AS SELECT $F, y_reg FROM algo_bench WHERE id <= $svm_rows ORDER BY id;
CREATE VIEW algo_cls_20k AS SELECT $F, y_cls FROM algo_bench WHERE id <= $svm_rows ORDER BY id;
SQL
n=$(sql -tAc "SELECT count(*) FROM algo_bench")
[ "$n" = "$rows" ] || die "algo_bench has $n rows, expected $rows"
say "data: exporting the rows for Python (COPY, ordered by id) and saving them as .npy"
# the reals as float8: exact decimal text of each float32 value, so numpy gets bit-identical features
sql -c "\\copy (SELECT id, f1::float8, f2::float8, f3::float8, f4::float8, f5::float8, f6::float8, f7::float8, f8::float8, f9::float8, f10::float8, y_reg::float8, y_cls FROM algo_bench ORDER BY id) TO '$RUN/data/algo_bench.csv' WITH (FORMAT csv)"
$PY "$HERE/sklearn_train.py" prepare --csv "$RUN/data/algo_bench.csv" --dir "$RUN/data" > "$RUN/raw/prepare.json"
rm -f "$RUN/data/algo_bench.csv"
info "$(cat "$RUN/raw/prepare.json")"

# ---- pgbench: warm throughput from the per-transaction log (the first transaction, which loads the model into
# the new backend, is reported apart as first_ms)
pgbench_run() {   # file tag -> prints "pgbench_tps warm_tps first_ms transactions"
    local file=$1 tag=$2 log
    rm -f "$RUN/pgbench/$tag".*
    if ! pgbench -n -M prepared -c 1 -j 1 -T "$seconds" -l --log-prefix="$RUN/pgbench/$tag" -f "$file" "$DB" \
            > "$RUN/pgbench/$tag.out" 2> "$RUN/pgbench/$tag.err"; then
        return 1
    fi
    log=$(ls "$RUN/pgbench/$tag".[0-9]* 2>/dev/null | head -1)
    [ -n "$log" ] || return 1
    local tps; tps=$(sed -nE 's/^tps = ([0-9.]+) .*without.*/\1/p' "$RUN/pgbench/$tag.out")
    awk -v tps="${tps:-0}" '{ t = $5 + $6 / 1e6; n++; if (n == 1) { t1 = t; first = $3 / 1000 } last = t }
        END { printf "%s %.2f %.3f %d\n", tps, (n > 1 && last > t1) ? (n - 1) / (last - t1) : 0, first, n }' "$log"
    rm -f "$log"
}

# ---- private memory: VmHWM counts the shared buffers a backend touched (the table it read, ~80 MB here), which are
# not its own; RssAnon is. Sampled every 20 ms from the backend's /proc status while psql runs.
sample_private() {   # psql_pid pidfile -> prints {"anon_before_kb": .., "anon_peak_kb": .., "samples": ..}
    local psql_pid=$1 pidfile=$2 pid="" a before="" peak=0 n=0
    while [ -z "$pid" ] && kill -0 "$psql_pid" 2>/dev/null; do
        pid=$(tr -dc '0-9' 2>/dev/null < "$pidfile" || true); [ -n "$pid" ] || sleep 0.02
    done
    while [ -n "$pid" ] && kill -0 "$psql_pid" 2>/dev/null; do
        a=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$a" ] || break
        [ -n "$before" ] || before=$a
        [ "$a" -gt "$peak" ] && peak=$a
        n=$((n + 1))
        sleep 0.02
    done
    echo "{\"anon_before_kb\": ${before:-null}, \"anon_peak_kb\": $peak, \"samples\": $n}"
}

# ---- the algorithms
failures=0
printf '%s\n' "${selected[@]}" > "$RUN/raw/selected.txt"
for algo in "${selected[@]}"; do
    hp=${HP[$algo]} limit=${LIMIT[$algo]}
    for task in ${TASKS[$algo]}; do
        key="$algo-$task"
        case "$task" in
            regression) rel=algo_reg label=y_reg ;;
            classification) rel=algo_cls label=y_cls ;;
            *) rel=algo_x label="" ;;
        esac
        note=""
        if [ -n "$limit" ]; then
            rel="${rel}_20k"; [ "$limit" = "$SVM_ROWS" ] || die "$algo: only the $SVM_ROWS-row views exist"
            note=" (first $svm_rows rows only, both sides)"
        fi
        proj="algo_bench $algo $task"
        say "$algo / $task$note: pgml.train on $rel, hyperparams $hp"
        # a fresh project each run, so the model just trained is the deployed one
        sql -c "DELETE FROM pgml.projects WHERE name = '$proj'" >/dev/null
        rm -f "$RUN/raw/$key-pgml.json" "$RUN/raw/$key-pgml.err"
        pgml_ok=0
        load_pgml=$(cut -d' ' -f1 /proc/loadavg)
        rm -f "$RUN/raw/$key.pid"
        psql -X -q -A -t -d "$DB" -v proj="$proj" -v task="$task" -v rel="$rel" -v label="$label" -v algo="$algo" \
                -v hp="$hp" -v pidfile="$RUN/raw/$key.pid" -f "$HERE/train.sql" > "$RUN/raw/$key-pgml.out" 2> "$RUN/raw/$key-pgml.err" &
        psql_pid=$!
        sample_private "$psql_pid" "$RUN/raw/$key.pid" > "$RUN/raw/$key-pgml-private.json"
        if wait "$psql_pid"; then
            grep '^{' "$RUN/raw/$key-pgml.out" | tail -1 > "$RUN/raw/$key-pgml.json"
            rm -f "$RUN/raw/$key-pgml.out"
            pgml_ok=1
            info "pgml: $($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d.get("metrics") or {}
print("%.2f s (fit_time %.2f s, CPU %.2f s), peak RSS %.0f MB (+%.0f MB), %s" % (d["seconds"], m.get("fit_time", float("nan")), d["cpu_ticks"] / int(sys.argv[2]),
      d["peak_kb"]/1024, (d["peak_kb"]-d["rss_before_kb"])/1024,
      ", ".join("%s %.4f" % (k, m[k]) for k in ("r2", "f1", "silhouette", "cumulative_explained_variance") if isinstance(m.get(k), (int, float)))))' "$RUN/raw/$key-pgml.json" "$CLK_TCK")"
        elif grep -q "is not implemented" "$RUN/raw/$key-pgml.err"; then
            info "SKIPPED: pgml says $algo is not implemented yet: $(grep -m1 'is not implemented' "$RUN/raw/$key-pgml.err" | sed 's/^.*ERROR: *//')"
            echo '{"skipped": "not implemented in pgml"}' > "$RUN/raw/$key-pgml.json"
        else
            failures=$((failures + 1))
            info "FAILED: pgml.train: $(grep -m1 -E 'ERROR|FATAL|error' "$RUN/raw/$key-pgml.err" || head -1 "$RUN/raw/$key-pgml.err")"
            $PY -c 'import json,sys; print(json.dumps({"error": open(sys.argv[1]).read().strip()}))' "$RUN/raw/$key-pgml.err" \
                > "$RUN/raw/$key-pgml.json"
        fi
        [ -s "$RUN/raw/$key-pgml.err" ] || rm -f "$RUN/raw/$key-pgml.err"
        rm -f "$RUN/raw/$key-pgml.out"

        # scikit-learn, same rows, same split, same hyperparameters, a fresh process
        load_sklearn=$(cut -d' ' -f1 /proc/loadavg)
        echo "{\"pgml\": $load_pgml, \"sklearn\": $load_sklearn}" > "$RUN/raw/$key-loadavg.json"
        if OMP_WAIT_POLICY=$PY_OMP_WAIT_POLICY $PY "$HERE/sklearn_train.py" fit --dir "$RUN/data" --algorithm "$algo" --task "$task" --hyperparams "$hp" \
                ${limit:+--limit "$svm_rows"} > "$RUN/raw/$key-sklearn.json" 2> "$RUN/raw/$key-sklearn.err"; then
            info "scikit-learn: $($PY -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("skipped: " + d["skipped"] if "skipped" in d else "%s: fit %.2f s (CPU %.2f s), peak RSS %.0f MB (+%.0f MB), %s %.4f" % (d["estimator"],
      d["fit_seconds"], d["fit_cpu_seconds"], d["peak_rss_kb"]/1024, (d["peak_rss_kb"]-d["rss_before_kb"])/1024, d["metric"], d["value"] if d["value"] is not None else float("nan")))' "$RUN/raw/$key-sklearn.json")"
        else
            failures=$((failures + 1))
            info "FAILED: scikit-learn: $(tail -1 "$RUN/raw/$key-sklearn.err")"
            $PY -c 'import json,sys; print(json.dumps({"error": open(sys.argv[1]).read().strip()[-2000:]}))' \
                "$RUN/raw/$key-sklearn.err" > "$RUN/raw/$key-sklearn.json"
        fi
        [ -s "$RUN/raw/$key-sklearn.err" ] || rm -f "$RUN/raw/$key-sklearn.err"

        # pgbench: the floor (the same lookup, no prediction) and the prediction, alternated
        rm -f "$RUN/raw/$key-pgbench.json"
        [ "$pgml_ok" = 1 ] || continue
        fn=predict; [ "$task" = decomposition ] && fn=decompose
        printf '\\set id random(1, %s)\nSELECT ARRAY[%s] FROM algo_bench WHERE id = :id;\n' "$rows" "$F" > "$RUN/pgbench/floor.sql"
        printf '\\set id random(1, %s)\nSELECT pgml.%s('"'"'%s'"'"', ARRAY[%s]) FROM algo_bench WHERE id = :id;\n' \
            "$rows" "$fn" "$proj" "$F" > "$RUN/pgbench/$key.sql"
        runs=()
        bench_ok=1
        for r in $(seq 1 "$rounds"); do
            for kind in floor predict; do
                file="$RUN/pgbench/$key.sql"; [ "$kind" = floor ] && file="$RUN/pgbench/floor.sql"
                if res=$(pgbench_run "$file" "$key-$kind-$r"); then
                    read -r tps warm first n_tx <<<"$res"
                    runs+=("{\"round\": $r, \"kind\": \"$kind\", \"pgbench_tps\": ${tps:-0}, \"warm_tps\": $warm, \"first_ms\": $first, \"transactions\": $n_tx}")
                    rm -f "$RUN/pgbench/$key-$kind-$r.out" "$RUN/pgbench/$key-$kind-$r.err"
                else
                    bench_ok=0
                    info "FAILED: pgbench $kind: $(grep -m1 -iE 'error|abort' "$RUN/pgbench/$key-$kind-$r.err" 2>/dev/null || true)"
                fi
            done
        done
        if [ "$bench_ok" = 1 ]; then
            (IFS=,; echo "{\"seconds\": $seconds, \"query\": \"pgml.$fn\", \"runs\": [${runs[*]}]}") > "$RUN/raw/$key-pgbench.json"
            info "pgbench: $($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); m=lambda k: sum(r["warm_tps"] for r in d["runs"] if r["kind"]==k)/max(1,sum(1 for r in d["runs"] if r["kind"]==k))
print("%s %.0f tps, floor %.0f tps, ratio %.2f, first call %.1f ms" % (d["query"], m("predict"), m("floor"), m("predict")/m("floor") if m("floor") else 0,
      max(r["first_ms"] for r in d["runs"] if r["kind"]=="predict")))' "$RUN/raw/$key-pgbench.json")"
        else
            failures=$((failures + 1))
        fi
    done
done

# ---- the report
[ "$keep_data" = 1 ] || rm -f "$RUN/data/"*.npy
rmdir "$RUN/data" 2>/dev/null || true
rm -f "$RUN/pgbench/floor.sql"
cpu=$(lscpu 2>/dev/null | sed -nE 's/^Model name: *//p' | head -1)
$PY "$HERE/report.py" --run "$RUN" --spec "$SPEC" --rows "$rows" --svm-rows "$svm_rows" --seconds "$seconds" \
    --rounds "$rounds" --pgml-version "$version" --cpu "${cpu:-unknown} x $(nproc)" \
    --mem-mb "$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)" \
    --postgres "$(sql -tAc 'SHOW server_version')" --shared-buffers "$(sql -tAc 'SHOW shared_buffers')" \
    --elapsed "$(( $(date +%s) - T0 ))" --clk-tck "$CLK_TCK" --omp "$PY_OMP_WAIT_POLICY"
say "done: $RUN/results.md, $RUN/results.json"
echo
cat "$RUN/results.md"
[ "$failures" = 0 ] || { echo "algorithms bench: $failures measurement(s) failed, see $RUN/raw/" >&2; exit 1; }
