import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

/** The API's list and delete gaps: GET /v1/models, DELETE /v1/models/:id, DELETE /v1/jobs/:id. */
describe("listing and deleting models and jobs", () => {
  let env: TestEnv;
  let iris: any;
  let wine: any;
  const A = "key-a";
  before(async () => {
    env = await createTestEnv({ API_KEYS: "alice:key-a,bob:key-b" });
    [iris, wine] = [await upload(env, "iris.csv", A), await upload(env, "wine.csv", A)];
    await env.startWorker();
  });
  after(() => env.close());
  const as = (auth: string, req: any) => req.set("authorization", `Bearer ${auth}`);

  it("lists a tenant's models by job and by dataset, and deletes one", async () => {
    const jobs = [];
    for (const ds of [iris, wine])
      jobs.push(
        await waitForJob(
          env,
          (await createJob(env, { datasetId: ds.id, target: "target", model: { type: "logisticRegression" } }, A)).id,
          undefined,
          60_000,
          A,
        ),
      );
    const all = (await as(A, env.api().get("/v1/models"))).body;
    assert.equal(all.items.length, 2);
    assert.deepEqual(
      all.items.map((m: any) => m.jobId),
      [jobs[1].id, jobs[0].id],
      "newest first",
    );
    const page = (await as(A, env.api().get("/v1/models?limit=1"))).body;
    assert.equal(page.items.length, 1);
    const next = (await as(A, env.api().get(`/v1/models?limit=1&cursor=${page.nextCursor}`))).body;
    assert.equal(next.items[0].jobId, jobs[0].id);
    assert.equal((await as(A, env.api().get(`/v1/models?datasetId=${wine.id}`))).body.items[0].jobId, jobs[1].id);
    assert.equal((await as(A, env.api().get(`/v1/models?jobId=${jobs[0].id}`))).body.items[0].id, jobs[0].modelId);
    assert.deepEqual((await as("key-b", env.api().get("/v1/models"))).body.items, [], "bob sees none of them");
    assert.equal((await as("key-b", env.api().delete(`/v1/models/${jobs[0].modelId}`))).status, 404);

    const row = { sepal_length: 5, sepal_width: 3, petal_length: 1.5, petal_width: 0.2 };
    assert.equal((await as(A, env.api().post(`/v1/models/${jobs[0].modelId}/predict`)).send({ rows: [row] })).status, 200);
    assert.equal((await as(A, env.api().get(`/v1/models/${jobs[0].modelId}/model.onnx`))).status, 200, "built, and kept for the next download");
    assert.equal((await as("key-b", env.api().get(`/v1/models/${jobs[0].modelId}/model.onnx`))).status, 404, "the kept file is not another tenant's to take");
    assert.equal((await as(A, env.api().delete(`/v1/models/${jobs[0].modelId}`))).status, 204);
    assert.equal((await as(A, env.api().get(`/v1/models/${jobs[0].modelId}/model.onnx`))).status, 404, "nor served after the delete");
    assert.equal((await as(A, env.api().get(`/v1/models/${jobs[0].modelId}`))).status, 404);
    assert.equal((await as(A, env.api().post(`/v1/models/${jobs[0].modelId}/predict`)).send({ rows: [row] })).status, 404, "not served from the loaded cache");
    const job = (await as(A, env.api().get(`/v1/jobs/${jobs[0].id}`))).body;
    assert.equal(job.status, "succeeded");
    assert.equal(job.modelId, null, "the job stays, without its model");
  });

  it("deletes a finished job with its model and plots, and a running one after cancelling it", async () => {
    const done = await waitForJob(
      env,
      (await createJob(env, { datasetId: iris.id, target: "target", model: { type: "sequential", layers: [] }, training: { epochs: 5 } }, A)).id,
      undefined,
      60_000,
      A,
    );
    assert.equal((await as(A, env.api().get(`/v1/jobs/${done.id}/plots/learning-curve.svg`))).status, 200);
    assert.equal((await as("key-b", env.api().delete(`/v1/jobs/${done.id}`))).status, 404);
    assert.equal((await as(A, env.api().delete(`/v1/jobs/${done.id}`))).status, 204);
    for (const path of [`/v1/jobs/${done.id}`, `/v1/jobs/${done.id}/plots/learning-curve.svg`, `/v1/models/${done.modelId}`]) {
      assert.equal((await as(A, env.api().get(path))).status, 404, path);
    }
    const long = await createJob(
      env,
      {
        datasetId: wine.id,
        target: "target",
        model: { type: "sequential", layers: [{ type: "dense", units: 64, activation: "relu" }] },
        training: { epochs: 1000, batchSize: 4 },
      },
      A,
    );
    await waitForJob(env, long.id, (j) => j.status === "running" && j.progress.epoch >= 1, 60_000, A);
    assert.equal((await as(A, env.api().delete(`/v1/jobs/${long.id}`))).status, 204);
    assert.equal((await as(A, env.api().get(`/v1/jobs/${long.id}`))).status, 404);
    // The worker lets go of it and takes the next job.
    const after = await waitForJob(
      env,
      (await createJob(env, { datasetId: iris.id, target: "target", model: { type: "majority" } }, A)).id,
      undefined,
      60_000,
      A,
    );
    assert.equal(after.status, "succeeded");
  });
});
