"""Loads Treino exports in the real runtimes and prints their predictions as JSON.

stdin: {"keras": path | null, "keras_inputs": [[rows of group 0], ...], "onnx": path | null, "onnx_rows": [{column: value}], "onnx_types": {column: "float" | "string"}}
stdout: {"keras": [[...]], "onnx": [[...]], "versions": {...}}
"""
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import numpy as np

spec = json.load(sys.stdin)
out = {"versions": {}}
if spec.get("keras"):
    import keras
    model = keras.saving.load_model(spec["keras"])
    inputs = [np.array(group, dtype="float32") for group in spec["keras_inputs"]]
    out["keras"] = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0).tolist()
    out["versions"]["keras"] = keras.__version__
if spec.get("onnx"):
    import onnx, onnxruntime as ort
    onnx.checker.check_model(onnx.load(spec["onnx"]), full_check=True)
    session = ort.InferenceSession(spec["onnx"], providers=["CPUExecutionProvider"])
    feeds = {}
    for name, kind in spec["onnx_types"].items():
        values = [row.get(name) for row in spec["onnx_rows"]]
        if kind == "string":
            feeds[name] = np.array([["" if v is None else str(v)] for v in values], dtype=object)
        else:
            feeds[name] = np.array([[np.nan if v is None or v == "" else float(v)] for v in values], dtype=np.float32)
    out["onnx"] = session.run(None, feeds)[0].tolist()
    out["versions"]["onnxruntime"] = ort.__version__
print(json.dumps(out))
