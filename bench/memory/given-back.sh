#!/usr/bin/env bash
# Memory given back after training: for one algorithm of every family, a backend's private memory (RssAnon) before
# pgml.train, its peak during it, right after it and after the session sat idle for --wait seconds; plus a training
# that overflows the 512 MB managed heap (54000). With --compare, the whole set runs twice: first with the give-back
# turned off (PGML_MEMORY_GIVE_BACK=off in the server's environment: the cluster is restarted for it), then on.
#
#   make cluster && bench/memory/given-back.sh [--rows N] [--algorithms "xgboost knn ..."] [--wait S] [--compare]
#                                              [--no-overflow] [--out DIR]
#
#   --rows N        rows of bench/algorithms' table algo_bench (default 1000000; svm uses its first 20,000 rows)
#   --algorithms    a subset of the list below (default: all; none: the overflow case only)
#   --wait S        idle seconds before the last reading (default 10)
#   --compare       run off, then on (restarts the private cluster twice; it is left running with the give-back on)
#   --no-overflow   skip the overflow case (it generates a 700,000-row table of distinct 384-byte texts, ~330 MB)
#   --out DIR       results folder (default bench/results/memory-<UTC timestamp>, git-ignored)
#
# Needs the private cluster running with pgml installed (this script builds nothing). Uses the database
# pgml_algo_bench, as bench/algorithms/run.sh does (same table, generated when missing or of another size).
# Output: DIR/results.md (also printed) and DIR/raw/*.json (one line per training).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$HERE/../.."
source "$ROOT/scripts/env.sh"
DB=${PGML_ALGO_BENCH_DB:-pgml_algo_bench}
DATA_VERSION=1          # bench/algorithms/run.sh's marker: the same table serves both
SVM_ROWS=20000
# algorithm | task | hyperparams | relation (the views below)
SPEC='
xgboost       | regression    | {"n_estimators": 100, "max_depth": 6, "learning_rate": 0.3, "tree_method": "hist"} | mem_reg
lightgbm      | regression    | {"n_estimators": 100, "num_leaves": 31, "learning_rate": 0.1}                       | mem_reg
linear        | regression    | {}                                                                                   | mem_reg
ridge         | regression    | {"alpha": 1.0}                                                                       | mem_reg
random_forest | regression    | {"n_estimators": 10}                                                                 | mem_reg
knn           | regression    | {"n_neighbors": 5}                                                                   | mem_reg
svm           | regression    | {"C": 1.0, "kernel": "rbf"}                                                          | mem_reg_20k
kmeans        | clustering    | {"n_clusters": 8, "n_init": 1}                                                       | mem_x
pca           | decomposition | {"n_components": 5}                                                                  | mem_x
'
OVERFLOW_ROWS=700000

rows=1000000 algorithms="" wait=10 compare=0 overflow=1 out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --algorithms) algorithms=$2; shift 2 ;;
        --wait) wait=$2; shift 2 ;;
        --compare) compare=1; shift ;;
        --no-overflow) overflow=0; shift ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$rows" =~ ^[0-9]+$ && "$rows" -ge 100 ]] || { echo "--rows must be a whole number >= 100" >&2; exit 2; }
[[ "$wait" =~ ^[0-9]+$ ]] || { echo "--wait must be a whole number of seconds" >&2; exit 2; }

