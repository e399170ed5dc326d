import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { binary, createJob, createTestEnv, fixture, upload, waitForJob, type TestEnv } from "./harness.js";
import { diagnose } from "../src/training/evaluate/diagnose.js";

describe("data in, evaluation out: preprocessing options, leaks, CV, metrics, plots", () => {
  let env: TestEnv;
  let titanic: any;
  let mushroom: any;
  before(async () => {
    env = await createTestEnv();
    titanic = await upload(env, "titanic.csv");
    mushroom = await upload(env, "mushroom.csv");
  });
  after(() => env.close());

  const post = (body: Record<string, unknown>) => createJob(env, body);
  const small = { type: "sequential", layers: [{ type: "dense", units: 16, activation: "relu" }] };

  it("warns at job creation of a leaking column and of dropped free text", async () => {
    const job = await post({ datasetId: titanic.id, target: "survived", model: small, training: { epochs: 1 } });
    assert.ok(
      job.warnings.some((w: string) => /possible leak: "boat" alone predicts "survived"/.test(w)),
      job.warnings.join(" | "),
    );
    assert.ok(job.warnings.some((w: string) => /free-text columns left out: .*name/.test(w)));
    await env.api().post(`/v1/jobs/${job.id}/cancel`);
  });

  it("refuses a target with one class and a target that is always missing, naming the column", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 5},yes,`).join("\n");
    const d = (await env.api().post("/v1/datasets?name=flat").set("content-type", "text/csv").send(`x,label,empty\n${rows}\n`)).body;
    for (const [target, message] of [
      ["label", /single class/],
      ["empty", /missing in every row/],
    ] as const) {
      const res = await env.api().post("/v1/jobs").send({ datasetId: d.id, target, model: small });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.errors[0].path, "target");
      assert.match(res.body.errors[0].message, message);
    }
  });

  it("refuses preprocessing that does not fit a column's kind", async () => {
    const res = await env
      .api()
      .post("/v1/jobs")
      .send({
        datasetId: titanic.id,
        target: "survived",
        ignore: ["boat", "body"],
        model: small,
        columns: { name: "numeric" },
        preprocessing: { columns: { sex: { missing: "median" }, nope: { missing: "mode" } } },
      });
    assert.equal(res.status, 400);
    const paths = res.body.errors.map((e: any) => e.path).sort();
    assert.deepEqual(paths, ["columns.name", "preprocessing.columns.nope", "preprocessing.columns.sex.missing"]);
  });

  it("trains the Titanic with every numeric and categorical option and a type override; predicts raw rows", async () => {
    await env.startWorker();
    const job = await post({
      datasetId: titanic.id,
      target: "survived",
      ignore: ["boat", "body", "name", "ticket", "cabin", "home.dest"],
      columns: { pclass: "categorical" },
      preprocessing: {
        numeric: { scaling: "standardize", missing: "mean" },
        categorical: { maxCategories: 2 },
        columns: {
          age: { scaling: "minmax", missing: "median" },
          fare: { scaling: "none", missing: "drop" },
          parch: { missing: "mode" },
          sibsp: { missing: "constant", constant: 0 },
          embarked: { missing: "constant", constant: "S" },
        },
      },
      model: small,
      training: { epochs: 15, seed: 3 },
    });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.ok(done.metrics.test.accuracy >= 0.75, `accuracy ${done.metrics.test.accuracy}`);
    const m = done.metrics.test;
    for (const key of ["balancedAccuracy", "macroF1", "weightedF1", "rocAuc", "logLoss"]) assert.equal(typeof m[key], "number", key);
    assert.ok(m.rocAuc > 0.75 && m.rocAuc <= 1);
    assert.deepEqual(m.confusionMatrix.labels, ["0", "1"]);
    // The stored diagnosis is the rule applied to this job's own curves (evidence and verdict).
    const d = done.metrics.diagnosis;
    const again = diagnose(done.history, d.evidence.baselineLoss);
    assert.equal(d.verdict, again.verdict);
    for (const [k, v] of Object.entries(again.evidence)) assert.ok(Math.abs(d.evidence[k] - (v as number)) < 1e-9, `evidence.${k}: ${d.evidence[k]} vs ${v}`);
    assert.equal(d.evidence.finalValLoss, done.history.val_loss.at(-1));
    assert.equal(d.hint, again.hint);
    assert.ok(
      done.warnings.some((w: string) => /missing value in a "missing: drop" column/.test(w)),
      done.warnings.join(" | "),
    );

    const model = (await env.api().get(`/v1/models/${done.modelId}`)).body;
    const f = Object.fromEntries(model.preprocessing.features.map((x: any) => [x.name, x]));
    assert.equal(f.pclass.kind, "categorical");
    assert.deepEqual(f.pclass.categories, ["1", "3"], "capped at the 2 most frequent classes");
    assert.equal(f.age.scaling, "minmax");
    assert.equal(f.age.fill, 28, "the training rows' median age");
    assert.equal(f.fare.fill, null);
    assert.deepEqual([f.fare.offset, f.fare.divisor], [0, 1]);
    assert.equal(f.embarked.fill, "S");
    assert.equal(f.sibsp.fill, 0);
    assert.equal(f.parch.fill, 0);
    assert.ok(model.preprocessing.inputs.includes("embarked=[UNK]"));

    const predict = (rows: object[]) => env.api().post(`/v1/models/${done.modelId}/predict`).send({ rows });
    const ok = await predict([{ pclass: 2, sex: "female", age: null, embarked: "Atlantis", fare: 30 }]);
    assert.equal(ok.status, 200, ok.text);
    assert.ok(["0", "1"].includes(ok.body.predictions[0].label));
    const missingFare = await predict([{ pclass: 2, sex: "female", age: 30 }]);
    assert.equal(missingFare.status, 400);
    assert.equal(missingFare.body.errors[0].path, "rows[0].fare");

    const svg = await env.api().get(`/v1/jobs/${job.id}/plots/learning-curve.svg`).buffer(true).parse(binary);
    assert.equal(svg.status, 200);
    assert.match(svg.headers["content-type"] ?? "", /image\/svg\+xml/);
    assert.match(svg.body.toString(), /^<svg[\s\S]*validation[\s\S]*<\/svg>$/);
    const png = await env.api().get(`/v1/jobs/${job.id}/plots/confusion-matrix.png`).buffer(true).parse(binary);
    assert.equal(png.status, 200);
    assert.deepEqual([...png.body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const cm = await env.api().get(`/v1/jobs/${job.id}/plots/confusion-matrix.svg`).buffer(true).parse(binary);
    assert.match(cm.body.toString(), /predicted[\s\S]*actual/);
  });

  it("trains Mushroom dropping rows with a missing category, without an unknown bucket", async () => {
    const job = await post({
      datasetId: mushroom.id,
      target: "class",
      preprocessing: { categorical: { missing: "drop", unknownBucket: false, maxCategories: 3 } },
      model: small,
      training: { epochs: 4, batchSize: 64 },
    });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.ok(done.metrics.test.accuracy >= 0.95, `accuracy ${done.metrics.test.accuracy}`);
    assert.ok(
      done.warnings.some((w: string) => /2480 rows with a missing value/.test(w)),
      done.warnings.join(" | "),
    );
    const model = (await env.api().get(`/v1/models/${done.modelId}`)).body;
    assert.ok(!model.preprocessing.inputs.some((n: string) => n.endsWith("=[UNK]")));
    assert.ok(model.preprocessing.features.every((x: any) => x.categories.length <= 3));
    const plot = await env.api().get(`/v1/jobs/${job.id}/plots/learning-curve.png`).buffer(true).parse(binary);
    assert.equal(plot.status, 200);
  });

  it("cross-validates wine in 5 folds: every fold reported, mean within their range, then a refit", async () => {
    const wine = await upload(env, "wine.csv");
    const job = await post({
      datasetId: wine.id,
      target: "target",
      crossValidation: { folds: 5 },
      model: small,
      training: { epochs: 25, optimizer: { type: "adam", learningRate: 0.01 } },
    });
    assert.equal(job.progress.epochs, 25 * 6);
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    const cv = done.metrics.crossValidation;
    assert.equal(cv.folds, 5);
    assert.equal(cv.perFold.length, 5);
    const accs = cv.perFold.map((f: any) => f.accuracy);
    assert.ok(cv.mean.accuracy >= Math.min(...accs) && cv.mean.accuracy <= Math.max(...accs));
    const mu = accs.reduce((a: number, b: number) => a + b, 0) / accs.length;
    assert.ok(
      Math.abs(cv.std.accuracy - Math.sqrt(accs.reduce((a: number, x: number) => a + (x - mu) ** 2, 0) / accs.length)) < 1e-12,
      "std over the folds, as scikit-learn's",
    );
    assert.equal(
      cv.perFold.reduce((s: number, f: any) => s + f.n, 0),
      178 - done.metrics.test.n,
      "the folds cover every row outside the test split",
    );
    assert.ok(cv.mean.accuracy > 0.9, `mean CV accuracy ${cv.mean.accuracy}`);
    assert.equal(done.history.loss.length, 25, "history is the refit's");
    assert.equal((await env.api().get(`/v1/jobs/${job.id}/plots/learning-curve.svg`)).status, 200);
  });

  it("trains from a JSON Lines upload", async () => {
    const lines = fixture("iris.csv").toString().trim().split("\n");
    const header = lines[0]!.split(",");
    const jsonl = lines
      .slice(1)
      .map((l) => JSON.stringify(Object.fromEntries(l.split(",").map((v, i) => [header[i], Number(v)]))))
      .join("\n");
    const d = await env.api().post("/v1/datasets?name=iris-jsonl").set("content-type", "application/x-ndjson").send(jsonl);
    assert.equal(d.status, 201, d.text);
    const job = await post({ datasetId: d.body.id, target: "target", model: small, training: { epochs: 30, optimizer: { type: "adam", learningRate: 0.02 } } });
    const done = await waitForJob(env, job.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.ok(done.metrics.test.accuracy >= 0.85);
  });
});
