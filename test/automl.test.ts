import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { parse } from "csv-parse/sync";
import { binary, createTestEnv, FIXTURES, KERAS_PYTHON, runPython, schemaClient, upload, waitForExperiment, type TestEnv } from "./harness.js";

/** AutoML: a portfolio, a search over the leaders, an ensemble stored as a model, on real workers. */
describe("automl", () => {
  let env: TestEnv;
  let wine: any;
  before(async () => {
    env = await createTestEnv({ MAX_EXPERIMENT_TRIALS: "200", MAX_RUNNING_JOBS_PER_TENANT: "4" });
    wine = await upload(env, "wine.csv");
    await env.startWorker();
    await env.startWorker();
  });
  after(() => env.close());

  const start = async (body: object) => {
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({ kind: "automl", datasetId: wine.id, target: "target", ...body });
    assert.equal(res.status, 202, res.text);
    return res.body;
  };
  // Cheap families keep the test short; a trial budget makes the run repeatable.
  const families = ["logisticRegression", "knn", "randomForest", "naiveBayes", "majority"];

  it("runs the portfolio, searches the leaders, and serves the winner; a seeded trial budget repeats exactly", async () => {
    const exp = await start({ families, budget: { trials: 7 }, seed: 3 });
    assert.equal(exp.kind, "automl");
    assert.equal(exp.automl.evaluation, "5-fold cross-validation");
    assert.match(exp.automl.why, /178 rows/);
    assert.equal(exp.automl.candidates.planned, 5, "the portfolio of the five families");
    const done = await waitForExperiment(env, exp.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.automl));
    assert.equal(done.automl.phase, "done");
    assert.equal(done.automl.candidates.planned, 7, "the portfolio, then one round of two draws");
    assert.match(done.automl.stopped, /trial budget/);
    assert.equal(done.leaderboard.length, 7);
    for (const row of done.leaderboard) assert.equal(row.trials.succeeded, 5, row.name);
    assert.equal(done.leaderboard.at(-1).name, "majority (floor)");
    const w = done.automl.winner;
    assert.ok(w.modelId && w.score >= done.leaderboard[0].score.mean - 1e-9, JSON.stringify(w));
    assert.ok(done.automl.ensemble.members.length >= 1);
    const weights = done.automl.ensemble.members.reduce((s: number, m: any) => s + m.weight, 0);
    assert.ok(Math.abs(weights - 1) < 1e-9, `weights sum to ${weights}`);
    assert.match(w.note, /t-test|alone|single/);

    // The winner explained on its held-out rows: every column's importance, the top three's dependence, the plots.
    const ex = done.automl.explanation;
    assert.ok(ex, JSON.stringify(done.warnings));
    assert.equal(ex.importance.length, 13, "one entry per feature column");
    // Held-out rows (all 178 when the machine is quick; fewer, not less than 50, when the pass is slow).
    assert.ok(ex.rows >= 50 && ex.rows <= 178, `rows explained: ${ex.rows}`);
    assert.ok(ex.importance[0].drop > 0, "shuffling the most important column costs accuracy");
    assert.ok(ex.importance[0].drop >= ex.importance.at(-1).drop);
    assert.deepEqual(
      ex.dependence.map((d: any) => d.column),
      ex.importance.slice(0, 3).map((i: any) => i.column),
    );
    for (const d of ex.dependence) {
      assert.ok(d.points.length >= 2);
      for (const p of d.points) assert.ok(Math.abs(p.y.reduce((s: number, v: number) => s + v, 0) - 1) < 1e-3, "class probabilities sum to 1");
    }
    for (const file of ["importance.svg", "dependence.svg"]) {
      assert.ok(done.plots.includes(file), done.plots.join());
      const svg = await env.api().get(`/v1/experiments/${exp.id}/plots/${file}`);
      assert.equal(svg.status, 200);
      assert.ok(String(svg.body).includes(ex.importance[0].column), file);
    }

    // The winner is a model like any other: listed, described, and it predicts raw rows.
    const model = await env.api().get(`/v1/models/${w.modelId}`);
    assert.equal(model.status, 200, model.text);
    assert.equal(model.body.type, "ensemble");
    assert.deepEqual(
      model.body.formats.map((f: any) => f.format),
      ["ensemble", "onnx"],
    );
    const file = await env.api().get(`/v1/models/${w.modelId}/ensemble.json`);
    assert.equal(file.status, 200);
    assert.equal(file.body.members.flatMap((m: any) => m.modelIds).length % 5, 0, "five fold models per member");
    const rows = [
      {
        alcohol: 14.2,
        malic_acid: 1.7,
        ash: 2.4,
        alcalinity_of_ash: 15.6,
        magnesium: 127,
        total_phenols: 2.8,
        flavanoids: 3.06,
        nonflavanoid_phenols: 0.28,
        proanthocyanins: 2.29,
        color_intensity: 5.64,
        hue: 1.04,
        od280_od315: 3.92,
        proline: 1065,
      },
      {
        alcohol: 12.37,
        malic_acid: 0.94,
        ash: 1.36,
        alcalinity_of_ash: 10.6,
        magnesium: 88,
        total_phenols: 1.98,
        flavanoids: 0.57,
        nonflavanoid_phenols: 0.28,
        proanthocyanins: 0.42,
        color_intensity: 1.95,
        hue: 1.05,
        od280_od315: 1.82,
        proline: 520,
      },
    ];
    const pred = await env.api().post(`/v1/models/${w.modelId}/predict`).send({ rows });
    assert.equal(pred.status, 200, pred.text);
    assert.equal(pred.body.predictions.length, 2);
    for (const p of pred.body.predictions) {
      const total = Object.values(p.probabilities as Record<string, number>).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(total - 1) < 1e-4, `probabilities sum to ${total}`);
    }
    assert.equal(pred.body.predictions[0].label, "0", "the first row is a class-0 wine (row 1 of the table)");
    // A member model's prediction agrees with its own model id's.
    const explain = await env.api().post(`/v1/models/${w.modelId}/predict`).send({ rows, explain: true });
    assert.equal(explain.status, 400);

    // The kept predictions are gone once the ensemble is built.
    const db = await schemaClient(env);
    try {
      const left = await db.query('SELECT count(*)::int AS n FROM "TrialPrediction"');
      assert.equal(left.rows[0].n, 0);
    } finally {
      await db.end();
    }

    // Seed and trial budget again: the same leaderboard and the same ensemble.
    const again = await waitForExperiment(env, (await start({ families, budget: { trials: 7 }, seed: 3 })).id);
    assert.deepEqual(
      again.leaderboard.map((r: any) => [r.name, r.score.mean]),
      done.leaderboard.map((r: any) => [r.name, r.score.mean]),
    );
    assert.deepEqual(
      again.automl.ensemble.members.map((m: any) => [m.name, m.weight]),
      done.automl.ensemble.members.map((m: any) => [m.name, m.weight]),
    );
    assert.equal(again.automl.winner.name, done.automl.winner.name);
  });

  it(
    "the winner downloads as one ONNX graph of its members that onnxruntime runs as /predict does",
    { skip: existsSync(KERAS_PYTHON) ? false : `no Python with onnxruntime at ${KERAS_PYTHON} (KERAS_PYTHON; .ci/run builds it)` },
    async () => {
      const titanic = await upload(env, "titanic.csv");
      const ignore = ["name", "ticket", "cabin", "boat", "body", "home.dest"];
      const exp = await env
        .api()
        .post("/v1/experiments")
        .send({
          kind: "automl",
          datasetId: titanic.id,
          target: "survived",
          ignore,
          families: ["logisticRegression", "naiveBayes", "majority"],
          crossValidation: { folds: 3 },
          budget: { trials: 3 },
          seed: 2,
        });
      assert.equal(exp.status, 202, exp.text);
      const done = await waitForExperiment(env, exp.body.id);
      assert.equal(done.status, "succeeded");
      const id = done.automl.winner.modelId;
      const onnx = await env.api().get(`/v1/models/${id}/model.onnx`).buffer(true).parse(binary);
      assert.equal(onnx.status, 200, String(onnx.body));
      const dir = mkdtempSync(`${tmpdir()}/treino-automl-`);
      writeFileSync(`${dir}/model.onnx`, onnx.body);
      const rows = (parse(readFileSync(`${FIXTURES}/titanic.csv`), { columns: true }) as Array<Record<string, string>>)
        .filter((_, i) => i % 41 === 0)
        .map((r) => Object.fromEntries(Object.entries(r).filter(([k, v]) => !ignore.includes(k) && k !== "survived" && v !== "")));
      const typed = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "sex" || k === "embarked" ? v : Number(v)])));
      const pred = await env.api().post(`/v1/models/${id}/predict`).send({ rows: typed });
      assert.equal(pred.status, 200, pred.text);
      const model = (await env.api().get(`/v1/models/${id}`)).body;
      const types = Object.fromEntries((model.preprocessing.features as any[]).map((f) => [f.name, f.kind === "categorical" ? "string" : "float"]));
      const out = await runPython(KERAS_PYTHON, "export_check.py", { onnx: `${dir}/model.onnx`, onnx_rows: typed, onnx_types: types });
      const labels: string[] = model.labels;
      let worst = 0;
      pred.body.predictions.forEach((p: any, i: number) => labels.forEach((l, c) => (worst = Math.max(worst, Math.abs(p.probabilities[l] - out.onnx[i][c])))));
      assert.ok(worst < 1e-4, `onnxruntime and /predict differ by ${worst}`);
      // The winner's members are each fold's models: the graph holds all of them.
      const file = (await env.api().get(`/v1/models/${id}/ensemble.json`)).body;
      assert.ok(file.members.flatMap((m: any) => m.modelIds).length >= 3);
    },
  );

  it("an ensemble with a member that has no ONNX export says which (409)", async () => {
    const exp = await start({ families: ["knn"], crossValidation: { folds: 2 }, budget: { trials: 1 } });
    const done = await waitForExperiment(env, exp.id);
    const res = await env.api().get(`/v1/models/${done.automl.winner.modelId}/model.onnx`);
    assert.equal(res.status, 409, res.text);
    assert.match(res.body.detail, /knn/);
  });

  it("trains its boosters' draws in rungs: the best third of a rung goes on with three times the rounds", async () => {
    const exp = await start({ families: ["xgboost", "majority"], crossValidation: { folds: 2 }, budget: { trials: 9 }, seed: 4 });
    const done = await waitForExperiment(env, exp.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.automl));
    const names = done.leaderboard.map((r: any) => r.name);
    const rung0 = done.leaderboard.filter((r: any) => r.name.includes("[rung 0:"));
    const rung1 = done.leaderboard.filter((r: any) => r.name.includes("[rung 1:"));
    assert.equal(rung0.length >= 3, true, names.join("\n"));
    assert.equal(rung1.length, 1, names.join("\n"));
    // The promoted draw is one of rung 0's, with three times its rounds (which ones go on: portfolio.test.ts).
    const base = (n: string) => n.replace(/ \[rung.*$/, "");
    const rounds = (n: string) => Number(/: (\d+) rounds\]/.exec(n)![1]);
    const source = rung0.find((r: any) => base(r.name) === base(rung1[0].name));
    assert.ok(source, names.join("\n"));
    assert.equal(rounds(rung1[0].name), 3 * rounds(source.name));
    // A rung 0 draw that was not promoted keeps its row: its partial result stays on the board.
    assert.ok(rung0.length > rung1.length);
  });

  it("regresses a numeric target: ranked by r2, an ensemble of values, explained in the target's units", async () => {
    const iris = await upload(env, "iris.csv");
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "automl",
        datasetId: iris.id,
        target: "petal_length",
        families: ["randomForest", "knn", "xgboost", "majority", "logisticRegression"],
        crossValidation: { folds: 3 },
        budget: { trials: 5 },
        seed: 5,
      });
    assert.equal(res.status, 202, res.text);
    const done = await waitForExperiment(env, res.body.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.automl));
    assert.equal(done.task, "regression");
    assert.equal(done.metric, "r2");
    assert.ok(!done.leaderboard.some((r: any) => r.name.startsWith("logistic")), "a classifier takes no part in a regression");
    assert.ok(done.automl.winner.score > 0.9, JSON.stringify(done.automl.winner));
    const pred = await env
      .api()
      .post(`/v1/models/${done.automl.winner.modelId}/predict`)
      .send({ rows: [{ sepal_length: 6.3, sepal_width: 3.3, petal_width: 2.5, target: 2 }] });
    assert.equal(pred.status, 200, pred.text);
    assert.ok(Math.abs(pred.body.predictions[0].value - 6) < 0.8, `a virginica's petal is about 6 cm: ${pred.body.predictions[0].value}`);
    assert.deepEqual(done.automl.explanation.dependence[0].outputs, ["value"]);

    // Registered, the winner keeps its members: none of their fold models (nor their jobs) may go.
    await env.api().post("/v1/registry").send({ name: "petal-length" });
    const v1 = await env.api().post("/v1/registry/petal-length/versions").send({ modelId: done.automl.winner.modelId });
    assert.equal(v1.status, 201, v1.text);
    assert.deepEqual(Object.keys(v1.body.urls).sort(), ["ensemble.json", "model.onnx", "predict"]);
    const member = (await env.api().get(`/v1/models/${done.automl.winner.modelId}/ensemble.json`)).body.members[0].modelIds[0];
    const refused = await env.api().delete(`/v1/models/${member}`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /is a member of the ensemble that is version 1 of 'petal-length'/);
    const memberJob = (await env.api().get(`/v1/models/${member}`)).body.jobId;
    assert.equal((await env.api().delete(`/v1/jobs/${memberJob}`)).status, 409);
    const viaVersion = await env
      .api()
      .post("/v1/registry/petal-length/versions/1/predict")
      .send({ rows: [{ sepal_length: 6.3, sepal_width: 3.3, petal_width: 2.5, target: 2 }] });
    assert.equal(viaVersion.body.predictions[0].value, pred.body.predictions[0].value);
  });

  it("refuses bad requests with the field at fault, before anything is stored", async () => {
    const bad = async (body: object, path: string) => {
      const res = await env
        .api()
        .post("/v1/experiments")
        .send({ kind: "automl", datasetId: wine.id, target: "target", ...body });
      assert.equal(res.status, 400, res.text);
      assert.ok(
        res.body.errors.some((e: any) => e.path === path),
        res.text,
      );
    };
    await bad({ budget: { trials: 5 }, families: ["perceptron"] }, "families[0]");
    await bad({ budget: {} }, "budget");
    await bad({ budget: { seconds: 5 } }, "budget.seconds");
    await bad({ budget: { seconds: 7201 } }, "budget.seconds");
    await bad({ budget: { trials: 5 }, metric: "rmse" }, "metric");
    const list = await env.api().get("/v1/experiments");
    assert.ok(list.body.items.every((e: any) => e.kind !== "automl" || e.status !== "queued"));
  });

  it("cancelled, it keeps every finished trial and still names a winner from them", async () => {
    const exp = await start({
      families: ["logisticRegression", "knn", "randomForest", "naiveBayes", "majority"],
      crossValidation: { folds: 3 },
      budget: { seconds: 600 },
      seed: 1,
    });
    // Wait for some trials to finish, then cancel.
    for (let i = 0; i < 400; i++) {
      const v = (await env.api().get(`/v1/experiments/${exp.id}`)).body;
      if (v.leaderboard.some((r: any) => r.trials.succeeded === 3)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const res = await env.api().post(`/v1/experiments/${exp.id}/cancel`);
    assert.equal(res.status, 202, res.text);
    const done = await waitForExperiment(env, exp.id);
    assert.equal(done.status, "cancelled");
    // The step ends the experiment after its running trials stop: wait for the report.
    let view = done;
    for (let i = 0; i < 200 && view.automl.phase !== "done"; i++) {
      await new Promise((r) => setTimeout(r, 250));
      view = (await env.api().get(`/v1/experiments/${exp.id}`)).body;
    }
    assert.equal(view.automl.phase, "done", JSON.stringify(view.automl));
    const finished = view.leaderboard.filter((r: any) => r.trials.succeeded === 3);
    assert.ok(finished.length >= 1);
    assert.ok(view.automl.winner?.modelId, JSON.stringify(view.automl));
    const pred = await env
      .api()
      .post(`/v1/models/${view.automl.winner.modelId}/predict`)
      .send({
        rows: [
          {
            alcohol: 13,
            malic_acid: 2,
            ash: 2.4,
            alcalinity_of_ash: 19,
            magnesium: 100,
            total_phenols: 2.3,
            flavanoids: 2,
            nonflavanoid_phenols: 0.36,
            proanthocyanins: 1.6,
            color_intensity: 5,
            hue: 0.96,
            od280_od315: 2.6,
            proline: 750,
          },
        ],
      });
    assert.equal(pred.status, 200, pred.text);
  });
});

