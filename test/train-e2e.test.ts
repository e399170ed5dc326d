import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { AddressInfo } from "node:net";
import { tf, tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

const KEY = "key-a";
const auth = { authorization: `Bearer ${KEY}` };

const METRICS = "metrics-scraper-token-1";

describe("end to end: upload, train in a worker process, download, predict", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: `alice:${KEY},bob:key-b`, METRICS_TOKEN: METRICS });
    await env.startWorker();
  });
  after(() => env.close());

  async function train(dataset: string, body: Record<string, unknown>) {
    const d = await upload(env, dataset, KEY);
    return (await createJob(env, { datasetId: d.id, ...body }, KEY)).id as string;
  }

  it("trains iris to >= 0.9 test accuracy; the downloaded model loads over HTTP and predicts what /predict does", async () => {
    const id = await train("iris.csv", {
      target: "target",
      model: { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] },
      training: { epochs: 60, batchSize: 16, optimizer: { type: "adam", learningRate: 0.01 }, seed: 1 },
    });
    const job = await waitForJob(env, id, undefined, undefined, KEY);
    assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    assert.ok(job.metrics.test.accuracy >= 0.9, `test accuracy ${job.metrics.test.accuracy}`);
    assert.equal(job.metrics.test.n, 30);
    assert.deepEqual(job.progress, { epoch: 60, epochs: 60 });
    for (const key of ["loss", "val_loss", "acc", "val_acc"]) assert.equal(job.history[key].length, 60, key);
    assert.ok(job.history.loss[59] < job.history.loss[0], "the loss went down");
    assert.ok(job.backend, "the job names its compute");
    if (process.env.TFJS_BACKEND) assert.match(job.backend, new RegExp(`^${process.env.TFJS_BACKEND}(\\+blas)?$`), "the worker ran on the backend asked for");
    assert.match(job.metrics.engine, /^(mlp-native|tfjs)$/, "the job names what ran its training steps");
    assert.equal(job.attempts, 1);
    assert.deepEqual(job.metrics.test.confusionMatrix.labels, ["0", "1", "2"]);

    const model = (await env.api().get(`/v1/models/${job.modelId}`).set(auth)).body;
    assert.equal(model.jobId, id);
    assert.deepEqual(model.labels, ["0", "1", "2"]);
    assert.equal(model.summary.totalParams, 4 * 16 + 16 + 16 * 3 + 3);
    assert.deepEqual(
      model.summary.layers.map((l: any) => l.type),
      ["Dense", "Dense"],
    );

    // A user's TF.js client: load straight from the URL, encode rows from the metadata alone.
    await env.app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
    await initBackend((process.env.TFJS_BACKEND as "auto" | undefined) ?? "auto");
    const net = await tfl.loadLayersModel(`${base}/v1/models/${job.modelId}/model.json`, { requestInit: { headers: auth } });
    const json = (await env.api().get(`/v1/models/${job.modelId}/model.json`).set(auth)).body;
    assert.equal(json.format, "layers-model");
    assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
    const prep = json.userDefinedMetadata.preprocessing;
    assert.deepEqual(json.userDefinedMetadata.labels, ["0", "1", "2"]);
    const rows = [
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
      { sepal_length: 5.7, sepal_width: 2.8, petal_length: 4.1, petal_width: 1.3 },
      { sepal_length: 6.9, sepal_width: 3.1, petal_length: 5.4, petal_width: 2.1 },
    ];
    const x = rows.map((r: any) => prep.features.map((f: any) => (r[f.name] - f.offset) / f.divisor));
    const local = (net.predict(tf.tensor2d(x)) as tf.Tensor).arraySync() as number[][];
    const served = await env.api().post(`/v1/models/${job.modelId}/predict`).set(auth).send({ rows });
    assert.equal(served.status, 200, served.text);
    served.body.predictions.forEach((p: any, i: number) => {
      prep.target.labels.forEach((label: string, k: number) => assert.ok(Math.abs(p.probabilities[label] - local[i]![k]!) < 1e-5));
      const best = local[i]!.indexOf(Math.max(...local[i]!));
      assert.equal(p.label, prep.target.labels[best]);
    });
    assert.deepEqual(
      served.body.predictions.map((p: any) => p.label),
      ["0", "1", "2"],
    );

    // Another tenant sees none of it.
    const bob = { authorization: "Bearer key-b" };
    for (const path of [
      `/v1/jobs/${id}`,
      `/v1/jobs/${id}/events`,
      `/v1/jobs/${id}/plots/learning-curve.svg`,
      `/v1/models/${job.modelId}`,
      `/v1/models/${job.modelId}/model.json`,
      `/v1/models/${job.modelId}/weights.bin`,
    ]) {
      assert.equal((await env.api().get(path).set(bob)).status, 404, path);
    }
    assert.equal((await env.api().post(`/v1/models/${job.modelId}/predict`).set(bob).send({ rows })).status, 404);
    assert.equal((await env.api().post(`/v1/jobs/${id}/cancel`).set(bob)).status, 404);
  });

  it("trains the Titanic, leaking and free-text columns ignored, to >= 0.75; streams its epochs as SSE", async () => {
    const id = await train("titanic.csv", {
      target: "survived",
      ignore: ["boat", "body", "name", "ticket", "cabin", "home.dest"],
      model: {
        type: "sequential",
        layers: [
          { type: "dense", units: 32, activation: "relu", kernelRegularizer: { l2: 1e-4 } },
          { type: "dropout", rate: 0.2 },
        ],
      },
      training: { epochs: 30, optimizer: "adam", earlyStopping: { monitor: "val_loss", patience: 5, restoreBestWeights: true } },
    });
    const events = await env
      .api()
      .get(`/v1/jobs/${id}/events`)
      .set(auth)
      .buffer(true)
      .parse((res, cb) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c));
        res.on("end", () => cb(null, text));
      });
    assert.equal(events.status, 200);
    assert.match(String(events.headers["content-type"]), /text\/event-stream/);
    const text = events.body as string;
    const job = await waitForJob(env, id, undefined, undefined, KEY);
    assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    assert.ok(job.metrics.test.accuracy >= 0.75, `test accuracy ${job.metrics.test.accuracy}`);
    assert.equal((text.match(/^event: epoch$/gm) ?? []).length, job.history.loss.length);
    assert.match(text, /^event: done$/m);
    assert.match(text, /"status":"succeeded"/);
    const model = (await env.api().get(`/v1/models/${job.modelId}`).set(auth)).body;
    assert.ok(!model.features.includes("boat") && !model.features.includes("name"));
    assert.ok(model.features.includes("sex") && model.features.includes("age"));
    assert.deepEqual(model.summary.layers.at(-1).outputShape, [null, 1], "binary: one sigmoid unit");
    // Raw rows: a missing age and an unseen port of embarkation still predict.
    const res = await env
      .api()
      .post(`/v1/models/${job.modelId}/predict`)
      .set(auth)
      .send({
        rows: [
          { pclass: 1, sex: "female", age: 29, fare: 211 },
          { pclass: 3, sex: "male", age: null, embarked: "X", fare: 7 },
        ],
      });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.predictions[0].label, "1");
    assert.equal(res.body.predictions[1].label, "0");
  });

  it("trains Mushroom (all categorical, one with missing values) to >= 0.98", async () => {
    const id = await train("mushroom.csv", {
      target: "class",
      model: { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] },
      training: { epochs: 4, batchSize: 64 },
    });
    const job = await waitForJob(env, id, undefined, undefined, KEY);
    assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    assert.ok(job.metrics.test.accuracy >= 0.98, `test accuracy ${job.metrics.test.accuracy}`);
  });

  it("reports jobs, queue and latency at /metrics in Prometheus format", async () => {
    // Postgres says a job succeeded a moment before BullMQ has moved it to completed (the training
    // process reports after its last write): read until the queue has caught up.
    const scrape = () => env.api().get("/metrics").set("authorization", `Bearer ${METRICS}`);
    let res = await scrape();
    for (let i = 0; i < 50 && !/^treino_queue_jobs\{state="completed"\} 3$/m.test(res.text); i++) {
      await sleep(200);
      res = await scrape();
    }
    assert.equal(res.status, 200);
    assert.match(String(res.headers["content-type"]), /text\/plain/);
    const text = res.text;
    assert.match(text, /^treino_jobs\{status="succeeded"\} 3$/m);
    assert.match(text, /^treino_queue_jobs\{state="completed"\} 3$/m);
    assert.match(text, /^treino_job_duration_seconds_count\{status="succeeded"\} 3$/m);
    // Label order is not meaning: look for the +Inf bucket of GET /v1/jobs/:id whatever the order.
    const buckets = text.split("\n").filter((l) => l.startsWith("treino_http_request_duration_seconds_bucket{"));
    assert.ok(
      buckets.some((l) => ['method="GET"', 'route="/v1/jobs/:id"', 'status="200"', 'le="+Inf"'].every((p) => l.includes(p)) && / [1-9]\d*$/.test(l)),
      buckets.slice(0, 3).join("\n"),
    );
  });
});
