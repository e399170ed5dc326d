import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTrainQueue } from "../src/queue.js";
import { createTestEnv, upload, type TestEnv } from "./harness.js";

describe("job creation: validation, limits, tenants", () => {
  let env: TestEnv;
  let iris: any;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "alice:key-a,bob:key-b", MAX_EPOCHS: "100", MAX_UNITS: "512" });
    iris = await upload(env, "iris.csv", "key-a");
  });
  after(() => env.close());

  const job = (over: Record<string, unknown> = {}) => ({
    datasetId: iris.id,
    target: "target",
    model: { type: "sequential", layers: [{ type: "dense", units: 8, activation: "relu" }] },
    training: { epochs: 5 },
    ...over,
  });
  const post = (body: unknown, key = "key-a") =>
    env
      .api()
      .post("/v1/jobs")
      .set("authorization", `Bearer ${key}`)
      .send(body as object);

  async function expect400(body: unknown, path: string, message?: RegExp) {
    const res = await post(body);
    assert.equal(res.status, 400, res.text);
    assert.match(String(res.headers["content-type"]), /application\/problem\+json/);
    assert.equal(res.body.code, "validation_failed");
    const hit = res.body.errors.find((e: any) => e.path === path);
    assert.ok(hit, `no error at ${path}: ${JSON.stringify(res.body.errors)}`);
    if (message) assert.match(hit.message, message);
  }

  it("points at a layer with 0 units", () =>
    expect400(
      job({
        model: {
          type: "sequential",
          layers: [
            { type: "dense", units: 8 },
            { type: "dense", units: 0 },
          ],
        },
      }),
      "model.layers[1].units",
    ));

  it("points at an unknown layer type", () =>
    expect400(
      job({
        model: {
          type: "sequential",
          layers: [
            { type: "dense", units: 8 },
            { type: "conv9d", units: 3 },
          ],
        },
      }),
      "model.layers[1].type",
    ));

  it("points at a misspelt layer field", () =>
    expect400(job({ model: { type: "sequential", layers: [{ type: "dense", unit: 8 }] } }), "model.layers[0].units"));

  it("points at an unknown target and lists the columns", () => expect400(job({ target: "species" }), "target", /unknown column "species".*sepal_length/));

  it("points at an unknown ignored column", () => expect400(job({ ignore: ["petal_length", "nope"] }), "ignore[1]"));

  it("points at an unknown activation", () =>
    expect400(job({ model: { type: "sequential", layers: [{ type: "dense", units: 8, activation: "rectifier" }] } }), "model.layers[0].activation"));

  it("enforces configured limits with the field's path", async () => {
    await expect400(job({ training: { epochs: 101 } }), "training.epochs", /MAX_EPOCHS/);
    await expect400(job({ model: { type: "sequential", layers: [{ type: "dense", units: 513 }] } }), "model.layers[0].units", /MAX_UNITS/);
  });

  it("refuses an impossible split", () => expect400(job({ split: { test: 0.5, validation: 0.4 } }), "split"));

  it("answers 404 for another tenant's dataset", async () => {
    const res = await post(job(), "key-b");
    assert.equal(res.status, 404, res.text);
    assert.equal(res.body.code, "not_found");
  });

  it("answers a malformed JSON body with 400, not 500", async () => {
    const res = await env.api().post("/v1/jobs").set("authorization", "Bearer key-a").set("content-type", "application/json").send("{nope");
    assert.equal(res.status, 400);
    assert.equal(res.body.status, 400);
  });

  it("writes nothing for refused jobs: no job rows, no queue entries", async () => {
    const list = await env.api().get("/v1/jobs").set("authorization", "Bearer key-a");
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 0);
    const queue = createTrainQueue(env.config);
    try {
      assert.equal(await queue.count(), 0);
    } finally {
      await queue.close();
    }
  });

  it("queues a valid job: 202, Location, queued in Postgres and in BullMQ; Idempotency-Key replays it", async () => {
    const send = () => env.api().post("/v1/jobs").set("authorization", "Bearer key-a").set("idempotency-key", "j1").send(job());
    const res = await send();
    assert.equal(res.status, 202, res.text);
    assert.equal(res.headers.location, `/v1/jobs/${res.body.id}`);
    assert.equal(res.body.status, "queued");
    assert.deepEqual(res.body.progress, { epoch: 0, epochs: 5 });
    assert.equal(res.body.model.layers[0].activation, "relu");
    const again = await send();
    assert.equal(again.body.id, res.body.id);
    const queue = createTrainQueue(env.config);
    try {
      assert.equal(await queue.count(), 1);
      assert.equal((await queue.getJob(res.body.id))?.data.jobId, res.body.id);
    } finally {
      await queue.close();
    }
    assert.equal((await env.api().get(`/v1/jobs/${res.body.id}`).set("authorization", "Bearer key-b")).status, 404);
    const cancelled = await env.api().post(`/v1/jobs/${res.body.id}/cancel`).set("authorization", "Bearer key-a");
    assert.equal(cancelled.status, 202);
    assert.equal(cancelled.body.status, "cancelled", "a queued job is cancelled at once");
    const twice = await env.api().post(`/v1/jobs/${res.body.id}/cancel`).set("authorization", "Bearer key-a");
    assert.equal(twice.status, 409);
  });

  it("serves /health, /ready and an OpenAPI document with every route of the contract", async () => {
    assert.deepEqual((await env.api().get("/health")).body, { status: "ok" });
    const ready = await env.api().get("/ready");
    assert.equal(ready.status, 200);
    assert.equal(ready.body.postgres, "ok");
    const doc = (await env.api().get("/docs/json")).body;
    const paths = Object.keys(doc.paths);
    for (const p of [
      "/v1/datasets",
      "/v1/datasets/{id}",
      "/v1/jobs",
      "/v1/jobs/{id}",
      "/v1/jobs/{id}/cancel",
      "/v1/jobs/{id}/events",
      "/v1/models/{id}",
      "/v1/models/{id}/model.json",
      "/v1/models/{id}/predict",
      "/health",
      "/ready",
    ]) {
      assert.ok(paths.includes(p), `OpenAPI lacks ${p}`);
    }
    const body = doc.paths["/v1/jobs"].post.requestBody.content["application/json"].schema;
    assert.ok(JSON.stringify(body).includes("batchNormalization"), "the job schema documents the layer types");
  });
});