trim() { local s=$1; s="${s#"${s%%[![:space:]]*}"}"; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
declare -A TASK=() HP=() REL=()
ORDER=()
while IFS='|' read -r name task hp rel; do
    name=$(trim "$name"); [ -n "$name" ] || continue
    ORDER+=("$name"); TASK[$name]=$(trim "$task"); HP[$name]=$(trim "$hp"); REL[$name]=$(trim "$rel")
done <<<"$SPEC"
selected=()
[ "$algorithms" = none ] || for a in "${ORDER[@]}"; do [ -z "$algorithms" ] || [[ " $algorithms " == *" $a "* ]] && selected+=("$a"); done
[ "$algorithms" = none ] || for a in $algorithms; do [ -n "${TASK[$a]:-}" ] || { echo "unknown algorithm $a; known: ${ORDER[*]}" >&2; exit 2; }; done

RUN=${out:-$ROOT/bench/results/memory-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$RUN/raw"; RUN=$(cd "$RUN" && pwd)
T0=$(date +%s)
say() { echo "==> $* (+$(( $(date +%s) - T0 )) s)"; }
die() { echo "memory bench: FAILED: $*" >&2; exit 1; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

psql -X -q -d postgres -tAc "SELECT 1" >/dev/null 2>&1 || die "the private cluster does not answer on port $PGPORT: run \`make cluster\` first"
psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
sql -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pgml" >/dev/null

marker="algo_bench v$DATA_VERSION rows=$rows"
if [ "$(sql -tAc "SELECT obj_description('algo_bench'::regclass, 'pg_class')" 2>/dev/null || true)" != "$marker" ]; then
    say "data: generating algo_bench ($rows rows, bench/algorithms/data.sql)"
    sql -v rows="$rows" -f "$ROOT/bench/algorithms/data.sql" >/dev/null
    sql -c "COMMENT ON TABLE algo_bench IS '$marker'"
fi
F="f1, f2, f3, f4, f5, f6, f7, f8, f9, f10"
sql <<SQL
SET client_min_messages = warning;
CREATE OR REPLACE VIEW mem_reg AS SELECT $F, y_reg FROM algo_bench ORDER BY id;
CREATE OR REPLACE VIEW mem_x AS SELECT $F FROM algo_bench ORDER BY id;
CREATE OR REPLACE VIEW mem_reg_20k AS SELECT $F, y_reg FROM algo_bench WHERE id <= $SVM_ROWS ORDER BY id;
SQL
if [ "$overflow" = 1 ]; then
    # a text feature with 700,000 distinct values of 384 bytes: its vocabulary (one managed byte arena that doubles
    # as it grows) passes 256 MB, and the next doubling does not fit the 512 MB managed heap
    if [ "$(sql -tAc "SELECT obj_description('mem_overflow'::regclass, 'pg_class')" 2>/dev/null || true)" != "rows=$OVERFLOW_ROWS" ]; then
        say "data: generating mem_overflow ($OVERFLOW_ROWS rows of distinct 384-byte texts)"
        sql -c "DROP TABLE IF EXISTS mem_overflow; CREATE TABLE mem_overflow AS SELECT repeat(md5(g::text), 12) AS t, (g % 7)::real AS y FROM generate_series(1, $OVERFLOW_ROWS) g; COMMENT ON TABLE mem_overflow IS 'rows=$OVERFLOW_ROWS'" >/dev/null
    fi
fi

# RssAnon of the backend every 20 ms while its psql runs; prints the peak in kB
sample_peak() {   # psql_pid pidfile
    local psql_pid=$1 pidfile=$2 pid="" a peak=0
    while [ -z "$pid" ] && kill -0 "$psql_pid" 2>/dev/null; do
        pid=$(tr -dc '0-9' 2>/dev/null < "$pidfile" || true); [ -n "$pid" ] || sleep 0.02
    done
    while [ -n "$pid" ] && kill -0 "$psql_pid" 2>/dev/null; do
        a=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$a" ] || break
        [ "$a" -gt "$peak" ] && peak=$a
        sleep 0.02
    done
    echo "$peak"
}

measure() {   # mode key algo task rel hp label
    local mode=$1 key=$2 algo=$3 task=$4 rel=$5 hp=$6 label=$7 proj="memory bench $2" f="$RUN/raw/$1-$2"
    sql -c "DELETE FROM pgml.projects WHERE name = '$proj'" >/dev/null
    rm -f "$f.pid"
    psql -X -q -A -t -d "$DB" -v proj="$proj" -v task="$task" -v rel="$rel" -v label="$label" -v algo="$algo" \
        -v hp="$hp" -v pidfile="$f.pid" -v wait="$wait" -f "$HERE/train-once.sql" > "$f.out" 2> "$f.err" &
    local psql_pid=$!
    local peak; peak=$(sample_peak "$psql_pid" "$f.pid")
    wait "$psql_pid" || die "$key: psql failed: $(head -3 "$f.err")"
    grep '^{' "$f.out" | tail -1 | sed "s/^{/{\"mode\": \"$mode\", \"key\": \"$key\", \"rows\": $( [ "$rel" = mem_reg_20k ] && echo $SVM_ROWS || { [ "$rel" = mem_overflow ] && echo $OVERFLOW_ROWS || echo "$rows"; }), \"anon_peak_kb\": $peak, /" > "$f.json"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["runtime"]
print("    %s %s: %s in %.1f s; RssAnon before %.0f, peak %.0f, right after %.0f, after %d s %.0f MiB (%+.0f); give-back gc %.1f ms, malloc_trim %.1f ms" % (d["mode"], d["key"], d["outcome"], d["seconds"],
      d["anon_before_kb"]/1024, d["anon_peak_kb"]/1024, d["anon_right_after_kb"]/1024, d["wait_s"], d["anon_after_wait_kb"]/1024,
      (d["anon_after_wait_kb"]-d["anon_before_kb"])/1024, r.get("last_give_back_gc_ms", float("nan")), r.get("last_give_back_trim_ms", float("nan"))))' "$f.json"
    [ -s "$f.err" ] || rm -f "$f.err"
    rm -f "$f.out" "$f.pid"
}

run_set() {   # mode
    local mode=$1
    for algo in "${selected[@]}"; do
        local label=y_reg; [ "${TASK[$algo]}" = regression ] || label=""
        measure "$mode" "$algo" "$algo" "${TASK[$algo]}" "${REL[$algo]}" "${HP[$algo]}" "$label"
    done
    if [ "$overflow" = 1 ]; then
        measure "$mode" "overflow" linear regression mem_overflow '{}' y
    fi
}

restart() {   # off|on
    "$ROOT/scripts/cluster.sh" stop >/dev/null
    if [ "$1" = off ]; then PGML_MEMORY_GIVE_BACK=off "$ROOT/scripts/cluster.sh" start >/dev/null
    else env -u PGML_MEMORY_GIVE_BACK "$ROOT/scripts/cluster.sh" start >/dev/null; fi
}

say "pgml $(sql -tAc 'SELECT pgml.version()'), $rows rows, ${selected[*]:-}$([ "$overflow" = 1 ] && echo ' + overflow'); results in $RUN"
if [ "$compare" = 1 ]; then
    say "give-back off (cluster restarted with PGML_MEMORY_GIVE_BACK=off)"; restart off; run_set off
    say "give-back on (cluster restarted)"; restart on; run_set on
else
    mode=$(sql -tAc "SELECT CASE WHEN (pgml._runtime_info()->>'give_back')::bool THEN 'on' ELSE 'off' END" 2>/dev/null || echo main)
    say "give-back $mode"; run_set "$mode"
fi

python3 - "$RUN" "$wait" > "$RUN/results.md" <<'PY'
import glob, json, os, sys
run, wait = sys.argv[1], int(sys.argv[2])
rows = [json.load(open(f)) for f in sorted(glob.glob(run + "/raw/*.json"), key=os.path.getmtime)]   # in the order they ran
keys = []
for d in rows:
    if d["key"] not in keys: keys.append(d["key"])
modes = [m for m in ("main", "off", "on") if any(d["mode"] == m for d in rows)]
mib = lambda kb: "%.0f" % (kb / 1024)
print("| training | rows | give-back | outcome | train s | RssAnon before | peak | right after | after %d s | kept (MiB) | full GC ms | malloc_trim ms |" % wait)
print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for k in keys:
    for m in modes:
        for d in rows:
            if d["key"] == k and d["mode"] == m:
                r = d["runtime"]; on = r.get("give_back") and r.get("give_backs", 0) > 0
                print("| %s | %s | %s | %s | %.1f | %s | %s | %s | %s | %+.0f | %s | %s |" % (k, format(d["rows"], ","), m, d["outcome"], d["seconds"],
                      mib(d["anon_before_kb"]), mib(d["anon_peak_kb"]), mib(d["anon_right_after_kb"]), mib(d["anon_after_wait_kb"]),
                      (d["anon_after_wait_kb"] - d["anon_before_kb"]) / 1024,
                      "%.1f" % r["last_give_back_gc_ms"] if on else "", "%.1f" % r["last_give_back_trim_ms"] if on else ""))
PY
say "done: $RUN/results.md"
cat "$RUN/results.md"
