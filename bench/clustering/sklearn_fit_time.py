"""Times scikit-learn's clustering fits on the digits (1,797 rows x 64 features, as float32), and writes the same rows
to /tmp/pgml-digits.x.f32 for pgml's side (ClusteringBenchmark in tests/Pgml.Engine.Tests).

Usage:
    OMP_NUM_THREADS=1 /usr/bin/python3 bench/clustering/sklearn_fit_time.py affinity_propagation
    PGML_CLUSTERING_BENCH=1 dotnet test tests/Pgml.Engine.Tests -c Release --filter "FullyQualifiedName~ClusteringBenchmark" \
        --logger "console;verbosity=detailed"

Prints wall and CPU seconds of fit, the cluster count and the silhouette on the training rows. OMP_NUM_THREADS=1
because pgml trains these single-threaded.
"""
import sys
import time

import numpy as np
from sklearn import cluster, datasets, metrics

ESTIMATORS = {
    "affinity_propagation": lambda: cluster.AffinityPropagation(random_state=0),
    "birch": lambda: cluster.Birch(n_clusters=10),
    "mean_shift": lambda: cluster.MeanShift(),
}

name = sys.argv[1]
X = datasets.load_digits().data.astype(np.float32)
X.tofile("/tmp/pgml-digits.x.f32")
X = X.astype(np.float64)
model = ESTIMATORS[name]()
t0, c0 = time.perf_counter(), time.process_time()
model.fit(X)
t1, c1 = time.perf_counter(), time.process_time()
labels = model.predict(X)
clusters = len(np.unique(labels))
silhouette = metrics.silhouette_score(X, labels) if clusters > 1 else float("nan")
print(f"scikit-learn {name}: {X.shape[0]} rows, train {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU, {clusters} clusters, "
      f"silhouette {silhouette:.4f}")
