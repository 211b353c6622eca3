"""The Python microservice of PostgresML's benchmark (predict.py in python_microservices_vs_postgresml), unchanged
in what it does per request: POST / with a JSON key such as [14869, 2021, 1, 22]; key = json.dumps(body);
LRANGE key 0 1 from Redis; json.loads the first element (the 10 features); XGBRegressor.predict on that one row;
jsonify the prediction.

Differences: the model file and the Redis address come from the environment (PGML_BENCH_MODEL, PGML_BENCH_REDIS =
host:port) instead of "model.bin" and localhost:6379; the harness serves pgml's own stored model (estimator.json,
XGBoost's JSON format), so all three systems serve the very same trees.

Run: OMP_NUM_THREADS=2 gunicorn predict:app --workers 5 --threads 2 --bind 127.0.0.1:PORT
"""
import json
import os

import xgboost as xgb
from flask import Flask, jsonify, request
from redis import Redis

app = Flask(__name__)

model = xgb.XGBRegressor()
model.load_model(os.environ["PGML_BENCH_MODEL"])

_host, _port = os.environ.get("PGML_BENCH_REDIS", "localhost:6379").rsplit(":", 1)
redis = Redis(host=_host, port=int(_port), db=0)


@app.route("/", methods=["POST"])
def api():
    body = request.json
    key = json.dumps(body)

    # This simulates single prediction.
    # Fetching one element is O(1)
    value = redis.lrange(key, 0, 1)[0]
    value = json.loads(value)
    y_hat = model.predict([value])

    return jsonify(y_hat[0].tolist())


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000)
