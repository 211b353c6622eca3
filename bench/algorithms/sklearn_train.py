#!/usr/bin/python3
"""scikit-learn's side of bench/algorithms/run.sh: the same rows, the same split, the same hyperparameters.

  sklearn_train.py prepare --csv algo_bench.csv --dir DATA
      Reads the rows exported by run.sh (COPY ... ORDER BY id, CSV: id, f1..f10, y_reg, y_cls, the reals written as
      float8 so they parse back exactly) and saves X (float32, n x 10), y_reg (float32), y_cls (int32) as .npy, so
      each fit loads its data without the CSV parser's transient memory. Prints one JSON line.

  sklearn_train.py fit --dir DATA --algorithm NAME --task TASK --hyperparams JSON [--limit N] [--test-size 0.25]
      In this fresh process: VmRSS after the imports (before loading data), loads the arrays, keeps the first
      --limit rows (the kernel SVM's 20k subsample), splits them as pgml's test_sampling 'last' does (the first
      n - round(n * test_size) rows train, the rest test; the rows are ordered by id and i.i.d., so this is a
      random split, and the same one pgml makes), fits the estimator that matches pgml's algorithm, and scores the
      test rows: r2 (regression), f1 macro (classification), silhouette on a 10,000-row seeded sample of the test
      rows (clustering), cumulative explained variance (decomposition). Prints one JSON line.

Peak memory: ru_maxrss (and VmHWM) of this process, which includes the loaded arrays; the delta is over the RSS
before loading. Only Debian's /usr/bin/python3 packages are used (numpy, pandas, scikit-learn, xgboost).
"""
import argparse
import json
import math
import os
import resource
import sys
import time
import warnings


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def estimator(algorithm, task, hp):
    """The scikit-learn (or xgboost) estimator PostgresML maps the algorithm and task to."""
    if algorithm == "lightgbm":
        return None, "lightgbm is not packaged for Debian's Python (no python3-lightgbm): pgml only"
    if algorithm in ("xgboost", "xgboost_random_forest"):
        import xgboost
        cls = {("xgboost", "regression"): xgboost.XGBRegressor,
               ("xgboost", "classification"): xgboost.XGBClassifier,
               ("xgboost_random_forest", "regression"): xgboost.XGBRFRegressor,
               ("xgboost_random_forest", "classification"): xgboost.XGBRFClassifier}.get((algorithm, task))
        return (cls(**hp), None) if cls else (None, f"{algorithm} has no {task}")
    from sklearn import cluster, decomposition, ensemble, gaussian_process, kernel_ridge, linear_model, neighbors, svm
    table = {
        ("linear", "regression"): linear_model.LinearRegression,
        ("linear", "classification"): linear_model.LogisticRegression,
        ("ridge", "regression"): linear_model.Ridge,
        ("ridge", "classification"): linear_model.RidgeClassifier,
        ("lasso", "regression"): linear_model.Lasso,
        ("elastic_net", "regression"): linear_model.ElasticNet,
        ("linear_svm", "regression"): svm.LinearSVR,
        ("linear_svm", "classification"): svm.LinearSVC,
        ("svm", "regression"): svm.SVR,
        ("svm", "classification"): svm.SVC,
        ("random_forest", "regression"): ensemble.RandomForestRegressor,
        ("random_forest", "classification"): ensemble.RandomForestClassifier,
        ("extra_trees", "regression"): ensemble.ExtraTreesRegressor,
        ("extra_trees", "classification"): ensemble.ExtraTreesClassifier,
        ("knn", "regression"): neighbors.KNeighborsRegressor,
        ("knn", "classification"): neighbors.KNeighborsClassifier,
        ("kmeans", "clustering"): cluster.KMeans,
        ("mini_batch_kmeans", "clustering"): cluster.MiniBatchKMeans,
        ("pca", "decomposition"): decomposition.PCA,
        ("bayesian_ridge", "regression"): linear_model.BayesianRidge,
        ("automatic_relevance_determination", "regression"): linear_model.ARDRegression,
        ("least_angle", "regression"): linear_model.Lars,
        ("lasso_least_angle", "regression"): linear_model.LassoLars,
        ("orthogonal_matching_pursuit", "regression"): linear_model.OrthogonalMatchingPursuit,
        ("huber", "regression"): linear_model.HuberRegressor,
        ("quantile", "regression"): linear_model.QuantileRegressor,
        ("stochastic_gradient_descent", "regression"): linear_model.SGDRegressor,
        ("stochastic_gradient_descent", "classification"): linear_model.SGDClassifier,
        ("passive_aggressive", "regression"): linear_model.PassiveAggressiveRegressor,
        ("passive_aggressive", "classification"): linear_model.PassiveAggressiveClassifier,
        ("perceptron", "classification"): linear_model.Perceptron,
        ("ransac", "regression"): linear_model.RANSACRegressor,
        ("theil_sen", "regression"): linear_model.TheilSenRegressor,
        ("kernel_ridge", "regression"): kernel_ridge.KernelRidge,
        ("gaussian_process", "regression"): gaussian_process.GaussianProcessRegressor,
        ("nu_svm", "regression"): svm.NuSVR,
        ("nu_svm", "classification"): svm.NuSVC,
        ("gradient_boosting_trees", "regression"): ensemble.GradientBoostingRegressor,
        ("gradient_boosting_trees", "classification"): ensemble.GradientBoostingClassifier,
        ("hist_gradient_boosting", "regression"): ensemble.HistGradientBoostingRegressor,
        ("hist_gradient_boosting", "classification"): ensemble.HistGradientBoostingClassifier,
        ("ada_boost", "regression"): ensemble.AdaBoostRegressor,
        ("ada_boost", "classification"): ensemble.AdaBoostClassifier,
        ("bagging", "regression"): ensemble.BaggingRegressor,
        ("bagging", "classification"): ensemble.BaggingClassifier,
    }
    cls = table.get((algorithm, task))
    return (cls(**hp), None) if cls else (None, f"no scikit-learn estimator for {algorithm} / {task}")


