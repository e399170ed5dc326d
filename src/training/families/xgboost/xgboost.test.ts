import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../../engine/rng.js";
import type { Checkpoint } from "../../engine/checkpoint.js";
import type { FitHooks } from "../../engine/epoch-loop.js";
import type { FitData } from "../../train/classic/data.js";
import { boosterParams, fitBooster } from "./fit.js";
import { xgboostMissing } from "./library.js";
import type { XgbModel } from "./model.js";
import { explainBooster, predictBooster } from "./predict.js";
import { XgboostSpecSchema } from "./spec.js";

const PEER = fileURLToPath(new URL("../../../../bench/peers/xgboost_train.py", import.meta.url));
const PYTHON = "/usr/bin/python3";
const missing = xgboostMissing();
const hasPython = (() => {
  try {
    execFileSync(PYTHON, ["-c", "import xgboost"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Rows with a nonlinear class boundary (k classes) or target (k = 0), some inputs missing (NaN). */
function table(n: number, d: number, k: number, seed: number): FitData {
  const rand = mulberry32(seed);
  const x = new Float32Array(n * d).map(() => rand() * 4 - 2);
  for (let i = 0; i < n; i += 17) x[i * d + 1] = NaN;
  const y = new Float64Array(n).map((_, i) => {
    const s = Math.sin(x[i * d]!) + (x[i * d + 2]! * x[i * d + 3]!) / 2 + (Number.isNaN(x[i * d + 1]!) ? 0.5 : x[i * d + 1]!) + (rand() - 0.5) * 0.3;
    return k === 0 ? s : Math.min(k - 1, Math.max(0, Math.floor((s + 2) * (k / 4))));
  });
  return { n, d, x, y, k };
}

const noHooks = (over: Partial<FitHooks> = {}): FitHooks => ({ onEpoch: async () => true, ...over });
const run = (hooks = noHooks(), validation?: FitData) => ({ hooks, warnings: [] as string[], validation });

async function fitted(spec: object, data: FitData, hooks = noHooks(), validation?: FitData): Promise<XgbModel> {
  const fit = await fitBooster(XgboostSpecSchema.parse({ type: "xgboost", ...spec }), data, run(hooks, validation));
  assert.equal(fit.kind, "classic");
  return (fit as { model: XgbModel }).model;
}

describe("xgboost fit", { skip: missing ?? false }, () => {
  it(
    "predicts what python3-xgboost's xgb.train predicts on the same rows and parameters (1e-6)",
    { skip: hasPython ? false : "no python3-xgboost" },
    async () => {
      const dir = mkdtempSync(`${tmpdir()}/treino-xgb-unit-`);
      for (const [k, spec] of [
        [3, { nEstimators: 30, maxDepth: 4, subsample: 0.8, colsampleBytree: 0.7, learningRate: 0.2, seed: 3 }],
        [2, { nEstimators: 25, lambda: 2, alpha: 0.1, gamma: 0.05, minChildWeight: 2 }],
        [0, { nEstimators: 40, maxBin: 32 }],
      ] as const) {
        const train = table(600, 6, k, 1);
        const valid = table(200, 6, k, 2);
        const test = table(300, 6, k, 3);
        const model = await fitted(spec, train, noHooks(), valid);
        const ours = predictBooster(model, test.x, test.n, test.d).values;
        const file = (name: string, a: Float32Array) => (writeFileSync(`${dir}/${name}`, a), `${dir}/${name}`);
        const part = (name: string, p: FitData) => ({ x: file(`${name}-x`, p.x), y: file(`${name}-y`, Float32Array.from(p.y)), rows: p.n });
        const params = boosterParams(XgboostSpecSchema.parse({ type: "xgboost", ...spec }), k, 1);
        execFileSync(PYTHON, [PEER], {
          input: JSON.stringify({
            train: part("train", train),
            valid: part("valid", valid),
            test: part("test", test),
            cols: 6,
            params,
            rounds: spec.nEstimators,
            threads: 1,
            out: `${dir}/pred`,
          }),
        });
        const raw = readFileSync(`${dir}/pred`);
        const theirs = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
        // Ours turns a binary booster's one output into [1 - p, p].
        const expected = k === 2 ? Float32Array.from({ length: test.n * 2 }, (_, i) => (i % 2 ? theirs[i >> 1]! : 1 - theirs[i >> 1]!)) : theirs;
        assert.equal(ours.length, expected.length);
        let worst = 0;
        ours.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]!))));
        assert.ok(worst <= 1e-6, `k=${k}: largest difference ${worst}`);
      }
    },
  );

  it("resumes from a checkpoint to the same booster as one uninterrupted run", async () => {
    const data = table(500, 5, 3, 4);
    const whole = await fitted({ nEstimators: 30, maxDepth: 3 }, data);
    let saved: Checkpoint | undefined;
    // A shutdown after the first batch of rounds: checkpointed, then interrupted.
    const first = await fitBooster(
      XgboostSpecSchema.parse({ type: "xgboost", nEstimators: 12, maxDepth: 3 }),
      data,
      run(noHooks({ checkpointEvery: 1, stopRequested: () => true, onCheckpoint: async (cp) => void (saved = cp) })),
    );
    assert.equal(first.kind, "interrupted");
    assert.equal(saved?.epoch, 12);
    const resumed = await fitted({ nEstimators: 30, maxDepth: 3 }, data, noHooks({ resume: saved }));
    assert.equal(resumed.rounds, 30);
    const a = predictBooster(whole, data.x, data.n, data.d).values;
    const b = predictBooster(resumed, data.x, data.n, data.d).values;
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-6, `row ${Math.floor(i / 3)}: ${v} vs ${b[i]}`));
  });

  it("reports every round as an epoch, stops early on the validation loss and keeps the best round", async () => {
    const reported: number[] = [];
    const train = table(400, 5, 2, 5);
    const valid = table(150, 5, 2, 6);
    const fit = await fitBooster(
      XgboostSpecSchema.parse({ type: "xgboost", nEstimators: 500, learningRate: 0.5, maxDepth: 6, earlyStoppingRounds: 5 }),
      train,
      run(
        noHooks({
          onEpochs: async (first, logs) => {
            logs.forEach((_, i) => reported.push(first + i));
            return true;
          },
        }),
        valid,
      ),
    );
    assert.equal(fit.kind, "classic");
    if (fit.kind !== "classic") return;
    const rounds = fit.rounds!;
    assert.deepEqual(
      reported,
      Array.from({ length: rounds.run }, (_, i) => i),
      "each round once, in order",
    );
    assert.ok(rounds.run < 500);
    const val = rounds.history.val_loss!;
    const best = val.indexOf(Math.min(...val));
    assert.equal(rounds.run, best + 1 + 5);
    assert.equal(fit.model.rounds, best + 1);
    assert.ok(rounds.history.accuracy!.every((a) => a >= 0 && a <= 1));
  });

  it("explains each row: the contributions and the bias add up to the margin", async () => {
    const data = table(300, 4, 0, 7);
    const model = await fitted({ nEstimators: 20 }, data);
    const rows = data.x.subarray(0, 10 * data.d);
    const c = explainBooster(model, rows, 10, data.d);
    assert.deepEqual([c.n, c.groups, c.width], [10, 1, 5]);
    const values = predictBooster(model, rows, 10, data.d).values;
    for (let i = 0; i < 10; i++) {
      const sum = c.values.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - values[i]!) < 1e-4, `row ${i}: ${sum} vs ${values[i]}`);
    }
  });
});
