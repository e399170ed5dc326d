"""python3-xgboost's xgb.train on the same float32 matrix and parameters as Treino's xgboost family,
timed as Treino times its fit (DMatrix construction + rounds with evaluation), for bench/xgboost.ts
and the family's parity test.

stdin: {"train": {"x": path, "y": path, "rows": n}, "valid": {...} | null, "test": {"x": path, "rows": n},
        "cols": d, "params": [[name, value], ...], "rounds": r, "threads": t, "out": path}
stdout: {"fitSeconds": s, "predictSeconds": s, "version": "1.7.4"}; the test predictions go to `out` as float32.
"""
import json, sys, time
import numpy as np
import xgboost as xgb

spec = json.load(sys.stdin)
d = spec["cols"]

def matrix(part, label=True):
    x = np.fromfile(part["x"], dtype=np.float32).reshape(part["rows"], d)
    y = np.fromfile(part["y"], dtype=np.float32) if label else None
    return xgb.DMatrix(x, label=y, missing=np.nan, nthread=spec["threads"])

t0 = time.perf_counter()
dtrain = matrix(spec["train"])
evals = [(dtrain, "train")]
if spec.get("valid"):
    evals.append((matrix(spec["valid"]), "val"))
booster = xgb.train(spec["params"], dtrain, num_boost_round=spec["rounds"], evals=evals, verbose_eval=False)
t1 = time.perf_counter()
pred = booster.predict(matrix(spec["test"], label=False), strict_shape=True)
t2 = time.perf_counter()
pred.astype(np.float32).tofile(spec["out"])
print(json.dumps({"fitSeconds": t1 - t0, "predictSeconds": t2 - t1, "version": xgb.__version__}))
