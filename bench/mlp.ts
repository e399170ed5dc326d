/**
 * The reference MLP (issue 11, docs/notes/cpu-compute.md): 20,000 x 100, Dense 256-256-10,
 * Adam, categorical crossentropy, batch 128 and 512. Samples/s of tfjs model.fit on wasm and on
 * tfjs-node (each backend in a child process of its own, as a worker would run it), of the MLP
 * fast path, and of PyTorch and scikit-learn from bench/peers/torch_sklearn_numpy.py in the
 * same run when Debian's python3-torch is importable by /usr/bin/python3.
 * Run alone: `node --import tsx bench/mlp.ts` prints this JSON; with BENCH_MLP_CHILD=1 it times
 * the current TFJS_BACKEND only.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tf, tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";
import { fitModel } from "../src/training/engine/epoch-loop.js";
import { nativeAddon } from "../src/training/engine/native.js";
import { TrainingOptionsSchema } from "../src/training/spec/training-options.js";
import { mulberry32 } from "../src/training/engine/rng.js";

const N = 20_000,
  D = 100,
  K = 10;
const PEERS = fileURLToPath(new URL("./peers/torch_sklearn_numpy.py", import.meta.url));

/** The peers' data: x uniform in [-1, 1), class from a weighted sum of the first 10 features. */
function data() {
  const r = mulberry32(1);
  const x = Float32Array.from({ length: N * D }, () => r() * 2 - 1);
  const y = new Float32Array(N * K);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < 10; j++) s += x[i * D + j]! * (j + 1);
    y[i * K + Math.min(K - 1, Math.max(0, Math.floor((s + 15) / 3)))] = 1;
  }
  return { x: tf.tensor2d(x, [N, D]), y: tf.tensor2d(y, [N, K]) };
}

function network(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [D], units: 256, activation: "relu", kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.dense({ units: 256, activation: "relu", kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      tfl.layers.dense({ units: K, activation: "softmax", kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

/** Samples/s over `epochs` after one warm-up epoch, and the final training accuracy. */
async function time(train: (m: tfl.LayersModel, epochs: number) => Promise<unknown>, epochs: number) {
  const m = network();
  await train(m, 1);
  const t0 = performance.now();
  await train(m, epochs);
  const seconds = (performance.now() - t0) / 1000;
  m.dispose();
  return Math.round((N * epochs) / seconds);
}

/** This process's backend: tfjs's own fit, and (where built) the fast path, at both batch sizes. */
async function backendRun(epochs: number) {
  const backend = await initBackend((process.env.TFJS_BACKEND as "auto") ?? "auto");
  const { x, y } = data();
  const out: Record<string, unknown> = { backend };
  for (const batchSize of [128, 512]) {
    const fit = (m: tfl.LayersModel, e: number) => m.fit(x, y, { epochs: e, batchSize, shuffle: true, verbose: 0 });
    out[`tfjsFit_b${batchSize}`] = await time(fit, epochs);
    if (nativeAddon()) {
      const opts = TrainingOptionsSchema.parse({ batchSize });
      const fast = (m: tfl.LayersModel, e: number) =>
        fitModel(m, { x: [x], y, loss: "categorical_crossentropy" }, { ...opts, epochs: e }, { onEpoch: async () => true });
      out[`fastPath_b${batchSize}`] = await time(fast, Math.max(epochs, 3));
    }
  }
  tf.dispose([x, y]);
  return out;
}

function child(backend: string, epochs: number): Record<string, unknown> | string {
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_MLP_CHILD: "1", TFJS_BACKEND: backend, BENCH_MLP_EPOCHS: String(epochs), TF_CPP_MIN_LOG_LEVEL: "2" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 900_000,
    });
    return JSON.parse(out.trim().split("\n").at(-1)!);
  } catch (err) {
    return `skipped (${(err as Error).message.split("\n")[0]})`;
  }
}

/** PyTorch and scikit-learn samples/s from the shared peers script, or why they were skipped. */
export function peers(): Record<string, number> | string {
  if (!existsSync(PEERS)) return `skipped (${PEERS} not found)`;
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch, sklearn, scipy"], { stdio: "ignore" });
  } catch {
    return "skipped (/usr/bin/python3 cannot import torch, sklearn, scipy: apt-get install python3-torch python3-sklearn python3-scipy)";
  }
  const text = execFileSync("/usr/bin/python3", [PEERS], { encoding: "utf8", timeout: 900_000 });
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(torch mlp|sklearn MLPClassifier) batch=(\d+).*? (\d+) samples\/s/gm))
    out[`${m[1] === "torch mlp" ? "pytorch" : "sklearn"}_b${m[2]}`] = Number(m[3]);
  for (const m of text.matchAll(/^numpy ELM L=1000 float32: .*total ([\d.]+) ms/gm)) out.numpyElmSeconds = Number(m[1]) / 1000;
  return out;
}

export async function benchMlp() {
  const wasm = child("wasm", 1);
  const tensorflow = child("tensorflow", 2);
  const peer = peers();
  const ratio = (a: unknown, b: unknown) => (typeof a === "number" && typeof b === "number" ? Math.round((a / b) * 100) / 100 : null);
  const fast = typeof tensorflow === "object" ? tensorflow : typeof wasm === "object" ? wasm : {};
  return {
    workload: `${N}x${D}, dense 256-256-${K}, adam, categorical crossentropy; samples/s`,
    wasm,
    tensorflow,
    peers: peer,
    fastPathVsPytorch:
      typeof peer === "object" ? { b128: ratio(fast.fastPath_b128, peer.pytorch_b128), b512: ratio(fast.fastPath_b512, peer.pytorch_b512) } : null,
  };
}

if (process.env.BENCH_MLP_CHILD === "1") {
  console.log(JSON.stringify(await backendRun(Number(process.env.BENCH_MLP_EPOCHS ?? 2))));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchMlp(), null, 2));
}
