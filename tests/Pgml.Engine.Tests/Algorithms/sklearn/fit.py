"""Trains one scikit-learn estimator for pgml's engine tests and prints what the test asks for, as JSON.

Input (stdin, JSON): {"estimator": "sklearn.linear_model.Ridge", "params": {...}, "X_train": [[...]], "y_train": [...]
(absent for unsupervised), "X_test": [[...]], "outputs": ["coef_", "intercept_", "predict", "predict_proba", ...]}.
Each output is an attribute of the fitted estimator, or a method called on X_test (predict, predict_proba,
decision_function, transform), or "silhouette" (silhouette_score of X_test with its predicted clusters).
Run with Debian's /usr/bin/python3 (python3-sklearn 1.2).
"""
import importlib
import json
import sys

import numpy as np


def main():
    request = json.load(sys.stdin)
    module, name = request["estimator"].rsplit(".", 1)
    estimator = getattr(importlib.import_module(module), name)(**request.get("params", {}))
    X_train = np.asarray(request["X_train"], dtype=np.float64)
    if "y_train" in request:
        estimator.fit(X_train, np.asarray(request["y_train"], dtype=np.float64))
    else:
        estimator.fit(X_train)
    X_test = np.asarray(request.get("X_test", request["X_train"]), dtype=np.float64)
    result = {}
    for output in request["outputs"]:
        if output == "silhouette":
            from sklearn.metrics import silhouette_score
            value = silhouette_score(X_test, estimator.predict(X_test))
        elif output == "estimate_bandwidth":
            from sklearn.cluster import estimate_bandwidth
            value = estimate_bandwidth(X_train)
        elif output in ("predict", "predict_proba", "decision_function", "transform"):
            value = getattr(estimator, output)(X_test)
        else:
            value = getattr(estimator, output)
        result[output] = np.asarray(value, dtype=np.float64).tolist()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
