import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createJob, createTestEnv, KERAS_PYTHON, runPython, upload, waitForJob, type TestEnv } from "./harness.js";

/** Debian's python3-xgboost (the same libxgboost 1.7 the service binds). */
const XGB_PYTHON = "/usr/bin/python3";
/** onnxruntime: the venv .ci/run builds from the wheel cache. */
const ORT_PYTHON = KERAS_PYTHON;

const hasXgboost = (() => {
  try {
    execFileSync(XGB_PYTHON, ["-c", "import xgboost"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

function binary(res: any, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on("data", (c: Buffer) => chunks.push(c));
  res.on("end", () => cb(null, Buffer.concat(chunks)));
}

const titanicColumns = { features: ["pclass", "sex", "age", "sibsp", "parch", "fare", "embarked"] };
/** Raw rows as a client sends them: a missing age, an unseen port, categories as text. */
const titanicRows = [
  { pclass: 3, sex: "male", age: 22, sibsp: 1, parch: 0, fare: 7.25, embarked: "S" },
  { pclass: 1, sex: "female", age: 38, sibsp: 1, parch: 0, fare: 71.28, embarked: "C" },
  { pclass: 2, sex: "female", age: null, sibsp: 0, parch: 2, fare: 23, embarked: "Q" },
  { pclass: 3, sex: "male", age: 4, sibsp: 3, parch: 1, fare: 21.07, embarked: "X" },
];

describe("xgboost family", { skip: hasXgboost ? false : `no python3-xgboost at ${XGB_PYTHON} (apt-get install python3-xgboost)` }, () => {
  let env: TestEnv;
  let titanic: any;
  let iris: any;
  let wine: any;
  const dir = mkdtempSync(`${tmpdir()}/treino-xgb-`);
  before(async () => {
    env = await createTestEnv();
    [titanic, iris, wine] = [await upload(env, "titanic.csv"), await upload(env, "iris.csv"), await upload(env, "wine.csv")];
    await env.startWorker();
  });
  after(() => env.close());

  const train = async (body: Record<string, unknown>) => {
    const done = await waitForJob(env, (await createJob(env, body)).id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    return done;
  };
  const download = async (modelId: string, file: string) => {
    const res = await env.api().get(`/v1/models/${modelId}/${file}`).buffer(true).parse(binary);
    assert.equal(res.status, 200, `${file}: ${res.status}`);
    const path = `${dir}/${modelId}-${file}`;
    writeFileSync(path, res.body);
    return path;
  };
  const predict = async (modelId: string, rows: object[], explain = false) => {
    const res = await env.api().post(`/v1/models/${modelId}/predict`).send({ rows, explain });
    assert.equal(res.status, 200, res.text);
    return res.body.predictions as any[];
  };

  it("trains Titanic round by round with early stopping, keeps the best round, and explains what drives it", async () => {
    const done = await train({
      datasetId: titanic.id,
      target: "survived",
      ...titanicColumns,
      split: { test: 0.2, validation: 0.2 },
      model: { type: "xgboost", nEstimators: 400, learningRate: 0.3, maxDepth: 4, earlyStoppingRounds: 10 },
    });
    assert.ok(done.metrics.test.accuracy > 0.74, `test accuracy ${done.metrics.test.accuracy}`);
    // Each round is an epoch in the history, with XGBoost's own losses, training and validation.
    const history = done.history;
    assert.equal(history.loss.length, done.metrics.epochsRun);
    assert.equal(history.val_loss.length, done.metrics.epochsRun);
    assert.ok(history.loss.at(-1) < history.loss[0], "the training loss falls");
    assert.ok(done.metrics.epochsRun < 400, `early stopping stopped before 400 rounds (${done.metrics.epochsRun})`);
    const best = history.val_loss.indexOf(Math.min(...history.val_loss));
    assert.equal(done.metrics.baseline.rounds, best + 1, "the stored booster holds the rounds up to the best validation loss");
    assert.equal(done.metrics.epochsRun, best + 1 + 10, "it ran earlyStoppingRounds past the best round");
    // Mean |SHAP| per original column: sex one-hot inputs summed back into "sex".
    const names = done.metrics.importance.columns.map((c: any) => c.name);
    assert.deepEqual([...names].sort(), [...titanicColumns.features].sort());
    assert.ok(names.indexOf("sex") <= 1, `sex is among the two strongest columns: ${names.join(", ")}`);
    const plot = await env.api().get(`/v1/jobs/${done.id}/plots/importance.svg`).buffer(true).parse(binary);
    assert.equal(plot.status, 200);
    assert.match(plot.body.toString(), />sex</);
    // explain: bias + contributions = the log-odds of the second label.
    const preds = await predict(done.modelId, titanicRows, true);
    for (const p of preds) {
      const e = p.explanation;
      assert.equal(e.units, "log-odds");
      assert.equal(e.of, "1");
      assert.deepEqual(Object.keys(e.contributions).sort(), [...titanicColumns.features].sort());
      const margin = e.bias + Object.values(e.contributions as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(1 / (1 + Math.exp(-margin)) - p.probabilities["1"]) < 1e-5, `sigmoid(bias + contributions) ${margin} vs ${p.probabilities["1"]}`);
    }
    assert.ok(preds[1].probabilities["1"] > preds[0].probabilities["1"], "a first-class woman is likelier to survive than a third-class man");
  });

  it("downloads model.ubj that python3-xgboost loads as is, predicting and explaining what /predict does", async () => {
    const done = await train({ datasetId: titanic.id, target: "survived", ...titanicColumns, model: { type: "xgboost", nEstimators: 60, maxDepth: 5 } });
    const model = await env.api().get(`/v1/models/${done.modelId}`);
    assert.deepEqual(
      model.body.formats.map((f: any) => f.format),
      ["xgboost", "baseline", "onnx"],
    );
    const ours = await predict(done.modelId, titanicRows, true);
    const py = await runPython(XGB_PYTHON, "xgboost_check.py", { model: await download(done.modelId, "model.ubj"), rows: titanicRows });
    assert.deepEqual(py.labels, ["0", "1"]);
    py.predictions.forEach((row: number[], i: number) => {
      assert.ok(Math.abs(row[0]! - ours[i].probabilities["1"]) < 1e-6, `row ${i}: python ${row[0]} vs /predict ${ours[i].probabilities["1"]}`);
      // Python's contributions are per encoded input; their sum and bias match ours summed per column.
      const contribs = py.contributions[i][0] as number[];
      const bias = contribs.at(-1)!;
      assert.ok(Math.abs(bias - ours[i].explanation.bias) < 1e-5);
      const total = contribs.slice(0, -1).reduce((a, b) => a + b, 0);
      const oursTotal = Object.values(ours[i].explanation.contributions as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - oursTotal) < 1e-4, `row ${i}: ${total} vs ${oursTotal}`);
    });
    // TF.js is not one of its formats: a 409 that names the ones it has.
    const tfjs = await env.api().get(`/v1/models/${done.modelId}/model.json`);
    assert.equal(tfjs.status, 409);
    assert.match(tfjs.body.detail, /model\.ubj.*baseline\.json.*model\.onnx/);
  });

  it(
    "exports ONNX (trees behind the preprocessing ops) that onnxruntime runs as /predict does: binary, multiclass, regression",
    {
      skip: existsSync(ORT_PYTHON) ? false : `no Python with onnxruntime at ${ORT_PYTHON} (.ci/run builds it)`,
    },
    async () => {
      const cases = [
        { body: { datasetId: titanic.id, target: "survived", ...titanicColumns, model: { type: "xgboost", nEstimators: 40 } }, rows: titanicRows },
        {
          body: { datasetId: iris.id, target: "target", model: { type: "xgboost", nEstimators: 30, subsample: 0.8, colsampleBytree: 0.8 } },
          rows: [
            { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
            { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
            { sepal_length: 5.9, sepal_width: 3.0, petal_length: 4.2, petal_width: 1.5 },
          ],
        },
        {
          body: {
            datasetId: wine.id,
            target: "alcohol",
            features: ["proline", "color_intensity", "flavanoids", "hue"],
            model: { type: "xgboost", nEstimators: 50 },
          },
          rows: [
            { proline: 1065, color_intensity: 5.64, flavanoids: 3.06, hue: 1.04 },
            { proline: 520, color_intensity: 2.1, flavanoids: 0.8, hue: 0.6 },
          ],
        },
      ];
      for (const { body, rows } of cases) {
        const done = await train(body);
        const ours = await predict(done.modelId, rows);
        const prep = (await env.api().get(`/v1/models/${done.modelId}`)).body.preprocessing;
        const out = await runPython(ORT_PYTHON, "export_check.py", {
          onnx: await download(done.modelId, "model.onnx"),
          onnx_rows: rows,
          onnx_types: Object.fromEntries(prep.features.map((f: any) => [f.name, f.kind === "categorical" ? "string" : "float"])),
        });
        out.onnx.forEach((got: number[], i: number) => {
          const expected = "value" in ours[i] ? [ours[i].value] : Object.values(ours[i].probabilities as Record<string, number>);
          assert.equal(got.length, expected.length);
          got.forEach((v, c) =>
            assert.ok(Math.abs(v - expected[c]!) < 1e-5 * Math.max(1, Math.abs(expected[c]!)), `${body.target} row ${i}: onnx ${v} vs /predict ${expected[c]}`),
          );
        });
      }
    },
  );

  it("charges explain by TreeSHAP's work: a flood of explained rows is a 413 before any work, the same rows unexplained are served", async () => {
    const done = await train({ datasetId: titanic.id, target: "survived", ...titanicColumns, model: { type: "xgboost", nEstimators: 300, maxDepth: 8 } });
    const perRow = done.metrics.baseline.explainOpsPerRow;
    const most = Math.floor(env.config.MAX_PREDICT_OPS / perRow);
    assert.ok(most < 1000, `the attack fits in one request (at most ${most} explained rows)`);
    const rows = Array.from({ length: most + 1 }, (_, i) => titanicRows[i % titanicRows.length]!);
    const flood = await env.api().post(`/v1/models/${done.modelId}/predict`).send({ rows, explain: true });
    assert.equal(flood.status, 413, flood.text);
    assert.equal(flood.body.errors[0].path, "rows");
    assert.match(flood.body.detail, new RegExp(`at most ${most} rows`));
    assert.equal((await env.api().post(`/v1/models/${done.modelId}/predict`).send({ rows })).status, 200);
  });

  it("classifies iris and wine with the test accuracy XGBoost gets, and regresses in the target's units", async () => {
    const irisDone = await train({ datasetId: iris.id, target: "target", model: { type: "xgboost" } });
    assert.ok(irisDone.metrics.test.accuracy >= 0.9, `iris ${irisDone.metrics.test.accuracy}`);
    assert.equal(irisDone.progress.epochs, 100, "progress counts the rounds");
    const wineDone = await train({ datasetId: wine.id, target: "target", model: { type: "xgboost", nEstimators: 200, learningRate: 0.1 } });
    assert.ok(wineDone.metrics.test.accuracy >= 0.9, `wine ${wineDone.metrics.test.accuracy}`);
    const reg = await train({ datasetId: wine.id, target: "alcohol", model: { type: "xgboost", nEstimators: 100, learningRate: 0.1 } });
    assert.ok(reg.metrics.test.r2 > 0.4, `R^2 ${reg.metrics.test.r2}`);
    const [p] = await predict(reg.modelId, [{ proline: 1065, color_intensity: 5.64, flavanoids: 3.06, hue: 1.04, malic_acid: 1.71 }], true);
    assert.ok(p.value > 11 && p.value < 15.5, `alcohol ${p.value}`);
    const sum = p.explanation.bias + Object.values(p.explanation.contributions as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - p.value) < 1e-3, `bias + contributions ${sum} = value ${p.value}`);
  });

  it("stops between rounds when cancelled", async () => {
    const job = await createJob(env, { datasetId: wine.id, target: "target", model: { type: "xgboost", nEstimators: 5000, learningRate: 0.01, maxDepth: 8 } });
    await waitForJob(env, job.id, (j) => j.progress.epoch > 0 || j.status !== "running");
    const res = await env.api().post(`/v1/jobs/${job.id}/cancel`);
    assert.equal(res.status, 202, res.text);
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "cancelled");
    assert.ok(done.progress.epoch < 5000, `stopped at round ${done.progress.epoch}`);
  });

  it("is a compare candidate (same folds as a forest) and a search space in experiments", async () => {
    const { waitForExperiment } = await import("./harness.js");
    const start = async (body: object) => {
      const res = await env.api().post("/v1/experiments").send(body);
      assert.equal(res.status, 202, res.text);
      const exp = await waitForExperiment(env, res.body.id);
      assert.equal(exp.status, "succeeded", JSON.stringify(exp));
      return exp;
    };
    const compare = await start({
      kind: "compare",
      datasetId: wine.id,
      target: "target",
      crossValidation: { folds: 3 },
      candidates: [
        { name: "boosted", model: { type: "xgboost", nEstimators: 100, learningRate: 0.1 } },
        { name: "forest", model: { type: "randomForest" } },
      ],
    });
    assert.equal(compare.leaderboard.length, 2);
    for (const row of compare.leaderboard) assert.ok(row.score.mean > 0.85, `${row.name}: ${row.score.mean}`);
    const search = await start({
      kind: "search",
      method: "grid",
      datasetId: iris.id,
      target: "target",
      space: { type: "xgboost", maxDepth: [2, 4], nEstimators: [20] },
    });
    assert.equal(search.leaderboard.length, 2);
  });

  it("refuses bad specs with the path, before queueing", async () => {
    const bad = await env
      .api()
      .post("/v1/jobs")
      .send({ datasetId: iris.id, target: "target", model: { type: "xgboost", learningRate: 0, treeMethod: "gpu_hist" } });
    assert.equal(bad.status, 400);
    const paths = bad.body.errors.map((e: any) => e.path);
    assert.ok(paths.includes("model.learningRate") && paths.includes("model.treeMethod"), JSON.stringify(bad.body.errors));
    // The dry run (no GPU workers needed to ask): a classic model has nothing to do on a GPU worker.
    const gpu = await env
      .api()
      .post("/v1/models/validate")
      .send({ datasetId: iris.id, target: "target", model: { type: "xgboost" }, training: { device: "gpu" } });
    assert.equal(gpu.status, 400, gpu.text);
    assert.equal(gpu.body.errors[0].path, "training.device");
    const knn = await train({ datasetId: iris.id, target: "target", model: { type: "knn" } });
    const explain = await env
      .api()
      .post(`/v1/models/${knn.modelId}/predict`)
      .send({ rows: [{ sepal_length: 5 }], explain: true });
    assert.equal(explain.status, 400);
    assert.equal(explain.body.errors[0].path, "explain");
  });
});
