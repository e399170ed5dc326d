/**
 * The ELM reference workload (issue 5, docs/notes/cpu-compute.md): n = 20,000 rows,
 * d = 100 inputs, 1,000 sigmoid nodes, 10 classes. Seconds per phase of our fit, against, in the
 * same run: tfjs's own transposed matMul for H^T H (what a naive port does) and numpy (float32,
 * OpenBLAS) when python3 has it.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tf } from "../src/training/engine/tf.js";
import { fitElm } from "../src/training/families/elm/fit-elm.js";
import { hiddenModel } from "../src/training/families/elm/hidden.js";
import { randomLayers } from "../src/training/families/elm/random-layers.js";
import { mulberry32 } from "../src/training/engine/rng.js";
import { ElmSpecSchema } from "../src/training/families/elm/spec.js";

const NUMPY = `
import time, numpy as np
n, d, L, k = N, D, U, 10
rng = np.random.default_rng(0)
X = rng.standard_normal((n, d), dtype=np.float32); T = np.eye(k, dtype=np.float32)[rng.integers(0, k, n)]
W = rng.uniform(-1, 1, (d, L)).astype(np.float32); b = rng.uniform(-1, 1, L).astype(np.float32)
H = 1 / (1 + np.exp(-(X @ W + b))); A = H.T @ H; np.linalg.solve(A.astype(np.float64) + np.eye(L), (H.T @ T).astype(np.float64))  # warm-up
t0 = time.perf_counter(); H = 1 / (1 + np.exp(-(X @ W + b))); t1 = time.perf_counter()
A = H.T @ H; B = H.T @ T; t2 = time.perf_counter()
beta = np.linalg.solve(A.astype(np.float64) + 1e-6 * np.eye(L), B.astype(np.float64)); t3 = time.perf_counter()
print(f'{{"hidden": {t1-t0}, "gram": {t2-t1}, "solve": {t3-t2}, "total": {t3-t0}}}')
`;

export async function benchElm(n = 20_000, d = 100, units = 1000) {
  const k = 10;
  const r = mulberry32(1);
  const x = Float32Array.from({ length: n * d }, () => 2 * r() - 1);
  const t = new Float32Array(n * k);
  for (let i = 0; i < n; i++) t[i * k + Math.floor(r() * k)] = 1;
  const spec = ElmSpecSchema.parse({ type: "elm", hiddenUnits: units, activation: "sigmoid" }); // blockRows: the default, as jobs run

  const fitOn = (rows: number) =>
    fitElm(spec, {
      inputs: d,
      k,
      train: { n: rows, x: x.subarray(0, rows * d), t: t.subarray(0, rows * k) },
      score: () => ({ score: 0, loss: 0 }),
      onCandidate: async () => true,
    });
  await fitOn(n); // warm-up (a worker runs many jobs): thread pools, first-touch pages, JIT; numpy warms up too
  const t0 = performance.now();
  const fit = await fitOn(n);
  const total = (performance.now() - t0) / 1000;

  // Baseline: H^T H with tfjs's transposed-operand matMul, on one block of the same H.
  const hidden = hiddenModel(randomLayers(spec, d, units));
  const rows = 5000;
  const h = hidden.predict(tf.tensor2d(x.subarray(0, rows * d), [rows, d])) as tf.Tensor2D;
  let t1 = performance.now();
  tf.matMul(h, h, true, false).dataSync();
  const naiveBlock = (performance.now() - t1) / 1000;
  t1 = performance.now();
  tf.matMul(tf.transpose(h), h).dataSync();
  const oursBlock = (performance.now() - t1) / 1000;
  tf.dispose(h);
  hidden.dispose();

  let numpy: unknown = "skipped (python3 with numpy not found)";
  try {
    const script = NUMPY.replace("N", String(n)).replace("D", String(d)).replace("U", String(units));
    numpy = JSON.parse(execFileSync(existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3", ["-c", script], { encoding: "utf8", timeout: 120_000 }));
  } catch {
    // keep the skip note
  }
  return {
    workload: `n=${n}, d=${d}, ${units} sigmoid nodes, ${k} classes`,
    ours: { seconds: fit!.seconds, total },
    gramOfOneBlock: { rows, tfjsTransposedMatMul: naiveBlock, preTransposed: oursBlock, speedup: naiveBlock / oursBlock },
    numpy,
    vsNumpy: typeof numpy === "object" && numpy ? Math.round((total / (numpy as { total: number }).total) * 100) / 100 : null,
  };
}
