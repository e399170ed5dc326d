"""Loads NAME's production model as ONNX (preprocessing included) and predicts raw rows with onnxruntime.

    python follow_production_onnx.py titanic-app titanic.csv

Downloads /v1/registry/NAME/aliases/production/model.onnx, sending the ETag it has (a 304 costs no
download while production has not moved), and predicts the CSV's first rows from their raw columns.
Prints the version it used and each row's class probabilities as JSON, beside the API's own
/predict answer for the same rows, which must agree.
"""
import csv
import json
import sys
import tempfile

import numpy as np
import onnxruntime as ort

from treino_api import Follower, call

TRUE = {"true", "1", "yes", "y", "t"}


def number(v):
    """A float input's value: a number, a boolean as 0/1, NaN when missing (the model fills it)."""
    if v in ("", None):
        return np.nan
    try:
        return float(v)
    except ValueError:
        return float(v.strip().lower() in TRUE)


name, table = sys.argv[1:3]
rows = list(csv.DictReader(open(table, newline="")))[:5]

follower = Follower(f"/v1/registry/{name}/aliases/production/model.onnx", tempfile.mkdtemp(prefix="treino-"))
path, version, _ = follower.poll()
_, _, changed = follower.poll()  # nothing moved: a 304, the file on disk is current

session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
feeds = {}
for i in session.get_inputs():
    values = [row.get(i.name, "") for row in rows]
    if i.type == "tensor(string)":
        feeds[i.name] = np.array([[v] for v in values], dtype=object)
    else:
        feeds[i.name] = np.array([[number(v)] for v in values], dtype=np.float32)
probabilities = session.run(None, feeds)[0].tolist()

api = call("POST", f"/v1/registry/{name}/aliases/production/predict", {"rows": rows})["predictions"]
print(json.dumps({"version": version, "downloadedAgain": changed, "onnx": probabilities,
                  "api": [list(p["probabilities"].values()) for p in api]}))
