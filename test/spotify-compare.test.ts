import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createTestEnv, SHARED_DATASETS, upload, waitForExperiment, type TestEnv } from "./harness.js";

const present = existsSync(`${SHARED_DATASETS}/spotify.csv`);

/**
 * The course's "reach a tuned SVM with an MLP" on the Spotify sample (../shared/datasets: its terms
 * keep it out of the repository): every family on the same 3 folds, with the majority floor
 * (BENCHMARKS.md has the 5-fold run; 3 folds keep the SVM's fits, the suite's costliest, to three).
 */
describe("Spotify compare", { skip: present ? false : "../shared/datasets/spotify.csv is absent" }, () => {
  let env: TestEnv;
  let spotify: any;
  before(async () => {
    env = await createTestEnv({ MAX_RUNNING_JOBS_PER_TENANT: "4" });
    spotify = await upload(env, "shared:spotify.csv");
    await Promise.all([env.startWorker(), env.startWorker()]);
  });
  after(() => env.close());

  it("ranks MLP, ELM, SVM, logistic regression, random forest and the floor on 3 folds", async () => {
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "compare",
        datasetId: spotify.id,
        target: "popular_or_not",
        ignore: ["popularity", "track_id", "artists", "album_name", "track_name"],
        crossValidation: { folds: 3 },
        training: {
          epochs: 40,
          batchSize: 64,
          optimizer: { type: "adam", learningRate: 0.001 },
          earlyStopping: { monitor: "val_loss", patience: 5, restoreBestWeights: true },
        },
        candidates: [
          {
            name: "mlp",
            model: {
              type: "sequential",
              layers: [
                { type: "dense", units: 32, activation: "relu" },
                { type: "dropout", rate: 0.2 },
                { type: "dense", units: 16, activation: "relu" },
              ],
            },
          },
          { name: "elm", model: { type: "elm", hiddenUnits: 300, alpha: 1 } },
          { name: "svm", model: { type: "svm", C: 1 } },
          { name: "logisticRegression", model: { type: "logisticRegression" } },
          { name: "randomForest", model: { type: "randomForest", trees: 100, minSamplesLeaf: 2 } },
          { name: "majority", model: { type: "majority" } },
        ],
      });
    assert.equal(res.status, 202, res.text);
    const done = await waitForExperiment(env, res.body.id, 600_000);
    assert.equal(done.status, "succeeded", JSON.stringify(done.trials));
    const board = Object.fromEntries(done.leaderboard.map((r: any) => [r.name, r]));
    console.log(
      JSON.stringify(
        done.leaderboard.map((r: any) => ({
          name: r.name,
          accuracy: r.score.mean.toFixed(4),
          std: r.score.std.toFixed(4),
          auc: r.metrics.rocAuc?.mean.toFixed(4),
          fit: r.fitSeconds?.mean.toFixed(2),
          predictMs: r.predictMsPer1000Rows?.mean.toFixed(1),
        })),
      ),
    );
    console.log(JSON.stringify(done.comparisons.map((c: any) => [c.name, c.difference.toFixed(4), c.pValue?.toFixed(4), c.note])));
    for (const r of done.leaderboard) assert.equal(r.trials.succeeded, 3, r.name);
    assert.equal(done.leaderboard.at(-1).name, "majority");
    // Published baselines on this sample: a random forest near 0.72; the floor is the share of the larger class.
    assert.ok(board.randomForest.score.mean > 0.68, JSON.stringify(board.randomForest.score));
    // The MLP learns something: clearly above the floor, and it ranks rows (the floor's ROC AUC is 0.5).
    assert.ok(board.mlp.score.mean > board.majority.score.mean + 0.05, JSON.stringify(board.mlp.score));
    assert.ok(board.mlp.metrics.rocAuc.mean > 0.7, JSON.stringify(board.mlp.metrics.rocAuc));
    assert.ok(done.plots.includes("leaderboard.png") && done.plots.includes("learning-curves.svg"));
  });

  it("keeps fewer columns by feature selection within a point of all columns, and predicts from the kept ones", async () => {
    const mlp = {
      type: "sequential",
      layers: [
        { type: "dense", units: 32, activation: "relu" },
        { type: "dense", units: 16, activation: "relu" },
      ],
    };
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "compare",
        datasetId: spotify.id,
        target: "popular_or_not",
        ignore: ["popularity", "track_id", "artists", "album_name", "track_name"],
        crossValidation: { folds: 5 },
        training: { epochs: 40, batchSize: 64, earlyStopping: { monitor: "val_loss", patience: 5, restoreBestWeights: true } },
        candidates: [
          { name: "all columns", model: mlp },
          { name: "anova 12", model: mlp, preprocessing: { featureSelection: { method: "anova", keep: 12 } } },
          { name: "l1 12", model: mlp, preprocessing: { featureSelection: { method: "l1", keep: 12 } } },
          { name: "permutation 12", model: mlp, preprocessing: { featureSelection: { method: "permutation", keep: 12 } } },
        ],
      });
    assert.equal(res.status, 202, res.text);
    const done = await waitForExperiment(env, res.body.id, 600_000);
    assert.equal(done.status, "succeeded", JSON.stringify(done.trials));
    const board = Object.fromEntries(done.leaderboard.map((r: any) => [r.name, r]));
    console.log(JSON.stringify(done.leaderboard.map((r: any) => ({ name: r.name, accuracy: r.score.mean.toFixed(4), std: r.score.std.toFixed(4) }))));
    const all = board["all columns"].score.mean;
    for (const name of ["anova 12", "l1 12", "permutation 12"])
      assert.ok(board[name].score.mean >= all - 0.01, `${name}: ${board[name].score.mean} vs all ${all}`);
    // A model trained on 12 of the 15 columns predicts from rows holding only those.
    const trial = (await env.api().get(`/v1/jobs/${board["anova 12"].jobIds[0]}`)).body;
    const kept = trial.metrics.featureSelection.kept.map((k: any) => k.name);
    assert.equal(kept.length, 12);
    const model = (await env.api().get(`/v1/models/${trial.modelId}`)).body;
    assert.deepEqual([...model.features].sort(), [...kept].sort());
    const row = Object.fromEntries(kept.map((k: string) => [k, k === "track_genre" ? "pop" : k === "explicit" ? "FALSE" : 0.5]));
    const pred = await env
      .api()
      .post(`/v1/models/${trial.modelId}/predict`)
      .send({ rows: [row] });
    assert.equal(pred.status, 200, pred.text);
    assert.ok(["popular", "not popular"].includes(pred.body.predictions[0].label), pred.text);
  });
});
