"""Times one scikit-learn fit on the rows BoostingScaleBenchmark wrote, for pgml's training-time comparison.

Usage (after `PGML_BOOSTING_BENCH=1 dotnet test tests/Pgml.Engine.Tests -c Release --filter
"FullyQualifiedName~BoostingScaleBenchmark&DisplayName~<algorithm>"` has written /tmp/pgml-bench-<rows>.x.f32 and
/tmp/pgml-bench-<rows>-<Task>.y.f32):

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/ensembles/sklearn_fit_time.py sklearn.ensemble.HistGradientBoostingRegressor 1000000 Regression

Prints wall and CPU seconds of fit, the process's peak RSS and the training-rows score (r2 or accuracy), which the
pgml benchmark prints for its own model. OMP_NUM_THREADS=1 because pgml trains these single-threaded.
"""
import importlib
import resource
import sys
import time

import numpy as np

estimator, rows, task = sys.argv[1], int(sys.argv[2]), sys.argv[3]
X = np.fromfile(f"/tmp/pgml-bench-{rows}.x.f32", dtype=np.float32).reshape(rows, 10)
y = np.fromfile(f"/tmp/pgml-bench-{rows}-{task}.y.f32", dtype=np.float32).astype(np.float64)
module, name = estimator.rsplit(".", 1)
cls = getattr(importlib.import_module(module), name)
model = cls(random_state=0) if "random_state" in cls().get_params() else cls()
t0, c0 = time.perf_counter(), time.process_time()
model.fit(X, y)
t1, c1 = time.perf_counter(), time.process_time()
score = model.score(X, y)
size = model.n_iter_ if hasattr(model, "n_iter_") else len(getattr(model, "estimators_", []))
print(f"{name} {rows} rows ({size} iterations or estimators): train {t1 - t0:.1f} s wall, {c1 - c0:.1f} s CPU, "
      f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} kB, training {'r2' if task == 'Regression' else 'accuracy'} {score:.4f}")
