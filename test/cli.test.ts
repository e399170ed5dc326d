import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { runningService, FIXTURES, type ApiProcess, type TestEnv } from "./harness.js";
import { loadFromDisk } from "./load-model.js";
import { tf } from "../src/training/engine/tf.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** `npx treino` against the real service: upload, train with watch, download a model tfjs loads. */
describe("CLI", () => {
  let env: TestEnv;
  let api: ApiProcess;
  let service: Awaited<ReturnType<typeof runningService>>;
  const dir = mkdtempSync(`${tmpdir()}/treino-cli-`);
  before(async () => {
    service = await runningService({ API_KEYS: "alice:key-cli-0001" });
    ({ env, api } = service);
  });
  after(async () => {
    await service.close();
  });

  const treino = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [`${ROOT}bin/treino.js`, ...args],
        { cwd: dir, env: { ...process.env, TREINO_URL: api.base, TREINO_API_KEY: "key-cli-0001" }, timeout: 180_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it("uploads, trains with a progress bar, lists, and downloads a model tfjs loads from disk", async () => {
    const up = await treino("--json", "datasets", "upload", `${FIXTURES}/iris.csv`);
    assert.equal(up.code, 0, up.stderr);
    const dataset = JSON.parse(up.stdout);
    assert.equal(dataset.rows, 150);
    const run = await treino(
      "jobs",
      "create",
      "--dataset",
      dataset.id,
      "--target",
      "target",
      "--layers",
      "16",
      "--epochs",
      "40",
      "--batch-size",
      "16",
      "--learning-rate",
      "0.01",
      "--watch",
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    // Not a terminal here: one progress line per epoch, each with its metrics.
    const bars = run.stdout.split("\n").filter((l) => /^\[[#.]{24}\] \d+\/40 loss /.test(l));
    assert.ok(bars.length >= 30, run.stdout);
    assert.match(bars.at(-1)!, /\] 40\/40 .*val_loss/);
    const done = /job (\S+) succeeded, test accuracy (\S+), model (\S+)/.exec(run.stdout);
    assert.ok(done, run.stdout);
    assert.ok(Number(done[2]) > 0.8);
    const list = await treino("jobs", "list");
    assert.match(list.stdout, new RegExp(`${done[1]}\\s+succeeded`));
    const down = await treino("models", "download", done[3]!, "--dir", "iris-model");
    assert.equal(down.code, 0, down.stderr);
    assert.ok(existsSync(`${dir}/iris-model/model.json`) && existsSync(`${dir}/iris-model/weights.bin`));
    for (const [format, file, magic] of [
      ["keras", "model.keras", "PK"],
      ["onnx", "model.onnx", "\b"],
    ] as const) {
      const other = await treino("models", "download", done[3]!, "--dir", "iris-other", "--format", format);
      assert.equal(other.code, 0, other.stderr);
      assert.equal(readFileSync(`${dir}/iris-other/${file}`).subarray(0, magic.length).toString("latin1"), magic, `${file} starts as a ${format} file`);
    }
    // A booster: rounds on the same progress bar, then XGBoost's own file (UBJSON: an object, "{") or its baseline.json by default.
    writeFileSync(`${dir}/boost.json`, JSON.stringify({ datasetId: dataset.id, target: "target", model: { type: "xgboost", nEstimators: 20 } }));
    const boost = await treino("jobs", "create", "--spec", `${dir}/boost.json`, "--watch");
    assert.equal(boost.code, 0, boost.stdout + boost.stderr);
    assert.match(boost.stdout, /\] 20\/20 loss/);
    const boosted = /model (\S+)/.exec(boost.stdout)![1]!;
    assert.equal((await treino("models", "download", boosted, "--dir", "iris-boost", "--format", "xgboost")).code, 0);
    assert.equal(readFileSync(`${dir}/iris-boost/model.ubj`).subarray(0, 1).toString("latin1"), "{");
    assert.equal((await treino("models", "download", boosted, "--dir", "iris-boost")).code, 0);
    assert.ok(existsSync(`${dir}/iris-boost/baseline.json`), "tfjs asked of a booster: its baseline.json");
    const model = await loadFromDisk(`${dir}/iris-model/model.json`);
    const out = model.predict(tf.tensor2d([[-1, 1, -1.3, -1.3]])) as tf.Tensor;
    assert.equal((await tf.argMax(out, -1).data())[0], 0, "a small setosa, in standardized units");
  });

  it("exits 1 with the API's problem, 2 on bad usage, 3 when the watched job fails", async () => {
    const missing = await treino("jobs", "create", "--dataset", "00000000-0000-4000-8000-000000000000", "--target", "x");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404.*dataset/i);
    const usage = await treino("jobs", "create");
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--spec/);
    const ds = JSON.parse((await treino("--json", "datasets", "upload", `${FIXTURES}/iris.csv`, "--name", "iris2")).stdout);
    writeFileSync(
      `${dir}/diverge.json`,
      JSON.stringify({
        datasetId: ds.id,
        target: "petal_width",
        task: "regression",
        model: { type: "sequential", layers: [] },
        training: { epochs: 300, optimizer: { type: "sgd", learningRate: 10 } },
      }),
    );
    const failed = await treino("jobs", "create", "--spec", "diverge.json", "--watch");
    assert.equal(failed.code, 3, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /failed: loss became/);
  });

  it("runs an experiment with --watch and prints its leaderboard", async () => {
    const ds = JSON.parse((await treino("--json", "datasets", "upload", `${FIXTURES}/wine.csv`)).stdout);
    writeFileSync(
      `${dir}/compare.json`,
      JSON.stringify({
        kind: "compare",
        datasetId: ds.id,
        target: "target",
        crossValidation: { folds: 2 },
        candidates: [
          { name: "forest", model: { type: "randomForest", trees: 20 } },
          { name: "floor", model: { type: "majority" } },
        ],
      }),
    );
    const run = await treino("experiments", "create", "--spec", "compare.json", "--watch");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /experiment \S+ succeeded\n\s+1\. forest\s+0\.9\d+ ± /);
    assert.match(run.stdout, /2\. floor/);
  });

  it("registers models, promotes one with the metric guard, and lists versions side by side", async () => {
    const ds = JSON.parse((await treino("--json", "datasets", "upload", `${FIXTURES}/iris.csv`, "--name", "iris-registry")).stdout);
    const trained: string[] = [];
    for (const model of [{ type: "logisticRegression" }, { type: "majority" }]) {
      writeFileSync(`${dir}/${model.type}.json`, JSON.stringify({ datasetId: ds.id, target: "target", model }));
      const run = await treino("jobs", "create", "--spec", `${model.type}.json`, "--watch");
      assert.equal(run.code, 0, run.stdout + run.stderr);
      trained.push(/model (\S+)/.exec(run.stdout)![1]!);
    }
    assert.equal((await treino("registry", "create", "iris-app", "--description", "species for the app")).code, 0);
    const v1 = await treino("registry", "register", "iris-app", trained[0]!, "--alias", "production");
    assert.equal(v1.code, 0, v1.stderr);
    assert.match(v1.stdout, /iris-app v1 = model \S+ \(production -> v1\)/);
    assert.match((await treino("registry", "register", "iris-app", trained[1]!, "--note", "the floor")).stdout, /iris-app v2/);
    const refused = await treino("registry", "promote", "iris-app", "2", "--if-better", "accuracy");
    assert.equal(refused.code, 1, "the majority floor is worse than production");
    assert.match(refused.stderr, /409.*refused: test accuracy 0\.\d{4} \(version 2\) is worse than 0\.\d{4} \(version 1, production\)/);
    const staged = await treino("registry", "promote", "iris-app", "2", "--alias", "staging");
    assert.equal(staged.code, 0, staged.stderr);
    assert.match(staged.stdout, /staging: new -> v2\n\/v1\/registry\/iris-app\/aliases\/staging\/model\.json/);
    const list = await treino("registry", "list", "iris-app");
    assert.match(list.stdout, /v2\s+majority\s+accuracy 0\.\d{4}\s+staging\s+the floor/);
    assert.match(list.stdout, /v1\s+logisticRegression\s+accuracy 0\.9\d{3}\s+production/);
    assert.match(list.stdout, /staging: new -> v2/);
    assert.match((await treino("registry", "list")).stdout, /iris-app\s+v2\s+production=v1 staging=v2/);
    assert.equal((await treino("registry", "promote", "iris-app", "two")).code, 2, "a version is a number");
  });
});
