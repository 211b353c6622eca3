#!/usr/bin/python3
"""Before measuring: pgml, the Python service and the C# service must give the same prediction for the same flight.

All three serve the very same model (pgml's deployed model; both services load its estimator.json exported from
pgml.files). For each key (the benchmark's keys plus a few sampled from the CSV), the flight is the row the
services use: the first element of LRANGE key 0 1 in Redis. Then:

* reference: Debian's Python XGBoost loads model.json and predicts that row (float32);
* pgml: the benchmark query's shape, on that exact row:
    SELECT pgml.predict('r2', ARRAY[<10 columns>]) FROM flights_delay_mat
    WHERE originairportid = .. AND year = .. AND month = .. AND dayofmonth = .. AND ARRAY[<10 columns>] = ARRAY[row]
  and pgml.predict on the literal row (the two must be equal);
* python and csharp: POST / with the key as JSON, as ab does.

Every value must equal the reference within float32 rounding (|a - ref| <= 1e-6 * max(1, |ref|)); all are float32
values printed exactly, so in practice they are equal. Writes a JSON list of {"system", "key", "prediction",
"xgboost_reference", "agrees"} and exits 1 on any disagreement or any system that does not answer.

Usage: agreement.py --meta meta.json --csv flights.csv --redis HOST:PORT --model model.json
                    --python-url URL --csharp-url URL --out agreement.json [--sample 8]
"""
import argparse
import csv
import json
import random
import subprocess
import sys
import urllib.request

import numpy as np
import redis
import xgboost as xgb

COLS = ["year", "quarter", "month", "distance", "dayofweek", "dayofmonth", "flight_number_operating_airline",
        "originairportid", "destairportid", "tail_number"]


def post(url, key):
    req = urllib.request.Request(url, data=json.dumps(key).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return float(json.loads(r.read()))


def psql(sql):
    out = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", "pgml_bench", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--meta", required=True)
    ap.add_argument("--csv", required=True)
    ap.add_argument("--redis", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--python-url", required=True)
    ap.add_argument("--csharp-url", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sample", type=int, default=8)
    args = ap.parse_args()

    meta = json.load(open(args.meta))
    keys = [meta["pgbench_key"]]
    if meta["ab_key"] != meta["pgbench_key"]:
        keys.append(meta["ab_key"])
    rng = random.Random(meta["seed"])
    sample = []   # reservoir sampling: the CSV may have millions of rows
    with open(args.csv) as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i < args.sample:
                sample.append(row)
            elif (j := rng.randrange(i + 1)) < args.sample:
                sample[j] = row
    for row in sample:
        k = [int(row["originairportid"]), int(row["year"]), int(row["month"]), int(row["dayofmonth"])]
        if k not in keys:
            keys.append(k)

    host, port = args.redis.rsplit(":", 1)
    r = redis.Redis(host=host, port=int(port), db=0)
    booster = xgb.Booster()
    booster.load_model(args.model)

    results, failures = [], []
    for key in keys:
        stored = r.lrange(json.dumps(key), 0, 1)
        if not stored:
            failures.append(f"key {key}: not in Redis")
            continue
        features = json.loads(stored[0])
        ref = float(booster.predict(xgb.DMatrix(np.array([features], dtype=np.float32)))[0])

        arr = "ARRAY[" + ", ".join(str(v) for v in features) + "]::real[]"
        cols = "ARRAY[" + ", ".join(COLS) + "]"
        where = (f"originairportid = {key[0]} AND year = {key[1]} AND month = {key[2]} AND dayofmonth = {key[3]}")
        out = psql(f"SELECT pgml.predict('r2', {cols}) FROM flights_delay_mat WHERE {where} AND {cols} = {arr} LIMIT 1;"
                   f"SELECT pgml.predict('r2', {arr});").split("\n")
        values = {}
        if len(out) == 2 and out[0] and out[1]:
            values["pgml"] = float(out[0])
            if float(out[1]) != float(out[0]):
                failures.append(f"key {key}: pgml.predict on the table row {out[0]} != on the literal row {out[1]}")
        else:
            failures.append(f"key {key}: pgml gave {out!r} (the row is not in PostgreSQL?)")
        for system, url in (("python", args.python_url), ("csharp", args.csharp_url)):
            try:
                values[system] = post(url, key)
            except Exception as e:  # noqa: BLE001 - any failure to answer is reported
                failures.append(f"key {key}: {system} did not answer: {e}")
        for system, value in values.items():
            agrees = abs(value - ref) <= 1e-6 * max(1.0, abs(ref))
            if not agrees:
                failures.append(f"key {key}: {system} predicts {value!r}, XGBoost predicts {ref!r}")
            results.append({"system": system, "key": key, "prediction": value, "xgboost_reference": ref,
                            "agrees": agrees})

    json.dump(results, open(args.out, "w"), indent=1)
    systems = sorted({x["system"] for x in results})
    print(f"    {len(keys)} keys x {len(systems)} systems ({', '.join(systems)}): "
          f"{sum(x['agrees'] for x in results)} of {len(results)} predictions equal XGBoost's own "
          f"(e.g. key {keys[0]}: " + ", ".join(f"{x['system']} {x['prediction']!r}" for x in results if x['key'] == keys[0]) + ")")
    if failures or len(systems) < 3:
        for f in failures:
            print("    DISAGREEMENT/FAILURE: " + f, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