/** Successive halving in a search: rungs of more epochs for fewer points. */
describe("search with successive halving", () => {
  let env: TestEnv;
  let wine: any;
  before(async () => {
    env = await createTestEnv({ MAX_RUNNING_JOBS_PER_TENANT: "4" });
    wine = await upload(env, "wine.csv");
    await env.startWorker();
  });
  after(() => env.close());

  it("trains every point a little, the best third three times as long, the best of those in full", async () => {
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({
        kind: "search",
        method: "grid",
        datasetId: wine.id,
        target: "target",
        training: { epochs: 27, batchSize: 16 },
        space: { type: "mlp", hiddenLayers: [1], units: [2, 8, 32], learningRate: [0.0003, 0.003, 0.03] },
        halving: { minResource: 3, eta: 3 },
      });
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.trials.total, 9, "the first rung: every point");
    const done = await waitForExperiment(env, res.body.id);
    assert.equal(done.status, "succeeded");
    const rung = (n: number) => done.leaderboard.filter((r: any) => r.name.includes(`[rung ${n}:`));
    assert.deepEqual([rung(0).length, rung(1).length, rung(2).length], [9, 3, 1], done.leaderboard.map((r: any) => r.name).join("\n"));
    assert.match(rung(0)[0].name, /3 epochs/);
    assert.match(rung(2)[0].name, /27 epochs/);
    // The points that went on were the first rung's best three.
    const base = (name: string) => name.replace(/ \[rung.*$/, "");
    const firstBest = [...rung(0)]
      .sort((a: any, b: any) => b.score.mean - a.score.mean || (a.key < b.key ? -1 : 1))
      .slice(0, 3)
      .map((r: any) => base(r.name));
    assert.deepEqual(
      rung(1)
        .map((r: any) => base(r.name))
        .sort(),
      firstBest.sort(),
    );
    // Each trial trained for its rung's epochs; the best is the point that reached the last rung, with its full request.
    const job = await env.api().get(`/v1/jobs/${rung(1)[0].jobIds[0]}`);
    assert.equal(job.body.epochs ?? job.body.spec?.training?.epochs ?? job.body.training?.epochs, 9, JSON.stringify(job.body).slice(0, 400));
    assert.equal(base(done.best.name), base(rung(2)[0].name));
    assert.equal(done.best.request.training.epochs, 27);
  });

  it("refuses halving where the model has no epochs or rounds", async () => {
    const res = await env
      .api()
      .post("/v1/experiments")
      .send({ kind: "search", method: "grid", datasetId: wine.id, target: "target", space: { type: "svm", C: [1, 10] }, halving: { minResource: 1 } });
    assert.equal(res.status, 400, res.text);
    assert.ok(res.body.errors.some((e: any) => e.path === "halving"));
  });
});
