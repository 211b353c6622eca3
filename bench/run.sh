#!/usr/bin/env bash
# The flights benchmark, end to end: PostgresML's "8-40x faster than Python HTTP microservices" method, re-run on
# this machine against pgml, the original Python service (Flask + gunicorn + Redis + XGBoost) and its C# twin
# (ASP.NET Core + Redis + XGBoost). See docs/benchmark.md, section "How the harness runs".
#
#   bench/run.sh [--size tiny|quick|full] [--rows N] [--seed S] [--reps K] [--seconds T] [--clients "1 5 20"]
#                [--bouncer-clients "20 100"] [--rtts "0 0.2 1"] [--netns-clients "1 20"] [--no-netns]
#                [--out DIR] [--no-report] [--keep-data] [--keep-logs]
#
# Steps: packages and builds; (1) a synthetic flights CSV from a seed; (2) PostgreSQL COPY and the Redis loader,
# timed; (3) pgml.train and the Python training, time and peak memory; pgml's model exported for both services;
# (4) the three systems answer the same prediction for the same flights, or the run stops; (5) local serving:
# pgbench (simple and prepared; the predict query and the "floor", the same lookup without predict), directly and
# through PgBouncer, and ab -k against both services, runs alternated, memory sampled; (6) the same over network
# namespaces with a delay proxy; (7) results.json, the report (bench/Pgml.Bench.Report) and a summary.
# Output: bench/results/<UTC timestamp>-<size>/ (or --out). Exits non-zero when a system does not answer, the
# predictions disagree, a run fails, or the report is not produced. Everything it starts is stopped by pid, and the
# namespaces are removed, on success and on failure.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH/../scripts/env.sh"
PY=/usr/bin/python3
DB=pgml_bench

size=quick rows="" seed=42 reps="" seconds="" clients="" bouncer_clients=default rtts="" netns_clients=""
netns=1 out="" report=1 keep_data=0 keep_logs=0
while [ $# -gt 0 ]; do
    case "$1" in
        --size) size=$2; shift 2 ;;
        --rows) rows=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --reps) reps=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --bouncer-clients) bouncer_clients=$2; shift 2 ;;
        --rtts) rtts=$2; shift 2 ;;
        --netns-clients) netns_clients=$2; shift 2 ;;
        --no-netns) netns=0; shift ;;
        --out) out=$2; shift 2 ;;
        --no-report) report=0; shift ;;
        --keep-data) keep_data=1; shift ;;
        --keep-logs) keep_logs=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$size" in
    tiny)  d_rows=2000    d_reps=1 d_seconds=2  d_clients="1 5"    d_bouncer="5"      d_rtts="1"       d_nclients="1 5" ;;
    quick) d_rows=20000   d_reps=2 d_seconds=5  d_clients="1 5 20" d_bouncer="20 100" d_rtts="0 0.2 1" d_nclients="1 20" ;;
    full)  d_rows=1000000 d_reps=3 d_seconds=20 d_clients="1 5 20" d_bouncer="20 100" d_rtts="0 0.2 1" d_nclients="1 5 20" ;;
    *) echo "--size is tiny, quick or full" >&2; exit 2 ;;
esac
rows=${rows:-$d_rows} reps=${reps:-$d_reps} seconds=${seconds:-$d_seconds} clients=${clients:-$d_clients}
rtts=${rtts:-$d_rtts} netns_clients=${netns_clients:-$d_nclients}
[ "$bouncer_clients" = default ] && bouncer_clients=$d_bouncer
# the services have no PgBouncer: they run at every client count, the PgBouncer ones included (as in the original)
http_clients=$(printf '%s\n' $clients $bouncer_clients | sort -n -u | tr '\n' ' ')
max_clients=$(printf '%s\n' $clients | sort -n | tail -1)
max_bouncer=$(printf '%s\n' $bouncer_clients | sort -n | tail -1)
PGBENCH_THREADS=1   # one client thread, like ab: the client machine is this 2-core machine too

