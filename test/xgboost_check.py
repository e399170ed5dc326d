"""Loads a Treino model.ubj in python3-xgboost, encodes raw rows with the preprocessing stored in
the booster's attributes (as Treino's encodeRow does), and prints the booster's outputs as JSON.

stdin: {"model": path, "rows": [{column: value}]}
stdout: {"predictions": [[...]], "contributions": [[[...]]], "labels": [...], "version": "1.7.4"}
"""
import json, math, sys
import numpy as np
import xgboost as xgb

spec = json.load(sys.stdin)
booster = xgb.Booster()
booster.load_model(spec["model"])
prep = json.loads(booster.attr("preprocessing"))
labels = json.loads(booster.attr("labels"))

TRUE = {"true", "1", "yes", "y", "t"}

def missing(v):
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))

def encode(row):
    out = []
    for f in prep["features"]:
        v = row.get(f["name"])
        if f["kind"] == "numeric":
            x = f["fill"] if missing(v) else float(v)
            # float32 first, then scaled in float64, as Treino's encodeValue does
            out.append((float(np.float32(x)) - f["offset"]) / f["divisor"])
        elif f["kind"] == "boolean":
            out.append(f["fill"] if missing(v) else (1.0 if str(v).lower() in TRUE else 0.0))
        else:
            s = f["fill"] if missing(v) else str(v)
            if f.get("asIndex"):
                out.append(f["categories"].index(s) if s in f["categories"] else len(f["categories"]))
                continue
            out.extend(1.0 if c == s else 0.0 for c in f["categories"])
            if f["unknown"]:
                out.append(0.0 if s in f["categories"] else 1.0)
    return out

x = np.array([encode(r) for r in spec["rows"]], dtype=np.float32)
d = xgb.DMatrix(x, missing=np.nan)
pred = booster.predict(d, strict_shape=True)
contribs = booster.predict(d, pred_contribs=True, strict_shape=True)
print(json.dumps({"predictions": pred.tolist(), "contributions": contribs.tolist(), "labels": labels, "version": xgb.__version__}))
