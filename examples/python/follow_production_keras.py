"""Loads NAME's production model in Keras 3 and predicts rows encoded with its stored preprocessing.

    python follow_production_keras.py titanic-app titanic.csv

model.keras takes the encoded features (numbers scaled, categories one-hot), in the order of the
model's `preprocessing.inputs`; this script encodes raw CSV rows the way the service does
(src/training/data/encoding.ts) from the preprocessing in the version's model view. Prints the
version and each row's probabilities as JSON, beside the API's /predict answer.
"""
import csv
import json
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras
import numpy as np

from treino_api import Follower, call

TRUE = {"true", "1", "yes", "y", "t"}


def encode(features, row):
    """One raw row as the model's inputs: numeric (x - offset) / divisor, booleans 0/1, one-hot categories."""
    out = []
    for f in features:
        v = row.get(f["name"])
        v = None if v is None or str(v).strip() == "" else str(v).strip()
        if f["kind"] == "numeric":
            x = float(v) if v is not None else f["fill"]
            out.append((np.float32(x) - f["offset"]) / f["divisor"])
        elif f["kind"] == "boolean":
            out.append(float(v.lower() in TRUE) if v is not None else f["fill"])
        elif f.get("asIndex"):
            raise SystemExit(f"{f['name']} feeds an embedding: use model.onnx, which encodes it for you")
        else:
            s = v if v is not None else f["fill"]
            out.extend(1.0 if c == s else 0.0 for c in f["categories"])
            if f["unknown"]:
                out.append(0.0 if s in f["categories"] else 1.0)
    return out


name, table = sys.argv[1:3]
rows = list(csv.DictReader(open(table, newline="")))[:5]
path, version, _ = Follower(f"/v1/registry/{name}/aliases/production/model.keras", tempfile.mkdtemp(prefix="treino-")).poll()
production = call("GET", f"/v1/registry/{name}/aliases/production")
prep = call("GET", f"/v1/models/{production['modelId']}")["preprocessing"]
if len(prep.get("groups", [])) > 1:
    raise SystemExit("this model has several inputs: use model.onnx")

model = keras.saving.load_model(path)
x = np.array([encode(prep["features"], r) for r in rows], dtype="float32")
probabilities = model.predict(x, verbose=0).tolist()
# A binary model with one sigmoid output gives the second label's probability.
probabilities = [[1 - p[0], p[0]] if len(p) == 1 else p for p in probabilities]
api = call("POST", f"/v1/registry/{name}/aliases/production/predict", {"rows": rows})["predictions"]
print(json.dumps({"version": version, "keras": probabilities, "api": [list(p["probabilities"].values()) for p in api]}))