def prepare(args):
    import numpy as np
    import pandas as pd
    t = time.perf_counter()
    df = pd.read_csv(args.csv, header=None, dtype="float64")
    a = df.to_numpy()
    if a.shape[1] != 13:
        sys.exit(f"prepare: expected 13 columns (id, f1..f10, y_reg, y_cls), got {a.shape[1]}")
    if not (np.diff(a[:, 0]) > 0).all():
        sys.exit("prepare: rows are not ordered by id")
    os.makedirs(args.dir, exist_ok=True)
    np.save(os.path.join(args.dir, "X.npy"), np.ascontiguousarray(a[:, 1:11], dtype=np.float32))
    np.save(os.path.join(args.dir, "y_reg.npy"), a[:, 11].astype(np.float32))
    np.save(os.path.join(args.dir, "y_cls.npy"), a[:, 12].astype(np.int32))
    print(json.dumps({"rows": int(a.shape[0]), "seconds": round(time.perf_counter() - t, 3)}))


def fit(args):
    import numpy as np
    import sklearn
    from sklearn import metrics
    hp = json.loads(args.hyperparams)
    model, why = estimator(args.algorithm, args.task, hp)   # imports the library before the first RSS reading
    out = {"algorithm": args.algorithm, "task": args.task, "hyperparams": hp, "sklearn": sklearn.__version__,
           "cpus": os.cpu_count()}
    if model is None:
        out["skipped"] = why
        print(json.dumps(out))
        return
    if args.algorithm.startswith("xgboost"):
        import xgboost
        out["xgboost"] = xgboost.__version__
    out["estimator"] = type(model).__module__.split(".")[0] + "." + type(model).__name__
    rss_before = status_kb("VmRSS")

    t = time.perf_counter()
    X = np.load(os.path.join(args.dir, "X.npy"))
    y = None
    if args.task == "regression":
        y = np.load(os.path.join(args.dir, "y_reg.npy"))
    elif args.task == "classification":
        y = np.load(os.path.join(args.dir, "y_cls.npy"))
    if args.limit:
        X = X[:args.limit]
        y = y[:args.limit] if y is not None else None
    n = X.shape[0]
    test_rows = int(math.floor(n * args.test_size + 0.5))   # pgml: round(rows * test_size), midpoints away from zero
    train_rows = n - test_rows
    X_train, X_test = X[:train_rows], X[train_rows:]
    y_train, y_test = (y[:train_rows], y[train_rows:]) if y is not None else (None, None)
    load_seconds = time.perf_counter() - t
    rss_loaded = status_kb("VmRSS")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cpu = os.times()
        t = time.perf_counter()
        if y_train is None:
            model.fit(X_train)
        else:
            model.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - t
        cpu_seconds = sum(os.times()[:2]) - sum(cpu[:2])
        peak_after_fit = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # kB on Linux

        t = time.perf_counter()
        if args.task == "regression":
            metric, value = "r2", metrics.r2_score(y_test, model.predict(X_test))
        elif args.task == "classification":
            metric, value = "f1", metrics.f1_score(y_test, model.predict(X_test), average="macro")
        elif args.task == "clustering":
            labels = model.predict(X_test)
            metric = "silhouette"
            value = (metrics.silhouette_score(X_test, labels, sample_size=min(10_000, len(X_test)), random_state=0)
                     if len(set(labels.tolist())) > 1 else float("nan"))
        else:
            metric, value = "cumulative_explained_variance", float(np.sum(model.explained_variance_ratio_))
        score_seconds = time.perf_counter() - t
    out.update({
        "train_rows": train_rows, "test_rows": test_rows,
        "load_seconds": round(load_seconds, 4), "fit_seconds": round(fit_seconds, 4),
        "fit_cpu_seconds": round(cpu_seconds, 3),
        "score_seconds": round(score_seconds, 4),
        "rss_before_kb": rss_before, "rss_loaded_kb": rss_loaded,
        "peak_rss_fit_kb": peak_after_fit,                       # peak through the fit (data loaded included)
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,   # through scoring too
        "vm_hwm_kb": status_kb("VmHWM"),
        "metric": metric, "value": None if value != value else float(value),
        "warnings": sorted({f"{w.category.__name__}: {str(w.message).splitlines()[0][:160]}" for w in caught}),
    })
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--csv", required=True)
    p.add_argument("--dir", required=True)
    f = sub.add_parser("fit")
    f.add_argument("--dir", required=True)
    f.add_argument("--algorithm", required=True)
    f.add_argument("--task", required=True, choices=["regression", "classification", "clustering", "decomposition"])
    f.add_argument("--hyperparams", default="{}")
    f.add_argument("--limit", type=int, default=0)
    f.add_argument("--test-size", type=float, default=0.25)
    args = ap.parse_args()
    prepare(args) if args.cmd == "prepare" else fit(args)


if __name__ == "__main__":
    main()
