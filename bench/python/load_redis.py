#!/usr/bin/python3
"""Loads the flights into Redis, the Python service's feature store, by the original benchmark's method
(load_redis.py in PostgresML's python_microservices_vs_postgresml): pandas.read_csv, DataFrame.iterrows,
key = json.dumps([originairportid, year, month, dayofmonth]), value = json.dumps([the 10 features]),
pipeline.lpush(key, value), pipeline.execute() every 10,000 rows, one Python process.

Differences from the original: it loads every row (the original loaded flights_sub.csv, a subset, because one Python
process took hours for all 28M rows while COPY took about a minute), it takes the CSV and Redis address as arguments,
and it prints progress every 10% instead of "Loaded 10k rows" at every execute. It prints one JSON line:
{"seconds": total wall time including read_csv, "read_csv_seconds": ..., "rows": rows pushed,
 "redis_rows": the sum of LLEN over all keys afterwards, "keys": DBSIZE}.

Usage: load_redis.py --csv flights.csv --host 127.0.0.1 --port 6379
"""
import argparse
import json
import sys
import time

import pandas as pd
import redis

FEATURES = ["year", "quarter", "month", "distance", "dayofweek", "dayofmonth", "flight_number_operating_airline",
            "originairportid", "destairportid", "tail_number"]
KEY = ["originairportid", "year", "month", "dayofmonth"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=6379)
    args = ap.parse_args()

    started = time.monotonic()
    r = redis.Redis(host=args.host, port=args.port, db=0)
    df = pd.read_csv(args.csv)
    read_csv_seconds = time.monotonic() - started
    total = len(df)
    step = max(10000, (total // 10) // 10000 * 10000)

    pipeline = r.pipeline()
    i = 0
    for row in df.iterrows():
        key = json.dumps(row[1][KEY].tolist())
        value = json.dumps(row[1][FEATURES].tolist())
        pipeline.lpush(key, value)
        if i % 10000 == 0:
            pipeline.execute()
            if i and i % step == 0:
                print(f"    redis: {i:,} of {total:,} rows ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)
        i += 1
    pipeline.execute()
    seconds = time.monotonic() - started

    # Count what is there (not timed): the sum of the lists' lengths.
    redis_rows = r.eval("local n = 0 for _, k in ipairs(redis.call('keys', '*')) do n = n + redis.call('llen', k) end return n", 0)
    print(json.dumps({"seconds": round(seconds, 3), "read_csv_seconds": round(read_csv_seconds, 3), "rows": i,
                      "redis_rows": int(redis_rows), "keys": int(r.dbsize())}))


if __name__ == "__main__":
    main()
