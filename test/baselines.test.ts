import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createJob, createTestEnv, upload, waitForJob, type TestEnv } from "./harness.js";

/** The classic baselines as model families: trained by the same workers, scored and served alike. */
describe("baseline families", () => {
  let env: TestEnv;
  let wine: any;
  let iris: any;
  before(async () => {
    // 160 rows: iris (150) fits, wine (178) is over for the row-bound SVM and kNN.
    // MAX_PREDICT_OPS: a kNN on iris stores ~100 x 3 values, so 20 rows of /predict are over 4,000.
    env = await createTestEnv({ MAX_KERNEL_ROWS: "160", MAX_PREDICT_OPS: "4000" });
    [wine, iris] = [await upload(env, "wine.csv"), await upload(env, "iris.csv")];
    await env.startWorker();
  });
  after(() => env.close());

  const train = async (datasetId: string, model: object, extra: object = {}) => {
    const job = await createJob(env, { datasetId, target: "target", model, ...extra });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", `${JSON.stringify(model)}: ${JSON.stringify(done.error)}`);
    return done;
  };

  it("classifies wine as well as the textbooks say, and the majority floor does not", async () => {
    const floors: Record<string, number> = { logisticRegression: 0.9, randomForest: 0.9, decisionTree: 0.8, naiveBayes: 0.9 };
    for (const [type, floor] of Object.entries(floors)) {
      const done = await train(wine.id, { type });
      assert.ok(done.metrics.test.accuracy >= floor, `${type}: test accuracy ${done.metrics.test.accuracy}`);
      assert.equal(done.metrics.baseline.family, type);
      assert.ok(done.metrics.baseline.fitSeconds >= 0 && done.metrics.baseline.predictMsPer1000Rows > 0);
    }
    const floor = await train(wine.id, { type: "majority" });
    // 71 of 178 rows are class 1: the floor predicts it for every row.
    assert.ok(floor.metrics.test.accuracy < 0.5, `majority accuracy ${floor.metrics.test.accuracy}`);
    assert.equal(
      floor.metrics.test.confusionMatrix.matrix.map((r: number[]) => r[1]).reduce((a: number, b: number) => a + b),
      floor.metrics.test.n,
      "every row predicted as the most frequent class",
    );
  });

  it("trains an SVM with probabilities and serves it: /predict, baseline.json, no model.json", async () => {
    const done = await train(iris.id, { type: "svm", C: 10 });
    assert.ok(done.metrics.test.accuracy >= 0.9, `svm accuracy ${done.metrics.test.accuracy}`);
    assert.ok(done.metrics.baseline.supportVectors > 0);
    const row = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };
    const pred = await env
      .api()
      .post(`/v1/models/${done.modelId}/predict`)
      .send({ rows: [row] });
    assert.equal(pred.status, 200, pred.text);
    assert.equal(pred.body.predictions[0].label, "2");
    const probs = Object.values(pred.body.predictions[0].probabilities) as number[];
    assert.ok(Math.abs(probs.reduce((a, b) => a + b) - 1) < 1e-4 && Math.max(...probs) > 0.5, JSON.stringify(probs));
    const file = await env.api().get(`/v1/models/${done.modelId}/baseline.json`);
    assert.equal(file.status, 200);
    assert.equal(file.body.format, "treino-baseline");
    assert.match(file.body.model.libsvm, /^svm_type c_svc/);
    assert.deepEqual(file.body.labels, ["0", "1", "2"]);
    const json = await env.api().get(`/v1/models/${done.modelId}/model.json`);
    assert.equal(json.status, 409, "a classic model is not a TF.js model: a conflict that names its formats");
    assert.match(json.body.detail, /baseline\.json/);
  });

  it("exports logistic regression as a TF.js layer, and kNN/forest regress a numeric target", async () => {
    const lr = await train(wine.id, { type: "logisticRegression", penalty: "l1", C: 0.5 });
    const json = await env.api().get(`/v1/models/${lr.modelId}/model.json`);
    assert.equal(json.status, 200);
    assert.equal(json.body.modelTopology.config.layers.at(-1).class_name, "Dense");
    assert.ok(lr.metrics.baseline.nonZeroWeights < 13 * 3, "L1 zeroes some weights");
    const forest = await train(
      wine.id,
      { type: "randomForest", trees: 50 },
      { target: "alcohol", features: ["proline", "color_intensity", "flavanoids", "hue"] },
    );
    assert.ok(forest.metrics.test.r2 > 0.3, `forest R^2 ${forest.metrics.test.r2}`);
    const knn = await train(
      iris.id,
      { type: "knn", k: 7, weights: "distance" },
      { target: "petal_length", features: ["sepal_length", "sepal_width", "petal_width"] },
    );
    assert.ok(knn.metrics.test.r2 > 0.8, `kNN R^2 ${knn.metrics.test.r2}`);
    const row = { sepal_length: 6.7, sepal_width: 3.0, petal_width: 2.3 };
    const pred = await env
      .api()
      .post(`/v1/models/${knn.modelId}/predict`)
      .send({ rows: [row] });
    assert.ok(pred.body.predictions[0].value > 4.5 && pred.body.predictions[0].value < 6.5, JSON.stringify(pred.body));
    // Each kNN prediction scans every stored row on the API's event loop: a flood of rows is refused before any work.
    const flood = await env
      .api()
      .post(`/v1/models/${knn.modelId}/predict`)
      .send({ rows: new Array(20).fill(row) });
    assert.equal(flood.status, 413);
    assert.match(flood.body.detail, /MAX_PREDICT_OPS.*at most \d+ rows/);
  });

  it("refuses what a baseline cannot do, before queueing anything", async () => {
    const over = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: wine.id, target: "target", model: { type: "svm" } });
    assert.equal(over.status, 400);
    assert.match(over.body.errors[0].message, /MAX_KERNEL_ROWS/);
    const regression = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: wine.id, target: "alcohol", model: { type: "logisticRegression" } });
    assert.equal(regression.status, 400);
    assert.equal(regression.body.errors[0].path, "model.type");
    const cv = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: wine.id, target: "target", model: { type: "randomForest" }, crossValidation: { folds: 3 } });
    assert.equal(cv.status, 400);
    assert.match(cv.body.errors[0].message, /experiment/);
    const bad = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: wine.id, target: "target", model: { type: "randomForest", trees: 0 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, "model.trees");
    const jobs = await env.api().get("/v1/jobs?limit=100");
    assert.ok(
      jobs.body.items.every((j: any) => j.status === "succeeded"),
      "no job was recorded for a refused request",
    );
  });
});
