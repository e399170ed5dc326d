import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";
import { ElmSpecSchema } from "../src/training/families/elm/spec.js";
import { mulberry32 } from "../src/training/engine/rng.js";
import { fitElm, nativeScores, type ElmData } from "../src/training/families/elm/fit-elm.js";
import { hiddenModel } from "../src/training/families/elm/hidden.js";
import { randomLayer } from "../src/training/families/elm/random-layers.js";
import { nativeAddon, setFastPath } from "../src/training/engine/native.js";

/** A small regression problem: y = sin(x0) + x1^2 + noise, 3 inputs, n rows. */
function problem(n: number, seed = 1): ElmData {
  const r = mulberry32(seed);
  const x = Float32Array.from({ length: n * 3 }, () => 2 * r() - 1);
  const t = Float32Array.from({ length: n }, (_, i) => Math.sin(3 * x[i * 3]!) + x[i * 3 + 1]! ** 2 + 0.01 * r());
  return { n, x, t };
}

/** Gauss-Jordan elimination with partial pivoting, float64: the reference solver. */
function gaussJordan(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

const run = (train: ElmData) => ({ inputs: 3, k: 1, train, score: () => ({ score: 0, loss: 0 }), onCandidate: async () => true });

describe("fitElm", () => {
  before(() => initBackend("auto"));

  it("agrees with a direct least-squares solution of the normal equations", async () => {
    const spec = ElmSpecSchema.parse({ type: "elm", hiddenUnits: 12, alpha: 1e-3, seed: 5 });
    const data = problem(200);
    const fit = (await fitElm(spec, run(data)))!;
    // Reference: H from the same random layer, then (H^T H + alpha I) beta = H^T t by Gauss-Jordan.
    const hidden = hiddenModel([randomLayer(spec, "sigmoid", 3, 12, spec.seed)]);
    const h = (hidden.predict(tf.tensor2d(data.x, [200, 3])) as tf.Tensor).arraySync() as number[][];
    hidden.dispose();
    const hth = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: 12 }, (_, j) => h.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 1e-3 : 0)),
    );
    const htt = Array.from({ length: 12 }, (_, i) => h.reduce((s, row, r) => s + row[i]! * data.t[r]!, 0));
    const beta = gaussJordan(hth, htt);
    // Small problems are summed in float64 (fit-elm.ts, FLOAT64_WORK), so even this ill-conditioned
    // system's weights agree to float64-ish tolerance, and so do its predictions.
    h.forEach((row, r) => {
      const ref = row.reduce((s, v, j) => s + v * beta[j]!, 0);
      const ours = row.reduce((s, v, j) => s + v * fit.beta[j]!, 0);
      assert.ok(Math.abs(ref - ours) < 1e-7, `row ${r}: ${ours} vs ${ref}`);
    });
    beta.forEach((b, i) => assert.ok(Math.abs(b - fit.beta[i]!) < 1e-6 * Math.max(1, Math.abs(b)), `beta[${i}]: ${fit.beta[i]} vs ${b}`));
  });

  it("gives the same weights block by block as in one block", async () => {
    const data = problem(300);
    const spec = (blockRows: number) => ElmSpecSchema.parse({ type: "elm", hiddenUnits: 40, alpha: 1e-2, blockRows });
    const whole = (await fitElm(spec(100_000), run(data)))!;
    const blocks = (await fitElm(spec(7), run(data)))!;
    const hidden = hiddenModel(whole.layers);
    const h = (hidden.predict(tf.tensor2d(data.x, [300, 3])) as tf.Tensor).arraySync() as number[][];
    hidden.dispose();
    h.forEach((row, r) => {
      const a = row.reduce((s, v, j) => s + v * whole.beta[j]!, 0);
      const b = row.reduce((s, v, j) => s + v * blocks.beta[j]!, 0);
      assert.ok(Math.abs(a - b) < 1e-9, `row ${r}: ${a} vs ${b}`);
    });
  });

  it("is reproducible by seed", async () => {
    const data = problem(100);
    const spec = (seed: number) => ElmSpecSchema.parse({ type: "elm", hiddenUnits: 20, seed });
    const [a, b, c] = [await fitElm(spec(3), run(data)), await fitElm(spec(3), run(data)), await fitElm(spec(4), run(data))];
    assert.deepEqual(a!.beta, b!.beta);
    assert.notDeepEqual(a!.beta, c!.beta);
  });

  it("interpolates the training rows with more nodes than rows (dual form, tiny alpha)", async () => {
    const data = problem(30);
    const fit = (await fitElm(ElmSpecSchema.parse({ type: "elm", hiddenUnits: 80, alpha: 1e-9, activation: "tanh" }), run(data)))!;
    const hidden = hiddenModel(fit.layers);
    const h = (hidden.predict(tf.tensor2d(data.x, [30, 3])) as tf.Tensor).arraySync() as number[][];
    hidden.dispose();
    h.forEach((row, i) => {
      const y = row.reduce((s, v, j) => s + v * fit.beta[j]!, 0);
      assert.ok(Math.abs(y - data.t[i]!) < 1e-2, `row ${i}: ${y} vs ${data.t[i]}`);
    });
  });

  it(
    "fits a large ELM in BLAS/LAPACK as tfjs and JavaScript do (every node function)",
    { skip: nativeAddon() ? false : "native addon not built" },
    async () => {
      // 3,000 rows x 300 nodes is past FLOAT64_WORK: H in BLAS, H^T H by ssyrk, the solve by dposv.
      const data = problem(3000, 7);
      for (const activation of ["sigmoid", "tanh", "relu", "sine", "hardlim"]) {
        const spec = ElmSpecSchema.parse({ type: "elm", hiddenUnits: 300, alpha: 1e-2, activation, blockRows: 1000 });
        const native = (await fitElm(spec, run(data)))!;
        setFastPath(false);
        const plain = await fitElm(spec, run(data)).finally(() => setFastPath(true));
        // Predictions through the exported layers (tfjs), with either solution's weights.
        const hidden = hiddenModel(native.layers);
        const h = (hidden.predict(tf.tensor2d(data.x, [3000, 3])) as tf.Tensor).arraySync() as number[][];
        hidden.dispose();
        // Reference: the same system in float64 throughout (H from the tfjs layers, Gauss-Jordan).
        const units = 300;
        const hth = Array.from({ length: units }, (_, i) =>
          Array.from({ length: units }, (_, j) => h.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 1e-2 : 0)),
        );
        const htt = Array.from({ length: units }, (_, i) => h.reduce((s, row, r) => s + row[i]! * data.t[r]!, 0));
        const exact = gaussJordan(hth, htt);
        const error = (beta: ArrayLike<number>) => Math.max(...h.map((row, r) => Math.abs(row.reduce((s, v, j) => s + v * (beta[j]! - exact[j]!), 0))));
        const [ours, theirs] = [error(native.beta), error(plain!.beta)];
        // The scores calibration uses (BLAS) are the exported layers' (tfjs) up to float32 rounding.
        const scores = nativeScores(native, data.x, 3000, 3, 1)!;
        h.forEach((row, r) => {
          const y = row.reduce((s, v, j) => s + v * native.beta[j]!, 0);
          assert.ok(Math.abs(scores[r]! - y) < 1e-3 * Math.max(1, Math.abs(y)), `${activation} row ${r}: score ${scores[r]} vs ${y}`);
        });
        // Both sum float32 products per block; BLAS's rounding is no worse than tfjs's.
        assert.ok(ours < Math.max(2 * theirs, 1e-3), `${activation}: off the float64 solution by ${ours} (tfjs path: ${theirs})`);
      }
    },
  );

  it("draws the first m nodes of a larger layer exactly as a layer of m nodes", () => {
    const spec = { distribution: "uniform" as const, scale: 1 };
    const big = randomLayer(spec, "sigmoid", 4, 100, 9);
    const small = randomLayer(spec, "sigmoid", 4, 10, 9);
    for (let i = 0; i < 4; i++)
      assert.deepEqual(Array.from(big.weights.subarray(i * 100, i * 100 + 10)), Array.from(small.weights.subarray(i * 10, i * 10 + 10)));
    assert.deepEqual(Array.from(big.bias.subarray(0, 10)), Array.from(small.bias));
  });
});
