import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { KERAS_PYTHON, runningService, SHARED_DATASETS, type ApiProcess, type TestEnv } from "./harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TITANIC = `${SHARED_DATASETS}/titanic.csv`;

/** The course's exercises in examples/, run as a user would against the real service. */
describe("examples", () => {
  let env: TestEnv;
  let api: ApiProcess;
  let service: Awaited<ReturnType<typeof runningService>>;
  before(async () => {
    service = await runningService({ API_KEYS: "student:key-examples-1" });
    ({ env, api } = service);
  });
  after(async () => {
    await service.close();
  });

  const run = (name: string) =>
    new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        ["--import", "tsx", `${ROOT}examples/${name}.ts`],
        { cwd: ROOT, env: { ...process.env, TREINO_URL: api.base, TREINO_API_KEY: "key-examples-1" }, timeout: 300_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      ),
    );

  it("multiclass: digits over 95% with a small MLP", async () => {
    const { code, out } = await run("multiclass");
    assert.equal(code, 0, out);
    assert.match(out, /over 95%: 9\d\.\d%/);
    assert.match(out, new RegExp(`plot: ${api.base}/v1/jobs/[0-9a-f-]{36}/plots/learning-curve\\.png`));
  });

  it("titanic: the leak check names boat, and the model trains without it", async () => {
    const { code, out } = await run("titanic");
    assert.equal(code, 0, out);
    assert.match(out, /possible leak: "boat" alone predicts "survived"/);
    const accuracy = Number(/succeeded: test accuracy (\S+)/.exec(out)?.[1]);
    assert.ok(accuracy > 0.72 && accuracy < 0.9, `a leak-free accuracy: ${accuracy}`);
  });

  /** examples/python/<name>.py in the Keras venv .ci/run builds (standard library, Keras, onnxruntime). */
  const python = (name: string, ...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) =>
      execFile(
        KERAS_PYTHON,
        [`${ROOT}examples/python/${name}.py`, ...args],
        { cwd: ROOT, env: { ...process.env, TREINO_URL: api.base, TREINO_API_KEY: "key-examples-1" }, timeout: 300_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
      ),
    );
  const lastJson = (out: string) => JSON.parse(out.trim().split("\n").at(-1)!);
  const close = (a: number[][], b: number[][], what: string) => {
    assert.equal(a.length, 5, `${what}: the CSV's first 5 rows`);
    a.forEach((row, i) => row.forEach((p, c) => assert.ok(Math.abs(p - b[i]![c]!) < 1e-4, `${what} row ${i}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`)));
  };

  it(
    "python: trains and registers through the API, follows production, and loads it in onnxruntime and Keras",
    {
      skip: !existsSync(KERAS_PYTHON)
        ? `no Keras venv at ${KERAS_PYTHON} (.ci/run builds it from the wheel cache)`
        : !existsSync(TITANIC)
          ? `no ${TITANIC}`
          : false,
    },
    async () => {
      const ignore = "boat,body,name,ticket,cabin,home.dest";
      const first = await python("train_and_register", TITANIC, "survived", "titanic-app", ignore);
      assert.equal(first.code, 0, first.out + first.err);
      assert.match(first.out, /registered: titanic-app v1\nproduction: new -> v1/);
      const v1 = lastJson(first.out);
      assert.equal(v1.urls["model.json"], "/v1/registry/titanic-app/versions/1/model.json");

      const onnx = await python("follow_production_onnx", "titanic-app", TITANIC);
      assert.equal(onnx.code, 0, onnx.out + onnx.err);
      const o = lastJson(onnx.out);
      assert.equal(o.version, 1);
      assert.equal(o.downloadedAgain, false, "production did not move: the second poll was a 304");
      close(o.onnx, o.api, "onnxruntime vs /predict");
      const keras = await python("follow_production_keras", "titanic-app", TITANIC);
      assert.equal(keras.code, 0, keras.out + keras.err);
      const k = lastJson(keras.out);
      close(k.keras, k.api, "Keras vs /predict");

      // A second training: production moves only if it is at least as accurate; the guard's answer says which.
      const second = await python("train_and_register", TITANIC, "survived", "titanic-app", ignore);
      assert.equal(second.code, 0, second.out + second.err);
      const moved = /production: v?1 -> v2/.test(second.out);
      if (!moved) assert.match(second.out, /production stays: refused: test accuracy 0\.\d{4} \(version 2\) is worse than 0\.\d{4} \(version 1, production\)/);
      const now = lastJson((await python("follow_production_onnx", "titanic-app", TITANIC)).out);
      assert.equal(now.version, moved ? 2 : 1, "the alias URL serves what production points at");
    },
  );
});
