"""A small client of the Treino API on the standard library alone (urllib), for the examples here.

TREINO_URL (default http://localhost:3000) and TREINO_API_KEY are read from the environment.
"""
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ.get("TREINO_URL", "http://localhost:3000").rstrip("/")
KEY = os.environ.get("TREINO_API_KEY")


class ApiError(Exception):
    """An error answer of the API: its status and problem+json detail."""

    def __init__(self, status, problem):
        self.status, self.problem = status, problem
        super().__init__(f"{status}: {problem.get('detail', problem)}")


def request(method, path, body=None, headers=None, raw=False):
    """Calls the API; returns (status, headers, parsed JSON or bytes). 304 is an answer, not an error."""
    data, hdrs = None, dict(headers or {})
    if KEY:
        hdrs["authorization"] = f"Bearer {KEY}"
    if isinstance(body, (bytes, bytearray)):
        data = bytes(body)
    elif body is not None:
        data, hdrs["content-type"] = json.dumps(body).encode(), "application/json"
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            payload = res.read()
            return res.status, res.headers, payload if raw else (json.loads(payload) if payload else None)
    except urllib.error.HTTPError as err:
        if err.code == 304:
            return 304, err.headers, None
        payload = err.read()
        try:
            problem = json.loads(payload)
        except ValueError:
            problem = {"detail": payload.decode(errors="replace")}
        raise ApiError(err.code, problem) from None


def call(method, path, body=None):
    return request(method, path, body)[2]


def upload(path, name=None, content_type="text/csv"):
    with open(path, "rb") as f:
        query = urllib.parse.urlencode({"name": name or os.path.basename(path)})
        return request("POST", f"/v1/datasets?{query}", f.read(), {"content-type": content_type})[2]


def wait_for_job(job_id, every=1.0, timeout=600):
    """Polls a job until it ends; raises when it did not succeed."""
    deadline = time.time() + timeout
    while True:
        job = call("GET", f"/v1/jobs/{job_id}")
        if job["status"] in ("succeeded", "failed", "cancelled"):
            if job["status"] != "succeeded":
                raise RuntimeError(f"job {job_id} {job['status']}: {job.get('error')}")
            return job
        if time.time() > deadline:
            raise TimeoutError(f"job {job_id} still {job['status']}")
        time.sleep(every)


def ensure_registered_model(name, description=None):
    """Creates the registered model, or finds it when it exists."""
    try:
        return call("POST", "/v1/registry", {"name": name, **({"description": description} if description else {})})
    except ApiError as err:
        if err.status != 409:
            raise
        return call("GET", f"/v1/registry/{name}")


class Follower:
    """Follows a stable URL (an alias's file): downloads it again only when the alias has moved.

    The server answers 304 while the ETag sent is still the alias's version, so polling is cheap.
    """

    def __init__(self, path, cache_dir):
        self.path, self.cache_dir = path, cache_dir
        self.etag, self.version = None, None
        os.makedirs(cache_dir, exist_ok=True)

    def poll(self):
        """Returns (file path, version, changed)."""
        file = os.path.join(self.cache_dir, os.path.basename(self.path))
        headers = {"if-none-match": self.etag} if self.etag and os.path.exists(file) else {}
        status, hdrs, body = request("GET", self.path, headers=headers, raw=True)
        if status == 304:
            return file, self.version, False
        with open(file, "wb") as f:
            f.write(body)
        self.etag, self.version = hdrs.get("etag"), int(hdrs.get("treino-version"))
        return file, self.version, True
