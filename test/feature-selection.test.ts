import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

/** preprocessing.featureSelection: fewer inputs, the scores shown, /predict on the kept columns. */
describe("feature selection", () => {
  let env: TestEnv;
  let wine: any;
  before(async () => {
    env = await createTestEnv();
    wine = await upload(env, "wine.csv");
    await env.startWorker();
  });
  after(() => env.close());
  const base = {
    target: "target",
    model: { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] },
    training: { epochs: 60, batchSize: 16, optimizer: { type: "adam", learningRate: 0.01 } },
  };

  it("keeps the best columns by ANOVA F, trains on them alone, and predicts from rows with only those", async () => {
    const job = await createJob(env, { datasetId: wine.id, ...base, preprocessing: { featureSelection: { method: "anova", keep: 5 } } });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const fs = done.metrics.featureSelection;
    assert.equal(fs.kept.length, 5);
    assert.equal(fs.dropped.length, 8);
    assert.ok(Math.min(...fs.kept.map((k: any) => k.score)) >= Math.max(...fs.dropped.map((d: any) => d.score)), "the kept ones score highest");
    assert.ok(done.metrics.test.accuracy >= 0.85, `test accuracy ${done.metrics.test.accuracy}`);
    const model = (await env.api().get(`/v1/models/${done.modelId}`)).body;
    assert.deepEqual(model.features.sort(), fs.kept.map((k: any) => k.name).sort());
    assert.equal(model.summary.totalParams, 5 * 16 + 16 + 16 * 3 + 3, "the input layer has 5 inputs");
    // The scores as a bar chart among the job's plots.
    const svg = await env.api().get(`/v1/jobs/${job.id}/plots/feature-scores.svg`);
    assert.equal(svg.status, 200, svg.text);
    assert.match(String(svg.headers["content-type"]), /image\/svg\+xml/);
    for (const f of [...fs.kept, ...fs.dropped]) assert.ok(String(svg.body).includes(f.name), `${f.name} is on the chart`);
    const png = await env.api().get(`/v1/jobs/${job.id}/plots/feature-scores.png`);
    assert.equal(png.status, 200);
    // A row with only the kept columns is enough.
    const row = Object.fromEntries(fs.kept.map((k: any) => [k.name, 1]));
    const pred = await env
      .api()
      .post(`/v1/models/${done.modelId}/predict`)
      .send({ rows: [row] });
    assert.equal(pred.status, 200, pred.text);
    assert.ok(["0", "1", "2"].includes(pred.body.predictions[0].label));
  });

  it("keeps a fraction by mutual information, on an ELM too", async () => {
    const job = await createJob(env, {
      datasetId: wine.id,
      target: "target",
      model: { type: "elm", hiddenUnits: 60 },
      preprocessing: { featureSelection: { method: "mutualInformation", keep: 0.5 } },
    });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(done.metrics.featureSelection.kept.length, 7, "half of 13, rounded");
    assert.ok(done.metrics.featureSelection.kept.every((k: any) => k.score > 0));
  });

  it("refuses it with crossValidation, and a keep that is neither a count nor a fraction", async () => {
    const cv = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: wine.id, ...base, crossValidation: { folds: 3 }, preprocessing: { featureSelection: { method: "anova", keep: 3 } } });
    assert.equal(cv.status, 400);
    assert.equal(cv.body.errors[0].path, "preprocessing.featureSelection");
    const bad = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: wine.id, ...base, preprocessing: { featureSelection: { method: "anova", keep: 2.5 } } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].path, /preprocessing\.featureSelection\.keep/);
  });
});
