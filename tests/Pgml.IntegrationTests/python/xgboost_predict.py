# Loads a model file with XGBoost itself (Debian's python3-xgboost) and prints its predictions, one per line,
# as float32 hex bits so the comparison is exact. Usage: xgboost_predict.py MODEL FEATURES.csv (NaN = missing)
import sys

import numpy as np
import xgboost as xgb

booster = xgb.Booster(model_file=sys.argv[1])
rows = np.loadtxt(sys.argv[2], delimiter=",", dtype=np.float32, ndmin=2)
predictions = booster.predict(xgb.DMatrix(rows, missing=np.nan)).astype(np.float32)
for p in predictions.reshape(len(rows), -1):
    print(" ".join(format(int(v), "08x") for v in p.view(np.uint32)))
