import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { tf, tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

describe("Extreme Learning Machines", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv();
    await env.startWorker();
  });
  after(() => env.close());

  const train = async (dataset: any, body: Record<string, unknown>) => {
    const job = await createJob(env, { datasetId: dataset.id, ...body });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    return done;
  };

  it("reaches >= 0.99 on Mushroom; the exported model.json predicts what /predict predicts", async () => {
    const mushroom = await upload(env, "mushroom.csv");
    const done = await train(mushroom, { target: "class", model: { type: "elm", hiddenUnits: 500, seed: 3 } });
    assert.ok(done.metrics.test.accuracy >= 0.99, `accuracy ${done.metrics.test.accuracy}`);
    assert.equal(done.metrics.elm.hiddenUnits, 500);
    const model = (await env.api().get(`/v1/models/${done.modelId}`)).body;
    assert.deepEqual(
      model.summary.layers.map((l: any) => [l.type, l.outputShape]),
      [
        ["Dense", [null, 500]],
        ["Dense", [null, 1]],
      ],
    );

    await env.app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
    await initBackend((process.env.TFJS_BACKEND as "auto" | undefined) ?? "auto");
    const net = await tfl.loadLayersModel(`${base}/v1/models/${done.modelId}/model.json`);
    const meta = (await env.api().get(`/v1/models/${done.modelId}/model.json`)).body.userDefinedMetadata.preprocessing;
    const row: Record<string, string> = {
      "cap-shape": "x",
      "cap-surface": "s",
      "cap-color": "n",
      bruises: "t",
      odor: "p",
      "gill-attachment": "f",
      "gill-spacing": "c",
      "gill-size": "n",
      "gill-color": "k",
    };
    // One-hot from the metadata alone; columns the row leaves out take their fill (the mode).
    const x = meta.features.flatMap((f: any) => {
      const v = row[f.name] ?? f.fill;
      const hot = f.categories.map((c: string) => (c === v ? 1 : 0));
      return f.unknown ? [...hot, hot.includes(1) ? 0 : 1] : hot;
    });
    const p = (net.predict(tf.tensor2d([x])) as tf.Tensor).dataSync()[0]!;
    const served = await env
      .api()
      .post(`/v1/models/${done.modelId}/predict`)
      .send({ rows: [row] });
    assert.equal(served.status, 200, served.text);
    assert.ok(Math.abs(served.body.predictions[0].probabilities[meta.target.labels[1]] - p) < 1e-5);
  });

  it("searches the hidden size on digits (>= 0.95), reporting every candidate in the history", async () => {
    const digits = await upload(env, "digits.csv");
    const job = await createJob(env, { datasetId: digits.id, target: "target", model: { type: "elm", hiddenUnits: { search: [50, 100, 200, 500, 1000] } } });
    assert.deepEqual(job.progress, { epoch: 0, epochs: 5 });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.ok(done.metrics.test.accuracy >= 0.95, `accuracy ${done.metrics.test.accuracy}`);
    assert.deepEqual(done.history.hiddenUnits, [50, 100, 200, 500, 1000]);
    assert.equal(done.history.val_score.length, 5);
    const best = done.history.hiddenUnits[done.history.val_score.indexOf(Math.max(...done.history.val_score))];
    assert.equal(done.metrics.elm.hiddenUnits, best, "the best candidate was refitted");
    assert.ok(done.history.val_score[0] < Math.max(...done.history.val_score), "accuracy grows with hidden units from 50");
  });

  it("fits wine (by CV search) and iris, and a regression with sine nodes (timing: bench/, not here)", async () => {
    const wine = await upload(env, "wine.csv");
    const iris = await upload(env, "iris.csv");
    const w = await train(wine, { target: "target", model: { type: "elm", hiddenUnits: { search: [20, 50, 100], by: "cv", folds: 4 }, activation: "tanh" } });
    assert.deepEqual(w.history.hiddenUnits, [20, 50, 100], "every candidate scored by CV");
    assert.ok(w.metrics.test.accuracy >= 0.9, `wine accuracy ${w.metrics.test.accuracy}`);
    const i = await train(iris, { target: "target", model: { type: "elm", hiddenUnits: 100, alpha: 1e-2 } });
    assert.equal(i.metrics.elm.hiddenUnits, 100);
    assert.ok(i.metrics.test.accuracy >= 0.9, `iris accuracy ${i.metrics.test.accuracy}`);
    const reg = await train(iris, { target: "petal_width", task: "regression", model: { type: "elm", hiddenUnits: 60, activation: "sine", alpha: 1e-3 } });
    assert.ok(reg.metrics.test.r2 > 0.8, `r2 ${reg.metrics.test.r2}`);
    assert.ok(
      reg.warnings.some((x: string) => /ElmSine/.test(x)),
      reg.warnings.join(" | "),
    );
    const res = await env
      .api()
      .post(`/v1/models/${reg.modelId}/predict`)
      .send({ rows: [{ sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, target: 2 }] });
    assert.equal(res.status, 200, res.text);
    assert.ok(Math.abs(res.body.predictions[0].value - 2.5) < 0.6, `petal width ${res.body.predictions[0].value}`);
  });

  it("refuses options an ELM does not have", async () => {
    const iris = await upload(env, "iris.csv");
    const res = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: iris.id, target: "target", model: { type: "elm", hiddenUnits: 0 } });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].path, "model.hiddenUnits");
    const cv = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: iris.id, target: "target", crossValidation: { folds: 3 }, model: { type: "elm" } });
    assert.equal(cv.status, 400);
    assert.equal(cv.body.errors[0].path, "crossValidation");
  });
});
