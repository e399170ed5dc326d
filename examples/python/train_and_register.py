"""Trains a model through the API, registers it, and promotes `production` only if it is as good.

    python train_and_register.py titanic.csv survived titanic-app

Uploads the CSV, trains a small MLP (early stopping), registers the model as the next version of
NAME and moves `production` to it with the guard `ifMetricAtLeast` (the API refuses the move with a
409 naming both numbers when the new version's test accuracy is below production's). Prints the
stable URLs an app loads from; they follow production from then on.
"""
import json
import sys

from treino_api import ApiError, call, ensure_registered_model, upload, wait_for_job

csv, target, name = sys.argv[1:4]
ignore = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[4] else []

dataset = upload(csv)
job = call("POST", "/v1/jobs", {
    "datasetId": dataset["id"],
    "target": target,
    "ignore": ignore,
    "model": {"type": "sequential", "layers": [{"type": "dense", "units": 16, "activation": "relu"}]},
    "training": {
        "epochs": 60,
        "batchSize": 32,
        "optimizer": {"type": "adam", "learningRate": 0.01},
        "earlyStopping": {"monitor": "val_loss", "patience": 8, "restoreBestWeights": True},
    },
})
job = wait_for_job(job["id"])
accuracy = job["metrics"]["test"]["accuracy"]
print(f"trained: job {job['id']}, test accuracy {accuracy:.4f}")

ensure_registered_model(name, f"{target} from {dataset['name']}")
version = call("POST", f"/v1/registry/{name}/versions", {"modelId": job["modelId"], "note": f"test accuracy {accuracy:.4f}"})
print(f"registered: {name} v{version['version']}")
try:
    moved = call("PUT", f"/v1/registry/{name}/aliases/production",
                 {"version": version["version"], "ifMetricAtLeast": {"metric": "accuracy", "of": "production"}})
    print(f"production: {moved['previous'] or 'new'} -> v{moved['version']} ({moved['guard']['why']})")
except ApiError as err:
    if err.status != 409:
        raise
    print(f"production stays: {err.problem['detail']}")
print(json.dumps({"version": version["version"], "urls": version["urls"]}))