stamp=$(date -u +%Y%m%dT%H%M%SZ)
RUN=${out:-$BENCH/results/$stamp-$size}
mkdir -p "$RUN/raw" "$RUN/data"
RUN=$(cd "$RUN" && pwd)
: > "$RUN/commands.txt"; : > "$RUN/notes.txt"; rm -f "$RUN/serving.jsonl"
T0=$(date +%s)
STEPS=8 STEP=0
step() { STEP=$((STEP + 1)); echo "==> [$STEP/$STEPS] $* (+$(( $(date +%s) - T0 )) s)"; }
info() { echo "    $*"; }
note() { echo "$*" >> "$RUN/notes.txt"; echo "    note: $*"; }
die() { echo "bench: FAILED: $*" >&2; exit 1; }
# commands.txt: each command as run, with the run folder and the spare ports named (so repeats collapse)
declare -A PORT_NAMES=()
name_port() { PORT_NAMES[$1]=$2; }
record() {
    local line="$*" p
    line=${line//$RUN/\$RUN}
    for p in "${!PORT_NAMES[@]}"; do
        line=$(sed -E "s/(^|[^0-9])$p([^0-9]|\$)/\1<${PORT_NAMES[$p]}>\2/g" <<<"$line")
    done
    echo "$line" >> "$RUN/commands.txt"
}

# ---------------------------------------------------------------- processes we start, stopped by pid on any exit
PIDS=() LAST_PID="" NETNS_UP=0 PGB_DIR=""
start_bg() { # name logfile command... ; sets LAST_PID
    local name=$1 log=$2; shift 2
    "$@" > "$log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$name:$LAST_PID")
}
stop_pid() { # pid: TERM, up to 10 s, then KILL
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
stop_named() { # name: stop every process started under that name
    local entry keep=()
    for entry in "${PIDS[@]}"; do
        if [ "${entry%%:*}" = "$1" ]; then stop_pid "${entry##*:}"; else keep+=("$entry"); fi
    done
    PIDS=("${keep[@]}")
}
cleanup() {
    local rc=$? i
    set +e
    for (( i=${#PIDS[@]}-1; i>=0; i-- )); do stop_pid "${PIDS[$i]##*:}"; done
    [ "$NETNS_UP" = 1 ] && netns_down
    [ -n "$PGB_DIR" ] && { cp -f "$PGB_DIR"/pgbouncer.{ini,log} "$RUN/raw/" 2>/dev/null; rm -rf "$PGB_DIR"; }
    [ "$keep_data" = 1 ] || rm -rf "$RUN/data"
    [ $rc = 0 ] || echo "bench: stopped with status $rc; logs in $RUN" >&2
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

spare_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # url body seconds: until POST answers 200
    $PY - "$@" <<'EOF' || return 1
import sys, time, urllib.request
url, body, limit = sys.argv[1], sys.argv[2].encode(), float(sys.argv[3])
end = time.monotonic() + limit
while True:
    try:
        req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception as e:  # noqa: BLE001
        err = e
    if time.monotonic() > end:
        print(f"    {url} does not answer: {err}", file=sys.stderr)
        sys.exit(1)
    time.sleep(0.2)
EOF
}
wait_log() { # file pattern seconds
    local i
    for i in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}
# PgBouncer refuses to run as root: setpriv execs it as postgres (same pid, so it can be stopped by pid)
AS_POSTGRES=(); [ "$(id -u)" = 0 ] && AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups)

# ---------------------------------------------------------------- 0. packages, cluster, builds
step "packages, cluster and builds"
"$BENCH/deps.sh"
if ! "$PGML_ROOT/scripts/cluster.sh" status >/dev/null 2>&1; then "$PGML_ROOT/scripts/cluster.sh" start; fi
psql -X -At -d postgres -c "SELECT 1 FROM pg_available_extensions WHERE name = 'pgml'" | grep -q 1 \
    || die "the pgml extension is not installed in this cluster: run 'make cluster' first"
SERVICE_DLL="$BENCH/Pgml.Bench.Service/bin/Release/net10.0/Pgml.Bench.Service.dll"
PROXY_DLL="$BENCH/Pgml.Bench.DelayProxy/bin/Release/net10.0/Pgml.Bench.DelayProxy.dll"
[ -f "$BENCH/Pgml.Bench.Service/Pgml.Bench.Service.csproj" ] || die "bench/Pgml.Bench.Service is missing"
dotnet build -c Release "$BENCH/Pgml.Bench.Service" -nologo -v:q -clp:ErrorsOnly > "$RUN/raw/build-service.log" 2>&1 \
    || { cat "$RUN/raw/build-service.log"; die "building bench/Pgml.Bench.Service"; }
if [ "$netns" = 1 ]; then
    dotnet build -c Release "$BENCH/Pgml.Bench.DelayProxy" -nologo -v:q -clp:ErrorsOnly > "$RUN/raw/build-proxy.log" 2>&1 \
        || { cat "$RUN/raw/build-proxy.log"; die "building bench/Pgml.Bench.DelayProxy"; }
    ip netns add "pgmlb-probe-$$" 2>/dev/null && ip netns del "pgmlb-probe-$$" \
        || { note "network namespaces are not available here (ip netns add failed): the networked layout is skipped"; netns=0; }
fi
idle=$($PY -c '
import time
def read():
    v = list(map(int, open("/proc/stat").readline().split()[1:]))
    return v[3] + v[4], sum(v)
i0, t0 = read(); time.sleep(1); i1, t1 = read()
print(round(100 * (i1 - i0) / max(1, t1 - t0)))')
if [ "$idle" -lt 85 ]; then
    note "the machine was busy when the run started: ${idle}% idle over one second (other processes share the 2 cores; figures are noisier)"
fi
info "run directory: $RUN"
info "size $size: $rows rows, seed $seed, $reps repetition(s) of ${seconds} s runs; clients $clients;" \
     "PgBouncer clients ${bouncer_clients:-none}; services at $http_clients; netns $( [ $netns = 1 ] && echo "RTT $rtts ms, clients $netns_clients" || echo off)"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
$PY - "$RUN/run.json" <<EOF
import json, subprocess, sys, platform
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception: return ""
import xgboost
mem = int(open("/proc/meminfo").readline().split()[1])
json.dump({"started": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "finished": None, "size": "$size", "rows": $rows, "seed": $seed,
           "repetitions": $reps, "seconds_per_run": $seconds,
           "machine": {"cpu": """$cpu""", "cores": $(nproc), "memory_gb": round(mem / 1024 / 1024, 1),
                       "kernel": platform.release(),
                       "postgres": sh("psql -X -At -d postgres -c 'SHOW server_version'"),
                       "xgboost": "python " + xgboost.__version__ + ", libxgboost0 " + sh("dpkg-query -W -f='\${Version}' libxgboost0"),
                       "dotnet": sh("dotnet --version"), "python": platform.python_version(),
                       "pgbouncer": sh("pgbouncer --version | head -1"), "redis": sh("redis-server --version"),
                       "gunicorn": sh("gunicorn --version"), "ab": sh("ab -V | head -1")}}, open(sys.argv[1], "w"), indent=1)
EOF

# ---------------------------------------------------------------- 1. data
step "generating $rows synthetic flights (seed $seed)"
CSV="$RUN/data/flights.csv"
record "$PY bench/python/gen_flights.py --rows $rows --seed $seed --out \$RUN/data/flights.csv"
$PY "$BENCH/python/gen_flights.py" --rows "$rows" --seed "$seed" --out "$CSV" --meta "$RUN/meta.json" > /dev/null
read -r PGB_KEY AB_KEY < <($PY -c 'import json,sys; m=json.load(open(sys.argv[1])); print(",".join(map(str,m["pgbench_key"])), json.dumps(m["ab_key"], separators=(",",":")))' "$RUN/meta.json")
IFS=, read -r K_AIRPORT K_YEAR K_MONTH K_DAY <<<"$PGB_KEY"
info "$(du -h "$CSV" | cut -f1) of CSV; pgbench key ($PGB_KEY), ab body $AB_KEY"
missing=$($PY -c '
import json, sys
m = json.load(open(sys.argv[1]))
out = []
if not m["pgbench_key_is_original"]:
    out.append("pgbench.sql'"'"'s key (14869, 2019, 8, 31) is not in the data: the busiest key of airport 14869, (%s), stands in" % ", ".join(map(str, m["pgbench_key"])))
if not m["ab_key_is_original"]:
    out.append("ab.txt'"'"'s key [14869,2021,1,22] is not in the data: the busiest key of airport 14869, %s, stands in" % json.dumps(m["ab_key"], separators=(",", ":")))
print("; ".join(out))' "$RUN/meta.json")
[ -z "$missing" ] || note "at $rows rows, $missing"

# ---------------------------------------------------------------- 2. load
step "loading PostgreSQL (COPY) and Redis (the original's Python pipeline loader)"
PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
psql -X -q -d $DB -v ON_ERROR_STOP=1 > "$RUN/raw/load-postgres.log" 2>&1 <<SQL
CREATE EXTENSION pgml;
CREATE TABLE public.flights_delay_mat (depdelayminutes real, year real NOT NULL, quarter real NOT NULL, month real NOT NULL,
    distance real NOT NULL, dayofweek real NOT NULL, dayofmonth real NOT NULL, flight_number_operating_airline real NOT NULL,
    originairportid real NOT NULL, destairportid real NOT NULL, tail_number real NOT NULL);
SQL
record "psql -c \"\\copy flights_delay_mat FROM '\$RUN/data/flights.csv' CSV HEADER\" $DB"
t=$(date +%s.%N)
psql -X -q -d $DB -v ON_ERROR_STOP=1 -c "\\copy flights_delay_mat FROM '$CSV' CSV HEADER" >> "$RUN/raw/load-postgres.log" 2>&1 \
    || { cat "$RUN/raw/load-postgres.log"; die "COPY"; }
copy_s=$($PY -c "import sys; print(round($(date +%s.%N) - $t, 3))")
t=$(date +%s.%N)
psql -X -q -d $DB -v ON_ERROR_STOP=1 -c "CREATE INDEX ON flights_delay_mat USING btree(originairportid, year, month, dayofmonth)" >/dev/null
index_s=$($PY -c "import sys; print(round($(date +%s.%N) - $t, 3))")
psql -X -q -d $DB -c "VACUUM ANALYZE flights_delay_mat" >/dev/null
pg_rows=$(psql -X -At -d $DB -c "SELECT count(*) FROM flights_delay_mat")
info "PostgreSQL: COPY $copy_s s, index $index_s s, $pg_rows rows"

REDIS_PORT=$(spare_port); name_port "$REDIS_PORT" redis-port
mkdir -p "$RUN/data/redis"
record "redis-server --bind 127.0.0.1 --port $REDIS_PORT --save '' --appendonly no"
start_bg redis "$RUN/raw/redis.log" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$RUN/data/redis" --dbfilename dump.rdb --protected-mode no
REDIS_PID=$LAST_PID
for i in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
record "$PY bench/python/load_redis.py --csv \$RUN/data/flights.csv --host 127.0.0.1 --port $REDIS_PORT"
$PY "$BENCH/python/load_redis.py" --csv "$CSV" --host 127.0.0.1 --port "$REDIS_PORT" > "$RUN/raw/load-redis.json" \
    || die "loading Redis"
$PY - "$RUN" "$copy_s" "$index_s" "$pg_rows" <<'EOF'
import json, sys
run, copy_s, index_s, pg_rows = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
r = json.load(open(f"{run}/raw/load-redis.json"))
json.dump({"postgres_copy_seconds": copy_s, "redis_load_seconds": r["seconds"], "redis_rows": r["redis_rows"],
           "postgres_rows": pg_rows, "postgres_index_seconds": index_s, "redis_read_csv_seconds": r["read_csv_seconds"],
           "redis_keys": r["keys"]}, open(f"{run}/load.json", "w"), indent=1)
print(f"    Redis: {r['seconds']} s ({r['read_csv_seconds']} s of it read_csv), {r['redis_rows']:,} rows under {r['keys']:,} keys")
if r["redis_rows"] != pg_rows:
    sys.exit("Redis and PostgreSQL hold different row counts")
EOF

# ---------------------------------------------------------------- 3. training
step "training: pgml.train (25 trees) and the Python script (XGBRegressor, 25 trees, hist)"
TRAIN_SQL="SELECT * FROM pgml.train('r2', 'regression', 'flights_delay_mat', 'depdelayminutes', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 25}')"
record "psql -c \"$TRAIN_SQL\" $DB   # then VmHWM from /proc/<this backend>/status"
psql -X -q -At -d $DB -v ON_ERROR_STOP=1 > "$RUN/raw/train-pgml.log" 2>&1 <<SQL || { cat "$RUN/raw/train-pgml.log"; die "pgml.train"; }
SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+) kB')::bigint * 1024 AS hwm0, clock_timestamp() AS t0 \gset
$TRAIN_SQL;
\o $RUN/training_pgml.json
SELECT json_build_object('system', 'pgml',
    'seconds', round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 3),
    'peak_rss_bytes', substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*(\d+) kB')::bigint * 1024,
    'rss_before_bytes', :hwm0,
    'r2', (m.metrics->>'r2')::float8,
    'fit_seconds', (m.metrics->>'fit_time')::float8,
    'model_id', m.id, 'backend_pid', pg_backend_pid(),
    'test_sampling', (SELECT test_sampling FROM pgml.snapshots s WHERE s.id = m.snapshot_id))
FROM pgml.models m JOIN pgml.projects p ON p.id = m.project_id WHERE p.name = 'r2' ORDER BY m.id DESC LIMIT 1;
\o
SQL
note "training rows: pgml.train holds out 25% with its default test_sampling (stratified on the label's values, seeded by the snapshot), the Python script 25% with train_test_split(random_state=$seed): the same table and fraction, not the same rows, so the two r2 values are comparable in kind, not to the digit"
MODEL="$RUN/model.json"
psql -X -At -d $DB -v ON_ERROR_STOP=1 -c "SELECT encode(string_agg(f.data, ''::bytea ORDER BY f.part), 'hex') FROM pgml.files f
    WHERE f.path = 'estimator.json' AND f.model_id = (SELECT d.model_id FROM pgml.deployments d JOIN pgml.projects p ON p.id = d.project_id
                                                     WHERE p.name = 'r2' ORDER BY d.id DESC LIMIT 1)" \
    | $PY -c 'import sys; data = bytes.fromhex(sys.stdin.read().strip()); assert data, "no estimator.json"; open(sys.argv[1], "wb").write(data)' "$MODEL" \
    || die "exporting pgml's model from pgml.files"
record "$PY bench/python/train_python.py --csv \$RUN/data/flights.csv --out \$RUN/model_python.json --seed $seed"
$PY "$BENCH/python/train_python.py" --csv "$CSV" --out "$RUN/model_python.json" --seed "$seed" > "$RUN/raw/train-python.json" \
    || die "the Python training"
$PY - "$RUN" <<'EOF'
import json, sys
run = sys.argv[1]
p = json.load(open(f"{run}/raw/train-python.json"))
json.dump({"system": "python", "seconds": p["seconds"], "peak_rss_bytes": p["peak_rss_bytes"], "r2": p["r2"],
           "fit_seconds": p["fit_seconds"], "read_seconds": p["read_seconds"], "seconds_with_imports": p["seconds_with_imports"],
           "train_rows": p["train_rows"], "test_rows": p["test_rows"]}, open(f"{run}/training_python.json", "w"), indent=1)
g = json.load(open(f"{run}/training_pgml.json"))
for t in (g, p):
    print(f"    {t.get('system', 'python'):<6}: {t['seconds']:.2f} s (fit {t['fit_seconds']:.2f} s), peak RSS {t['peak_rss_bytes'] / 2**20:.0f} MB, r2 {t['r2']:.4f}")
EOF
info "pgml's deployed model exported to model.json ($(stat -c %s "$MODEL") bytes): both services serve it"

# ---------------------------------------------------------------- services
start_python() { # port redis_addr log
    record "OMP_NUM_THREADS=2 gunicorn predict:app --workers 5 --threads 2 --bind 127.0.0.1:$1   # env PGML_BENCH_MODEL=model.json PGML_BENCH_REDIS=$2"
    start_bg python "$3" env OMP_NUM_THREADS=2 PYTHONDONTWRITEBYTECODE=1 PGML_BENCH_MODEL="$MODEL" PGML_BENCH_REDIS="$2" \
        gunicorn --chdir "$BENCH/python" predict:app --workers 5 --threads 2 --bind "127.0.0.1:$1" --graceful-timeout 3
    PY_PID=$LAST_PID
}
start_csharp() { # port redis_addr log
    record "dotnet bench/Pgml.Bench.Service/bin/Release/net10.0/Pgml.Bench.Service.dll --urls http://127.0.0.1:$1 --redis $2 --model model.json"
    start_bg csharp "$3" dotnet "$SERVICE_DLL" --urls "http://127.0.0.1:$1" --redis "$2" --model "$MODEL"
    CS_PID=$LAST_PID
}
PY_PORT=$(spare_port) CS_PORT=$(spare_port)
name_port "$PY_PORT" python-port; name_port "$CS_PORT" csharp-port
start_python "$PY_PORT" "127.0.0.1:$REDIS_PORT" "$RUN/raw/python-service.log"
start_csharp "$CS_PORT" "127.0.0.1:$REDIS_PORT" "$RUN/raw/csharp-service.log"
wait_http "http://127.0.0.1:$PY_PORT/" "$AB_KEY" 60 || { tail -30 "$RUN/raw/python-service.log"; die "the Python service does not answer"; }
wait_http "http://127.0.0.1:$CS_PORT/" "$AB_KEY" 60 || { tail -30 "$RUN/raw/csharp-service.log"; die "the C# service does not answer"; }

# ---------------------------------------------------------------- 4. agreement
step "agreement: the same prediction from pgml, the Python service and the C# service"
$PY "$BENCH/python/agreement.py" --meta "$RUN/meta.json" --csv "$CSV" --redis "127.0.0.1:$REDIS_PORT" --model "$MODEL" \
    --python-url "http://127.0.0.1:$PY_PORT/" --csharp-url "http://127.0.0.1:$CS_PORT/" --out "$RUN/agreement.json" \
    || die "the systems disagree (or one does not answer): see above"

# ---------------------------------------------------------------- serving runs
COLS="year, quarter, month, distance, dayofweek, dayofmonth, flight_number_operating_airline, originairportid, destairportid, tail_number"
WHERE="originairportid = $K_AIRPORT and year = $K_YEAR and month = $K_MONTH and dayofmonth = $K_DAY"
printf "SELECT pgml.predict('r2',\n\tARRAY[%s]\n) FROM flights_delay_mat WHERE %s LIMIT 1;\n" "$COLS" "$WHERE" > "$RUN/pgml.sql"
printf "SELECT\n\tARRAY[%s]\nFROM flights_delay_mat WHERE %s LIMIT 1;\n" "$COLS" "$WHERE" > "$RUN/floor.sql"
printf '%s' "$AB_KEY" > "$RUN/ab.json"

tag_json() { # system protocol layout rtt clients pgbouncer rep memory_report
    printf '{"system": "%s", "protocol": "%s", "layout": "%s", "rtt_ms": %s, "clients": %s, "pgbouncer": %s, "repetition": %s, "memory_report": %s, "seconds": %s}' \
        "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$seconds"
}
half() { $PY -c "print(max(0.5, $seconds / 2))"; }

sample_memory() { # system pgbouncer(true|false) outfile -- runs in the background halfway through a run
    local system=$1 bouncer=$2 outfile=$3 items=() pid
    sleep "$(half)"
    case "$system" in
        pgml|floor)
            # direct: pgbench's own connections; through PgBouncer: every backend of the database, which are all
            # PgBouncer's server connections (its pool)
            local only_pgbench="AND application_name = 'pgbench'"
            [ "$bouncer" = true ] && only_pgbench=""
            for pid in $(psql -X -At -d postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = '$DB' AND backend_type = 'client backend' $only_pgbench"); do
                items+=("postgres backend:$pid")
            done
            [ "$bouncer" = true ] && items+=("pgbouncer:$PGB_PID") ;;
        python)
            items+=("gunicorn master:$PY_PID")
            for pid in $(pgrep -P "$PY_PID"); do items+=("gunicorn worker:$pid"); done
            items+=("redis-server:$REDIS_PID") ;;
        csharp)
            items+=("Pgml.Bench.Service:$CS_PID" "redis-server:$REDIS_PID") ;;
    esac
    $PY "$BENCH/python/measure.py" mem "$outfile" "$( [ "$system" = floor ] && echo pgml || echo "$system")" "${items[@]}"
}

run_one() { # system protocol layout rtt clients pgbouncer rep host port
    local system=$1 protocol=$2 layout=$3 rtt=$4 c=$5 bouncer=$6 rep=$7 host=$8 port=$9
    local tag="${layout}-rtt${rtt}-c${c}-$( [ "$bouncer" = true ] && echo pgbouncer || echo direct)-${system}-${protocol}-rep${rep}"
    local dir="$RUN/raw/$tag" memrep=null prefix=() cmd=() sampler
    mkdir -p "$dir"
    # memory is sampled in every local run; results.json's "memory" takes, from the first repetition, pgml through
    # PgBouncer (backends + PgBouncer) and the services at the largest PgBouncer client count (or everything at the
    # largest direct count when PgBouncer is not run); "memory_extra" adds the runs at the largest direct count
    local mem_c=${max_bouncer:-$max_clients}
    if [ "$layout" = local ] && [ "$rep" = 1 ] && [ "$system" != floor ] && [ "$protocol" != prepared ]; then
        if [ "$system" = pgml ] && [ -n "$max_bouncer" ]; then
            if [ "$bouncer" = true ] && [ "$c" = "$max_bouncer" ]; then memrep='"main"'
            elif [ "$bouncer" = false ] && [ "$c" = "$max_clients" ]; then memrep='"extra"'; fi
        elif [ "$c" = "$mem_c" ]; then memrep='"main"'
        elif [ "$c" = "$max_clients" ]; then memrep='"extra"'; fi
    fi
    local tj; tj=$(tag_json "$system" "$protocol" "$layout" "$rtt" "$c" "$bouncer" "$rep" "$memrep")
    echo "$tj" > "$dir/tag.json"
    [ "$layout" = netns ] && prefix=(ip netns exec "$NS_C")
    if [ "$protocol" = http ]; then
        cmd=(ab -k -c "$c" -t "$seconds" -n 100000000 -s 30 -q -T application/json -p "$RUN/ab.json" -e "$dir/percentiles.csv"
             "http://$host:$port/")
    else
        cmd=(pgbench -n -M "$protocol" -c "$c" -j "$(( c < PGBENCH_THREADS ? c : PGBENCH_THREADS ))" -T "$seconds" -f "$RUN/$system.sql"
             -l --log-prefix="$dir/pgbench_log" -h "$host" -p "$port" -U postgres $DB)
    fi
    if [ "$rep" = 1 ]; then   # the command once per kind of run, with its variable parts named
        local shown="${prefix[*]} ${cmd[*]}"
        shown=${shown//$dir/\$RUN/raw/<run>}; shown=${shown// -c $c / -c <clients> }
        [ "$layout" = netns ] && shown=${shown//$NS_C/<client>}
        record "${shown# }"
    fi
    sampler=""
    if [ "$layout" = local ]; then
        sample_memory "$system" "$bouncer" "$dir/memory.json" 2>>"$dir/memory.err" &
        sampler=$!
    fi
    printf "    rep %s %-5s rtt %-3s c=%-3s %-9s %-6s %-8s " "$rep" "$layout" "$rtt" "$c" "$( [ "$bouncer" = true ] && echo pgbouncer || echo direct)" "$system" "$protocol"
    if ! "${prefix[@]}" "${cmd[@]}" > "$dir/stdout.txt" 2>&1; then
        echo; tail -20 "$dir/stdout.txt" >&2
        [ -n "$sampler" ] && wait "$sampler" 2>/dev/null
        die "$tag: the client failed (the system did not answer?)"
    fi
    [ -n "$sampler" ] && { wait "$sampler" || true; }
    if [ "$protocol" = http ]; then
        $PY "$BENCH/python/measure.py" ab "$RUN" "$tj" "$dir/stdout.txt" "$dir/percentiles.csv" || die "$tag"
    else
        $PY "$BENCH/python/measure.py" pgbench "$RUN" "$tj" "$dir/stdout.txt" "$dir/pgbench_log" || die "$tag"
        # the per-transaction logs are large (one line per request): kept, compressed, only with --keep-logs
        if [ "$keep_logs" = 1 ]; then gzip -f "$dir"/pgbench_log.*; else rm -f "$dir"/pgbench_log.*; fi
    fi
}

# run_group rep layout rtt items... : items "system protocol clients pgbouncer host port", in rotated order
run_group() {
    local rep=$1 layout=$2 rtt=$3; shift 3
    local n=$# i k items=("$@")
    for (( i = 0; i < n; i++ )); do
        k=$(( (i + rep - 1) % n ))
        # shellcheck disable=SC2086
        set -- ${items[$k]}
        run_one "$1" "$2" "$layout" "$rtt" "$3" "$4" "$rep" "$5" "$6"
    done
}

# ---------------------------------------------------------------- 5. local serving
step "serving, local: $reps repetition(s), ${seconds} s per run"
if [ -n "$bouncer_clients" ]; then
    PGB_DIR=$(mktemp -d /tmp/pgml-bench-pgbouncer.XXXXXX)
    PGB_PORT=$(spare_port); name_port "$PGB_PORT" pgbouncer-port
    cat > "$PGB_DIR/pgbouncer.ini" <<INI
;; the original's pgbouncer.ini (transaction pooling, pool 10, trust), on a spare port, for the benchmark database
[databases]
$DB = host=127.0.0.1 port=$PGML_PORT dbname=$DB

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = trust
auth_file = $PGB_DIR/userlist.txt
pool_mode = transaction
default_pool_size = 10
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits
logfile = $PGB_DIR/pgbouncer.log
pidfile = $PGB_DIR/pgbouncer.pid
INI
    echo '"postgres" ""' > "$PGB_DIR/userlist.txt"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PGB_DIR"
    record "pgbouncer pgbouncer.ini   # pool_mode = transaction, default_pool_size = 10, auth_type = trust"
    start_bg pgbouncer "$RUN/raw/pgbouncer.stdout" "${AS_POSTGRES[@]}" pgbouncer "$PGB_DIR/pgbouncer.ini"
    PGB_PID=$LAST_PID
    for i in $(seq 1 50); do psql -X -At -h 127.0.0.1 -p "$PGB_PORT" -d $DB -c "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done
    psql -X -At -h 127.0.0.1 -p "$PGB_PORT" -d $DB -c "SELECT 1" >/dev/null || { cat "$PGB_DIR/pgbouncer.log"; die "PgBouncer does not answer"; }
    note "pgbench -M prepared through PgBouncer is not run: PgBouncer 1.18 in transaction pooling does not support prepared statements (a client's next transaction may run on another server connection, where its statement was never prepared; protocol-level support came in 1.21)"
fi
# warm-up: caches, backends, gunicorn workers, the JIT of the C# service (not recorded)
pgbench -n -c "$max_clients" -j 1 -T 1 -f "$RUN/pgml.sql" -h 127.0.0.1 -p "$PGML_PORT" -U postgres $DB >/dev/null 2>&1 || die "pgml warm-up"
ab -k -c "$max_clients" -t 1 -n 100000000 -q -T application/json -p "$RUN/ab.json" "http://127.0.0.1:$PY_PORT/" >/dev/null 2>&1 || true
ab -k -c "$max_clients" -t 1 -n 100000000 -q -T application/json -p "$RUN/ab.json" "http://127.0.0.1:$CS_PORT/" >/dev/null 2>&1 || true

PG="127.0.0.1 $PGML_PORT"
for rep in $(seq 1 "$reps"); do
    for c in $http_clients; do
        items=()
        if [[ " $clients " == *" $c "* ]]; then
            items+=("pgml simple $c false $PG" "floor simple $c false $PG" "pgml prepared $c false $PG" "floor prepared $c false $PG")
        fi
        items+=("python http $c false 127.0.0.1 $PY_PORT" "csharp http $c false 127.0.0.1 $CS_PORT")
        if [[ " $bouncer_clients " == *" $c "* ]]; then
            items+=("pgml simple $c true 127.0.0.1 $PGB_PORT" "floor simple $c true 127.0.0.1 $PGB_PORT")
        fi
        run_group "$rep" local 0 "${items[@]}"
    done
done
stop_named python; stop_named csharp
[ -n "$bouncer_clients" ] && stop_named pgbouncer

# ---------------------------------------------------------------- 6. networked layout
step "serving over network namespaces (client | application | Redis), RTT ${rtts} ms"
NS_C="pgmlb-$$-client" NS_R="pgmlb-$$-redis" VC="pgb$$c" VR="pgb$$r" NET_C=10.213.1 NET_R=10.213.2
netns_up() {
    NETNS_UP=1
    ip -4 addr show | grep -qE "inet ($NET_C|$NET_R)\." && die "$NET_C.0/24 or $NET_R.0/24 is already in use on this machine"
    ip netns add "$NS_C"; ip netns add "$NS_R"
    ip link add "${VC}0" type veth peer name "${VC}1" netns "$NS_C"
    ip link add "${VR}0" type veth peer name "${VR}1" netns "$NS_R"
    ip addr add "$NET_C.1/24" dev "${VC}0"; ip link set "${VC}0" up
    ip addr add "$NET_R.1/24" dev "${VR}0"; ip link set "${VR}0" up
    ip -n "$NS_C" addr add "$NET_C.2/24" dev "${VC}1"; ip -n "$NS_C" link set "${VC}1" up; ip -n "$NS_C" link set lo up
    ip -n "$NS_R" addr add "$NET_R.2/24" dev "${VR}1"; ip -n "$NS_R" link set "${VR}1" up; ip -n "$NS_R" link set lo up
}
netns_down() {
    # deleting a namespace deletes its end of the veth pair, and the pair with it: the link deletes are for safety
    ip netns del "$NS_C" 2>/dev/null || true; ip netns del "$NS_R" 2>/dev/null || true
    ip link del "${VC}0" 2>/dev/null || true; ip link del "${VR}0" 2>/dev/null || true
    NETNS_UP=0
    return 0
}
if [ "$netns" = 1 ]; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" SAVE >/dev/null || die "redis SAVE"
    stop_named redis
    netns_up
    record "ip netns add <client>; ip netns add <redis>; veth pairs $NET_C.1/24 (application) <-> $NET_C.2 (client), $NET_R.1 (application) <-> $NET_R.2 (redis)"
    record "ip netns exec <redis> redis-server --bind $NET_R.2 --port 6379 (the same data: the local Redis's dump.rdb)"
    start_bg redis "$RUN/raw/redis-netns.log" ip netns exec "$NS_R" redis-server --bind "$NET_R.2" --port 6379 --save '' \
        --appendonly no --dir "$RUN/data/redis" --dbfilename dump.rdb --protected-mode no
    REDIS_PID=$LAST_PID
    for i in $(seq 1 300); do redis-cli -h "$NET_R.2" -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
    redis-cli -h "$NET_R.2" -p 6379 ping | grep -q PONG || die "Redis in its namespace does not answer"
    note "networked layout: three network namespaces on this one machine, joined by veth pairs: the clients (pgbench, ab) in one, Redis in another, the application (PostgreSQL, the services, the delay proxy) in the machine's own (the private cluster cannot move into a new namespace without a restart). tc netem is not available in this kernel, so the delay comes from bench/Pgml.Bench.DelayProxy, a userspace TCP proxy in the application namespace that holds every chunk for RTT/2 in each direction, on the client-application path and, for the services, on the application-Redis path. The proxy (one thread, epoll) runs on the same 2 cores; the RTT 0 runs go through it without delay, so its own cost can be told apart from the delay's. PgBouncer is not run in this layout"
    for rtt in $rtts; do
        P_PG=$(spare_port) P_PY=$(spare_port) P_CS=$(spare_port) P_R=$(spare_port) SPY=$(spare_port) SCS=$(spare_port)
        name_port "$P_PG" proxy-pg-port; name_port "$P_PY" proxy-python-port; name_port "$P_CS" proxy-csharp-port
        name_port "$P_R" proxy-redis-port; name_port "$SPY" python-port; name_port "$SCS" csharp-port
        one_way=$($PY -c "print($rtt * 1000 / 2)")
        record "dotnet bench/Pgml.Bench.DelayProxy/bin/Release/net10.0/Pgml.Bench.DelayProxy.dll --delay-us $one_way --route $NET_C.1:$P_PG=127.0.0.1:$PGML_PORT --route $NET_C.1:$P_PY=127.0.0.1:$SPY --route $NET_C.1:$P_CS=127.0.0.1:$SCS --route 127.0.0.1:$P_R=$NET_R.2:6379"
        start_bg proxy "$RUN/raw/proxy-rtt$rtt.log" dotnet "$PROXY_DLL" --delay-us "$one_way" \
            --route "$NET_C.1:$P_PG=127.0.0.1:$PGML_PORT" --route "$NET_C.1:$P_PY=127.0.0.1:$SPY" \
            --route "$NET_C.1:$P_CS=127.0.0.1:$SCS" --route "127.0.0.1:$P_R=$NET_R.2:6379"
        wait_log "$RUN/raw/proxy-rtt$rtt.log" '^ready' 20 || { cat "$RUN/raw/proxy-rtt$rtt.log"; die "the delay proxy did not start"; }
        info "$(head -1 "$RUN/raw/proxy-rtt$rtt.log")"
        start_python "$SPY" "127.0.0.1:$P_R" "$RUN/raw/python-service-rtt$rtt.log"
        start_csharp "$SCS" "127.0.0.1:$P_R" "$RUN/raw/csharp-service-rtt$rtt.log"
        wait_http "http://127.0.0.1:$SPY/" "$AB_KEY" 60 || die "the Python service (netns, RTT $rtt) does not answer"
        wait_http "http://127.0.0.1:$SCS/" "$AB_KEY" 60 || die "the C# service (netns, RTT $rtt) does not answer"
        # the client namespace reaches every system through the proxy
        ip netns exec "$NS_C" psql -X -At -h "$NET_C.1" -p "$P_PG" -d $DB -f "$RUN/pgml.sql" >/dev/null || die "pgml through the namespace"
        for port in $P_PY $P_CS; do
            ip netns exec "$NS_C" ab -k -c 1 -n 20 -q -T application/json -p "$RUN/ab.json" "http://$NET_C.1:$port/" >/dev/null 2>&1 \
                || die "a service through the namespace (port $port)"
        done
        for rep in $(seq 1 "$reps"); do
            for c in $netns_clients; do
                run_group "$rep" netns "$rtt" "pgml simple $c false $NET_C.1 $P_PG" "floor simple $c false $NET_C.1 $P_PG" \
                    "python http $c false $NET_C.1 $P_PY" "csharp http $c false $NET_C.1 $P_CS"
            done
        done
        stop_named python; stop_named csharp; stop_named proxy
    done
    stop_named redis
    netns_down
else
    info "skipped (--no-netns)"
fi

# ---------------------------------------------------------------- 7. results, report
step "results.json, report and summary"
$PY - "$RUN/run.json" <<EOF
import json, sys
r = json.load(open(sys.argv[1])); r["finished"] = "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
json.dump(r, open(sys.argv[1], "w"), indent=1)
EOF
$PY "$BENCH/python/measure.py" assemble "$RUN"
if [ "$report" = 1 ]; then
    [ -f "$BENCH/Pgml.Bench.Report/Pgml.Bench.Report.csproj" ] || die "bench/Pgml.Bench.Report is missing: no report"
    dotnet run -c Release --project "$BENCH/Pgml.Bench.Report" -- "$RUN" > "$RUN/raw/report.log" 2>&1 \
        || { tail -30 "$RUN/raw/report.log"; die "the report generator failed"; }
    [ -s "$RUN/report.md" ] || die "the report generator wrote no report.md"
    info "report: $RUN/report.md"
fi
$PY "$BENCH/python/measure.py" summary "$RUN"
echo "==> done in $(( $(date +%s) - T0 )) s: $RUN"
