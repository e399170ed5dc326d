/**
 * The xgboost family against python3-xgboost's `xgb.train` in the same run (bench/peers/xgboost_train.py),
 * on the same float32 rows and parameters, both with XGBOOST_THREADS threads (default 1):
 *  - fit seconds (DMatrix from the rows, the rounds, training and validation loss evaluated each
 *    round) and the largest difference between the two boosters' test predictions;
 *  - a satellite-sized table (6,435 x 36, 6 classes, 300 rounds at eta 0.1, depth 6) and a
 *    200,000 x 50 binary table (100 rounds);
 *  - whole jobs through a real API and worker on the satellite-sized table uploaded as CSV: the
 *    xgboost job's phases and time outside its fit, beside a random forest's on the same upload.
 * Run alone: `node --import tsx bench/xgboost.ts` (BENCH_XGB_LARGE=0 skips the 200,000-row table).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../src/training/engine/rng.js";
import type { FitData } from "../src/training/train/classic/data.js";
import { boosterParams, fitBooster } from "../src/training/families/xgboost/fit.js";
import { xgb, xgboostMissing, configureXgboost } from "../src/training/families/xgboost/library.js";
import { predictBooster } from "../src/training/families/xgboost/predict.js";
import { XgboostSpecSchema } from "../src/training/families/xgboost/spec.js";
import { createTestEnv, waitForJob } from "../test/harness.js";

const PEER = fileURLToPath(new URL("./peers/xgboost_train.py", import.meta.url));
const THREADS = Number(process.env.XGBOOST_THREADS ?? 1);

/** x uniform in [-2, 2); the label from a nonlinear score of the first inputs (k classes). */
function table(n: number, d: number, k: number, seed: number): FitData {
  const r = mulberry32(seed);
  const x = new Float32Array(n * d).map(() => r() * 4 - 2);
  const y = new Float64Array(n).map((_, i) => {
    const o = i * d;
    const s = Math.sin(x[o]! * 1.5) + x[o + 1]! * x[o + 2]! * 0.5 + Math.abs(x[o + 3]!) - 1 + (r() - 0.5) * 0.6;
    return Math.min(k - 1, Math.max(0, Math.floor(((s + 2.5) / 5) * k)));
  });
  return { n, d, x, y, k };
}

async function versusPeer(name: string, n: number, d: number, k: number, spec: object) {
  const parsed = XgboostSpecSchema.parse({ type: "xgboost", ...spec });
  const [train, valid, test] = [table(Math.round(n * 0.8), d, k, 1), table(Math.round(n * 0.2), d, k, 2), table(2000, d, k, 3)];
  const started = performance.now();
  const fit = await fitBooster(parsed, train, { hooks: { onEpoch: async () => true, onEpochs: async () => true }, warnings: [], validation: valid });
  const oursSeconds = (performance.now() - started) / 1000;
  if (fit.kind !== "classic") throw new Error("not fitted");
  const ours = predictBooster(fit.model, test.x, test.n, d).values;

  const dir = mkdtempSync(`${tmpdir()}/treino-xgb-bench-`);
  const file = (f: string, a: Float32Array) => (writeFileSync(`${dir}/${f}`, a), `${dir}/${f}`);
  const part = (p: string, t: FitData) => ({ x: file(`${p}-x`, t.x), y: file(`${p}-y`, Float32Array.from(t.y)), rows: t.n });
  const peer = JSON.parse(
    execFileSync("/usr/bin/python3", [PEER], {
      input: JSON.stringify({
        train: part("train", train),
        valid: part("valid", valid),
        test: part("test", test),
        cols: d,
        params: boosterParams(parsed, k, THREADS),
        rounds: parsed.nEstimators,
        threads: THREADS,
        out: `${dir}/pred`,
      }),
      maxBuffer: 1 << 24,
    }).toString(),
  );
  const raw = readFileSync(`${dir}/pred`);
  const theirs = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  let worst = 0;
  for (let i = 0; i < test.n; i++) {
    for (let c = 0; c < (k === 2 ? 1 : k); c++) {
      const a = k === 2 ? ours[i * 2 + 1]! : ours[i * k + c]!;
      worst = Math.max(worst, Math.abs(a - theirs[i * (k === 2 ? 1 : k) + c]!));
    }
  }
  return {
    name,
    rows: n,
    inputs: d,
    classes: k,
    rounds: parsed.nEstimators,
    threads: THREADS,
    oursFitSeconds: Math.round(oursSeconds * 1000) / 1000,
    peerFitSeconds: Math.round(peer.fitSeconds * 1000) / 1000,
    ratio: Math.round((oursSeconds / peer.fitSeconds) * 1000) / 1000,
    maxPredictionDifference: worst,
    peer: `python3-xgboost ${peer.version} xgb.train`,
  };
}

/** The satellite-sized table as CSV through the API: an xgboost job and a random forest job, with their phases. */
async function jobs() {
  const t = table(6435, 36, 6, 4);
  const lines = [[...Array.from({ length: t.d }, (_, j) => `x${j}`), "class"].join(",")];
  for (let i = 0; i < t.n; i++) lines.push([...Array.from(t.x.subarray(i * t.d, (i + 1) * t.d), (v) => v.toFixed(5)), `c${t.y[i]}`].join(","));
  const env = await createTestEnv({ MAX_JOB_SECONDS: "1800" });
  try {
    await env.startWorker();
    const up = await env.api().post("/v1/datasets?name=satellite-sized.csv").set("content-type", "text/csv").send(lines.join("\n"));
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${up.text}`);
    const out = [];
    for (const model of [
      { type: "xgboost", nEstimators: 300, learningRate: 0.1 },
      { type: "randomForest", trees: 100 },
    ]) {
      const res = await env
        .api()
        .post("/v1/jobs")
        .send({ datasetId: up.body.id, target: "class", split: { test: 0.2, validation: 0.1 }, model });
      const job = await waitForJob(env, res.body.id, undefined, 900_000);
      if (job.status !== "succeeded") throw new Error(`${model.type}: ${job.status} ${JSON.stringify(job.error)}`);
      const seconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
      const phases: Record<string, number> = job.metrics.phases ?? {};
      out.push({
        model: model.type,
        seconds,
        phases,
        outsideFitSeconds: Math.round((seconds - (phases.fit ?? 0)) * 1000) / 1000,
        epochRows: job.history.loss?.length ?? 1,
        testAccuracy: job.metrics.test.accuracy,
      });
    }
    return out;
  } finally {
    await env.close();
  }
}

export async function benchXgboost() {
  configureXgboost({ XGBOOST_THREADS: THREADS, XGBOOST_LIBRARY: process.env.XGBOOST_LIBRARY ?? "libxgboost.so.0" });
  const missing = xgboostMissing();
  if (missing) return `skipped: ${missing}`;
  const fits = [await versusPeer("satellite-sized", 6435, 36, 6, { nEstimators: 300, learningRate: 0.1, maxDepth: 6 })];
  if (process.env.BENCH_XGB_LARGE !== "0") fits.push(await versusPeer("200k x 50", 200_000, 50, 2, { nEstimators: 100, learningRate: 0.1, maxDepth: 6 }));
  return { library: xgb().version(), fits, jobs: await jobs() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchXgboost(), null, 2));
  process.exit(0);
}
