import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

/**
 * A server without libxgboost (XGBOOST_LIBRARY names no file here, as on a machine without
 * Debian's libxgboost0): the xgboost family is refused with the package to install, before
 * anything is queued, and every other family trains as usual. Its own file: the library, once
 * opened, stays open in its process.
 */
describe("xgboost where the library is missing", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({ XGBOOST_LIBRARY: "/nonexistent/libxgboost.so.0" });
    iris = await upload(env, "iris.csv");
    await env.startWorker();
  });
  after(() => env.close());

  it("answers 409 naming the package, for jobs, dry runs and experiments; other families train", async () => {
    const body = { datasetId: iris.id, target: "target", model: { type: "xgboost" } };
    for (const [path, payload] of [
      ["/v1/jobs", body],
      ["/v1/models/validate", body],
      ["/v1/experiments", { kind: "search", method: "grid", datasetId: iris.id, target: "target", space: { type: "xgboost", maxDepth: [2, 3] } }],
    ] as const) {
      const res = await env.api().post(path).send(payload);
      assert.equal(res.status, 409, `${path}: ${res.text}`);
      assert.match(res.body.detail, /apt-get install libxgboost0/);
      assert.equal(res.headers["content-type"], "application/problem+json; charset=utf-8");
    }
    const jobs = await env.api().get("/v1/jobs");
    assert.equal(jobs.body.items.length, 0, "nothing was queued");
    const forest = await waitForJob(env, (await createJob(env, { datasetId: iris.id, target: "target", model: { type: "randomForest" } })).id);
    assert.equal(forest.status, "succeeded");
  });
});
