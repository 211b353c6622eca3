#!/usr/bin/env bash
# Checks Pgml.Bench.Service end to end against Python (Debian's python3-xgboost, python3-redis):
#   1. PythonJson against Python's own repr(float) and json.dumps, on random values and documents;
#   2. a throwaway Redis on a spare port, keys and values stored the way the loader stores them (json.dumps), an
#      XGBRegressor trained and saved as XGBoost JSON, the service started on another spare port;
#   3. every key POSTed: the answer must be byte for byte what Flask's jsonify(model.predict([value])[0].tolist())
#      gives (repr and a newline), also from 8 concurrent connections; a missing key gives 404, a bad body 400, a
#      key with floats finds its own entry;
#   4. ab -k (the original's client): no failed request, every request kept alive.
# Both servers are stopped by pid. Usage: bench/Pgml.Bench.Service/check.sh [NTHREAD]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
nthread=${1:-2}
py=/usr/bin/python3

tmp=$(mktemp -d)
redis_pid=
service_pid=
cleanup() {
    [[ -n $service_pid ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
    [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

spare_port() { $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "==> building"
dotnet build -c Release "$here" -nologo -v:q -clp:ErrorsOnly >/dev/null
service="$here/bin/Release/net10.0/Pgml.Bench.Service"

echo "==> PythonJson against Python's repr and json.dumps"
$py - "$tmp" <<'EOF'
import json, random, struct, sys
tmp = sys.argv[1]
rnd = random.Random(7)
values = [0.0, -0.0, 1.0, -1.0, 0.1, 1e16, 1e15, 1234567890123456.0, 12345678901234567.0, 1e-4, 1e-5, 1.5e-7, 1e22,
          5e-324, 1.7976931348623157e308, 2.5, 100.0, 3.4000000953674316, 0.3333333333333333, 123456.789]
for _ in range(20000):
    kind = rnd.random()
    if kind < 0.4:
        values.append(struct.unpack('<d', struct.pack('<Q', rnd.getrandbits(64)))[0])
    elif kind < 0.7:
        values.append(float(struct.unpack('<f', struct.pack('<I', rnd.getrandbits(32)))[0]))  # float32 widened, as predictions are
    else:
        values.append(rnd.uniform(-1, 1) * 10 ** rnd.randint(-8, 20))
values = [v for v in values if v == v and abs(v) != float('inf')]
docs = [[14869, 2021, 1, 22], [14869.0, 2021.0, 1.0, 22.0], [-0, -0.0, 1e5, 1E-7, 12345678901234567890123],
        {"b": [1, {"c": None}], "a": "x\u00e9\U0001F600\"\\\n\t\x01\x7f~ "}, [], {}, [True, False, None], "s"]
for _ in range(2000):
    docs.append([rnd.choice([rnd.randint(-10**6, 10**6), rnd.uniform(-1e6, 1e6), rnd.randint(0, 40000) * 1.0]) for _ in range(rnd.randint(0, 6))])
with open(f"{tmp}/in.txt", "w") as f, open(f"{tmp}/expected.txt", "w") as g:
    for v in values:
        f.write("repr %016x\n" % struct.unpack('<Q', struct.pack('<d', v))[0]); g.write(repr(v) + "\n")
    for d in docs:
        # the service parses what the client sent: compact JSON, and the same documents pretty-printed
        for text in (json.dumps(d, separators=(",", ":")), json.dumps(d, ensure_ascii=False, indent=None)):
            f.write("dumps " + text + "\n"); g.write(json.dumps(json.loads(text)) + "\n")
EOF
"$service" --check-python-json <"$tmp/in.txt" >"$tmp/got.txt"
if ! cmp -s "$tmp/got.txt" "$tmp/expected.txt"; then
    diff "$tmp/expected.txt" "$tmp/got.txt" | head -20
    echo "FAIL: PythonJson differs from Python"; exit 1
fi
echo "    $(wc -l <"$tmp/in.txt") lines identical"

echo "==> a throwaway Redis, a model, keys stored with json.dumps"
redis_port=$(spare_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$tmp/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

$py - "$tmp" "$redis_port" <<'EOF'
import json, sys
import numpy as np, redis, xgboost as xgb
tmp, port = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(3)
n = 4000
# the flights columns: year, quarter, month, distance, dayofweek, dayofmonth, flight_number, origin, dest, tail_number
year = rng.integers(2018, 2023, n); month = rng.integers(1, 13, n); dom = rng.integers(1, 29, n)
X = np.column_stack([year, (month - 1) // 3 + 1, month, rng.integers(50, 3000, n), rng.integers(1, 8, n), dom,
                     rng.integers(1, 7000, n), rng.integers(10000, 16000, n), rng.integers(10000, 16000, n),
                     rng.integers(0, 9000, n)]).astype(float)
X[rng.random(X.shape) < 0.05] = np.nan   # some missing values; json.dumps writes them as NaN
y = np.nan_to_num(X[:, 3]) / 100 + np.nan_to_num(X[:, 4]) * 3 + rng.normal(0, 5, n)
model = xgb.XGBRegressor(n_estimators=25, tree_method="hist")
model.fit(X, y)
model.save_model(f"{tmp}/model.json")
model = xgb.XGBRegressor(); model.load_model(f"{tmp}/model.json")   # as predict.py does
r = redis.Redis(host="127.0.0.1", port=port, db=0)
cases = []
for i in range(300):
    key = [int(X[i, 7]) if X[i, 7] == X[i, 7] else 0, int(year[i]), int(month[i]), int(dom[i]) + 100 * i]
    value = X[i].tolist()
    r.lpush(json.dumps(key), json.dumps(value))
    expected = json.dumps(model.predict([value])[0].tolist()) + "\n"   # Flask's jsonify: json.dumps and a newline
    cases.append((json.dumps(key, separators=(",", ":")), expected))
# a key stored with floats is a different key from the same numbers as ints, as in Python
r.lpush(json.dumps([1.0, 2.0, 3.0, 4.0]), json.dumps([7.5] * 10))
cases.append(("[1.0,2.0,3.0,4.0]", json.dumps(model.predict([[7.5] * 10])[0].tolist()) + "\n"))
json.dump(cases, open(f"{tmp}/cases.json", "w"))
print(f"    {len(cases)} keys, model with {model.get_booster().num_features()} features")
EOF

echo "==> the service (nthread $nthread)"
service_port=$(spare_port)
"$service" --urls "http://127.0.0.1:$service_port" --redis "127.0.0.1:$redis_port" --model "$tmp/model.json" \
    --nthread "$nthread" >"$tmp/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 100); do grep -q ready "$tmp/service.log" && break; sleep 0.1; done
cat "$tmp/service.log"

$py - "$tmp" "$service_port" <<'EOF'
import http.client, json, sys
tmp, port = sys.argv[1], int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port)
def post(body):
    conn.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    return resp.status, resp.getheader("Content-Type"), resp.read().decode()
bad = 0
cases = json.load(open(f"{tmp}/cases.json"))
for body, expected in cases:
    status, ctype, text = post(body)
    if status != 200 or text != expected or not ctype.startswith("application/json"):
        bad += 1
        if bad <= 5: print(f"    {body}: got {status} {text!r}, expected {expected!r}")
print(f"    {len(cases) - bad} of {len(cases)} predictions identical to Flask's answer")
# the same keys from 8 concurrent connections (one booster serves every thread), three times each, shuffled
import random, threading
from concurrent.futures import ThreadPoolExecutor
local = threading.local()
def post_new(body):
    if not hasattr(local, "c"):
        local.c = http.client.HTTPConnection("127.0.0.1", port)
    local.c.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
    r = local.c.getresponse()
    return r.status, r.read().decode()
work = cases * 3
random.Random(5).shuffle(work)
with ThreadPoolExecutor(max_workers=8) as pool:
    answers = list(pool.map(lambda c: post_new(c[0]), work))
wrong = sum(1 for (body, expected), (status, text) in zip(work, answers) if status != 200 or text != expected)
print(f"    {len(work) - wrong} of {len(work)} concurrent answers identical (8 connections)")
bad += wrong
for body, want in [("[1,2,3,5]", 404), ("[1, 2, 3, 4]", 404), ("[1,2,3,", 400), ("", 400), ("not json", 400)]:
    status, _, text = post(body)
    print(f"    {body!r:16} -> {status} {text.strip()}")
    bad += status != want
sys.exit(1 if bad else 0)
EOF

echo "==> ab -k (the original's client)"
first=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))[0][0])' "$tmp/cases.json")
printf '%s' "$first" >"$tmp/ab.txt"
ab -n 5000 -c 4 -k -T application/json -p "$tmp/ab.txt" "http://127.0.0.1:$service_port/" >"$tmp/ab.out" 2>&1
grep -E 'Complete requests|Failed requests|Non-2xx|Keep-Alive requests|Requests per second|Time per request.*mean\)' "$tmp/ab.out" | sed 's/^/    /'
grep -q 'Failed requests:        0' "$tmp/ab.out" && ! grep -q Non-2xx "$tmp/ab.out" && grep -q 'Keep-Alive requests:    5000' "$tmp/ab.out" \
    || { echo "FAIL: ab saw failures or closed connections"; exit 1; }
echo "    RSS of the service: $(awk '/VmRSS/ {print $2, $3}' /proc/$service_pid/status)"
echo "OK"
