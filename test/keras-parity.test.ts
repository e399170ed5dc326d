import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { binary, createJob, createTestEnv, fixture, upload, waitForJob, type TestEnv } from "./harness.js";

describe("Keras parity: training toolbox", () => {
  let env: TestEnv;
  let wine: any;
  let digits: any;
  before(async () => {
    env = await createTestEnv();
    wine = await upload(env, "wine.csv");
    digits = await upload(env, "digits.csv");
    await env.startWorker();
  });
  after(() => env.close());

  const train = async (body: Record<string, unknown>) => {
    const job = await createJob(env, body);
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    return done;
  };
  const weights = async (modelId: string) => (await env.api().get(`/v1/models/${modelId}/weights.bin`).buffer(true).parse(binary)).body as Buffer;

  it("reaches >= 0.95 on digits with a 2-hidden-layer MLP, with train and validation curves", async () => {
    const done = await train({
      datasetId: digits.id,
      target: "target",
      model: {
        type: "sequential",
        layers: [
          { type: "dense", units: 64, activation: "relu" },
          { type: "dense", units: 64, activation: "relu" },
        ],
      },
      training: { epochs: 30, optimizer: { type: "adam", learningRate: 0.003 } },
    });
    assert.ok(done.metrics.test.accuracy >= 0.95, `digits accuracy ${done.metrics.test.accuracy}`);
    assert.equal(done.metrics.test.confusionMatrix.labels.length, 10);
    for (const key of ["loss", "val_loss", "acc", "val_acc"]) assert.equal(done.history[key].length, 30, key);
  });

  it("is reproducible: the same spec, data and seed give the same weights; another seed does not", async () => {
    const spec = (seed: number) => ({
      datasetId: wine.id,
      target: "target",
      model: {
        type: "sequential",
        layers: [
          { type: "dense", units: 16, activation: "relu" },
          { type: "dropout", rate: 0.3 },
        ],
      },
      training: { epochs: 5, seed },
    });
    const [a, b, c] = [await train(spec(11)), await train(spec(11)), await train(spec(12))];
    assert.deepEqual(await weights(a.modelId), await weights(b.modelId));
    assert.deepEqual(a.history, b.history);
    assert.notDeepEqual(await weights(a.modelId), await weights(c.modelId));
  });

  it("restoreBestWeights stores the best epoch's weights, not the last", async () => {
    const done = await train({
      datasetId: wine.id,
      target: "target",
      split: { test: 0.2, validation: 0.3 },
      model: { type: "sequential", layers: [{ type: "dense", units: 256, activation: "relu" }] },
      training: {
        epochs: 60,
        optimizer: { type: "adam", learningRate: 0.03 },
        earlyStopping: { monitor: "val_loss", patience: 100, restoreBestWeights: true },
      },
    });
    const val = done.history.val_loss as number[];
    const best = val.indexOf(Math.min(...val));
    assert.equal(done.metrics.restoredEpoch, best + 1);
    assert.ok(best < val.length - 1, "this run overfits: its best epoch is not the last");
    assert.ok(
      Math.abs(done.metrics.validation.loss - val[best]!) < 1e-4,
      `stored model's val loss ${done.metrics.validation.loss} vs best ${val[best]}, last ${val.at(-1)}`,
    );
    assert.ok(Math.abs(done.metrics.validation.loss - val.at(-1)!) > 1e-3);
  });

  it("ReduceLROnPlateau lowers the learning rate, logged per epoch as lr", async () => {
    const done = await train({
      datasetId: wine.id,
      target: "target",
      model: { type: "sequential", layers: [{ type: "dense", units: 32, activation: "relu" }] },
      training: {
        epochs: 25,
        optimizer: { type: "sgd", learningRate: 0.5, momentum: 0.9 },
        reduceLrOnPlateau: { monitor: "val_loss", factor: 0.5, patience: 2, minLr: 0.001 },
      },
    });
    const lr = done.history.lr as number[];
    assert.equal(lr.length, 25);
    assert.equal(lr[0], 0.5);
    assert.ok(lr.at(-1)! < 0.5, `lr stayed ${lr.at(-1)}`);
    for (let i = 1; i < lr.length; i++) assert.ok(lr[i]! <= lr[i - 1]!, "the rate only goes down");
  });

  it("class weights raise the minority class's recall on an imbalanced dataset", async () => {
    // Digits as "is it a 9?": 180 of 1797 rows are the minority.
    const lines = fixture("digits.csv").toString().trim().split("\n");
    const csv = [lines[0], ...lines.slice(1).map((l) => l.replace(/,(\d+)$/, (_m, d) => `,${d === "9" ? "nine" : "other"}`))].join("\n");
    const d = await env.api().post("/v1/datasets?name=nines").set("content-type", "text/csv").send(csv);
    const spec = (classWeight?: unknown) => ({
      datasetId: d.body.id,
      target: "target",
      model: { type: "sequential", layers: [] },
      training: { epochs: 2, batchSize: 64, optimizer: { type: "sgd", learningRate: 0.01 }, ...(classWeight ? { classWeight } : {}) },
    });
    const recall = (job: any) => job.metrics.test.perClass.find((c: any) => c.label === "nine").recall;
    const plain = await train(spec());
    const balanced = await train(spec("balanced"));
    assert.ok(recall(balanced) > recall(plain) + 0.1, `recall of "nine": plain ${recall(plain)}, balanced ${recall(balanced)}`);
  });

  it("sample weights from a column: rows weighted 0 teach the model nothing", async () => {
    const lines = fixture("iris.csv").toString().trim().split("\n");
    const csv = [`${lines[0]},w`, ...lines.slice(1).map((l) => `${l},${l.endsWith(",2") ? 0 : 1}`)].join("\n");
    const d = await env.api().post("/v1/datasets?name=weighted").set("content-type", "text/csv").send(csv);
    const spec = (sampleWeight?: string) => ({
      datasetId: d.body.id,
      target: "target",
      ignore: sampleWeight ? [] : ["w"],
      model: { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] },
      training: { epochs: 40, optimizer: { type: "adam", learningRate: 0.02 }, ...(sampleWeight ? { sampleWeight } : {}) },
    });
    const recall2 = (job: any) => job.metrics.test.perClass.find((c: any) => c.label === "2").recall;
    const plain = await train(spec());
    const weighted = await train(spec("w"));
    assert.ok(recall2(plain) >= 0.8, `unweighted recall of class 2: ${recall2(plain)}`);
    assert.ok(recall2(weighted) <= 0.2, `recall of class 2 with its rows weighted 0: ${recall2(weighted)}`);
    for (const key of ["loss", "acc", "val_loss", "val_acc"]) assert.equal(weighted.history[key].length, 40, key);
    const model = (await env.api().get(`/v1/models/${weighted.modelId}`)).body;
    assert.ok(!model.features.includes("w"), "the weight column is not a feature");
  });

  it("takes Keras optimizer parameters, losses and metrics by their Keras names", async () => {
    const done = await train({
      datasetId: wine.id,
      target: "target",
      model: { type: "sequential", layers: [{ type: "dense", units: 16, activation: "selu" }] },
      training: {
        epochs: 3,
        loss: "sparse_categorical_crossentropy",
        metrics: ["accuracy", "precision"],
        optimizer: { type: "rmsprop", rho: 0.8, momentum: 0.5, centered: true },
      },
    });
    assert.ok(done.history.precision && done.history.val_acc);
    const bad = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: wine.id, target: "target", model: { type: "sequential", layers: [] }, training: { loss: "huber" } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].path, "training.loss");
  });
});
