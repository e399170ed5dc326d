import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { binary, createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

/** 300 classes, 8 rows each: x is the class number plus noise, so neighbours get confused. */
function manyClasses(): string {
  let s = 3;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows = ["x,y,label"];
  for (let c = 0; c < 300; c++) for (let r = 0; r < 8; r++) rows.push(`${(c + rnd() * 3).toFixed(3)},${rnd().toFixed(3)},k${c}`);
  return rows.join("\n") + "\n";
}

describe("plots: drawn once by the training process, capped, served as stored bytes", () => {
  let env: TestEnv;
  before(async () => {
    env = await createTestEnv({ API_KEYS: "" });
    await env.startWorker();
  });
  after(() => env.close());

  it("draws a 300-class confusion matrix as its 19 largest classes plus 'other'", async () => {
    const res = await env.api().post("/v1/datasets?name=many").set("content-type", "text/csv").send(manyClasses());
    assert.equal(res.status, 201, res.text);
    const job = await createJob(env, { datasetId: res.body.id, target: "label", columns: { label: "categorical" }, model: { type: "elm", hiddenUnits: 200 } });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(done.metrics.test.confusionMatrix.labels.length, 300, "the metrics keep every class");
    const svg = (await env.api().get(`/v1/jobs/${job.id}/plots/confusion-matrix.svg`).buffer(true).parse(binary)).body.toString();
    assert.match(svg, /the 19 most frequent of 300 classes/);
    assert.match(svg, />other</);
    const png = await env.api().get(`/v1/jobs/${job.id}/plots/confusion-matrix.png`).buffer(true).parse(binary);
    assert.equal(png.status, 200);
    assert.equal(png.body.subarray(1, 4).toString(), "PNG");
    assert.match(String(png.headers["cache-control"]), /immutable/);
  });

  it("answers 404 for a job still running instead of drawing on the API", async () => {
    const iris = await upload(env, "iris.csv");
    const job = await createJob(env, {
      datasetId: iris.id,
      target: "target",
      model: { type: "sequential", layers: [{ type: "dense", units: 8 }] },
      training: { epochs: 300, batchSize: 2 },
    });
    await waitForJob(env, job.id, (j) => j.status === "running" && j.progress.epoch >= 2, 60_000);
    const res = await env.api().get(`/v1/jobs/${job.id}/plots/learning-curve.svg`);
    assert.equal(res.status, 404);
    assert.match(res.body.detail, /plots are drawn when it ends/);
    await env.api().post(`/v1/jobs/${job.id}/cancel`);
  });
});
