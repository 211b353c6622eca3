#!/usr/bin/python3
"""The Python side's training, after the original train.py: pandas.read_csv, X = the 10 feature columns,
y = depdelayminutes, sklearn's train_test_split(test_size=0.25), XGBRegressor(n_estimators=25), r2 on the test rows,
save_model. Differences: tree_method="hist" (pgml's default; XGBoost 1.7's own default "auto" would choose "approx"
or "exact"), a fixed random_state (the seed) for the split, the model saved as XGBoost JSON, and measurements.

Prints one JSON line: seconds (the whole job: read_csv, split, fit, score, save, i.e. what pgml.train does too),
read_seconds, fit_seconds, r2, peak_rss_bytes (VmHWM of this process; ru_maxrss too), train_rows, test_rows.

Usage: train_python.py --csv flights.csv --out model_python.json --seed S
"""
import argparse
import json
import resource
import time

t0 = time.monotonic()
import pandas as pd  # noqa: E402  (imports are part of the job, as in the original script)
import xgboost as xgb  # noqa: E402
from sklearn.metrics import r2_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

FEATURES = ["year", "quarter", "month", "distance", "dayofweek", "dayofmonth", "flight_number_operating_airline",
            "originairportid", "destairportid", "tail_number"]


def vm_hwm_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    started = time.monotonic()
    df = pd.read_csv(args.csv)
    read_seconds = time.monotonic() - started
    X = df[FEATURES]
    y = df["depdelayminutes"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=args.seed)
    fit_started = time.monotonic()
    model = xgb.XGBRegressor(n_estimators=25, tree_method="hist")
    model.fit(X_train, y_train)
    fit_seconds = time.monotonic() - fit_started
    r2 = r2_score(y_test, model.predict(X_test))
    model.save_model(args.out)
    seconds = time.monotonic() - started

    print(json.dumps({
        "seconds": round(seconds, 3), "seconds_with_imports": round(time.monotonic() - t0, 3),
        "read_seconds": round(read_seconds, 3), "fit_seconds": round(fit_seconds, 3), "r2": float(r2),
        "peak_rss_bytes": vm_hwm_bytes(), "ru_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "train_rows": len(X_train), "test_rows": len(X_test), "xgboost": xgb.__version__,
        "params": {"n_estimators": 25, "tree_method": "hist", "n_jobs": model.get_params().get("n_jobs")}}))


if __name__ == "__main__":
    main()
