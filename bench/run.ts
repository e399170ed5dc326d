/**
 * `npm run bench`: measures our code against a baseline in the same run and prints JSON.
 *  - mlp: the reference MLP's samples/s on wasm, on tfjs-node and on the native fast path, with
 *    PyTorch and scikit-learn (bench/peers) in the same run (bench/mlp.ts). BENCH_MLP=0 skips.
 *  - polling: GET /v1/jobs/:id, /v1/jobs, /v1/models/:id on a real API vs bare Fastify routes
 *    (autocannon, bench/polling.ts). BENCH_POLL=0 skips.
 *  - jobPhases: whole jobs through the API and a worker on the reference data, with their
 *    phases (bench/job-phases.ts). BENCH_JOBS=0 skips.
 *  - functional: issue 22's functional network (BatchNorm, two Embeddings, Concatenate, Dropout) on
 *    100,000 rows through the API against its PyTorch twin (bench/functional.ts). BENCH_FUNCTIONAL=0 skips.
 *  - typedRead: the reference table read from its typed columns vs from its CSV text, and the
 *    upload's ingest with and without building them (bench/typed-read.ts). BENCH_TYPED=0 skips.
 *  - train: samples/s of fitModel (seeded per-epoch order, hooks) vs plain tfjs model.fit on the
 *    same backend, data and network (the reference workload of docs/notes/cpu-compute.md).
 *  - ingest: MB/s of ingestCsv (hash + profile + chunks) vs bare csv-parse over the same bytes.
 *  - elm: seconds per phase of an ELM fit (n 20,000, d 100, 1,000 nodes) vs tfjs's transposed matMul
 *    and numpy in the same run. BENCH_ELM=0 skips it.
 *  - apiIngest: a generated CSV of BENCH_INGEST_MB (default 1024; 0 skips) uploaded to a real API
 *    process, its RSS sampled, against csv-parse alone over the same bytes.
 *  - workerMemory: peak RSS of a real worker's training process on 2,000,000 x 20 (the default
 *    limits), against the old string[][] layout read in the same run (bench/worker-memory.ts;
 *    BENCH_MEMORY=0 skips).
 *  - baselines: random forest, SVM, logistic regression, kNN and naive Bayes vs scikit-learn on the
 *    same encoded matrix and split (digits; Spotify when ../shared has it): seconds and accuracy
 *    (bench/baselines.ts). BENCH_BASELINES=0 skips.
 *  - xgboost: the xgboost family's fit vs python3-xgboost's xgb.train on the same rows (seconds,
 *    largest prediction difference) and whole xgboost jobs' phases (bench/xgboost.ts). BENCH_XGB=0 skips.
 *  - trials: 300 logistic-regression trials on iris with 2 workers, trials/minute and where a
 *    trial's time goes (bench/trials.ts). BENCH_TRIALS=0 skips.
 *  - automl: AutoML with a 120 s budget on 2 workers against the best of six default scikit-learn /
 *    XGBoost models picked in hindsight, on the eight public tables (bench/automl.ts, ~17 min).
 *    BENCH_AUTOML=0 skips.
 *  - readsAtScale: 100,000 jobs, 5,000,000 epochs and a 500-trial experiment seeded in SQL, the
 *    reads polled with autocannon (bench/reads-at-scale.ts, ~2.5 min). BENCH_SCALE=0 skips.
 *  - exports: the reference MLP as a Keras 3 archive and as ONNX vs tfjs's own save, in ms
 *    (bench/exports.ts). BENCH_EXPORTS=0 skips.
 *  - hardening: issue 19's attacks against the old way in the same run: a spec's summary from its
 *    shapes vs built by tfjs, the upload profiler with and without its per-upload budget, an
 *    export in a worker thread vs on the caller's loop (bench/hardening.ts). BENCH_HARDENING=0 skips.
 *  - registry: an alias's and a version's URLs against the model's own (model.json, weights.bin,
 *    predict), a 304 revalidation, and alias moves one after another (bench/registry.ts, ~1 min).
 *    BENCH_REGISTRY=0 skips.
 * Sizes: BENCH_ROWS (default 20000), BENCH_EPOCHS (2), BENCH_CSV_MB (20).
 */
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import os from "node:os";
import { parse } from "csv-parse";
import { tf, tfl } from "../src/training/engine/tf.js";
import { initBackend } from "../src/training/engine/backend.js";
import { fitModel } from "../src/training/engine/epoch-loop.js";
import { ingest } from "../src/datasets/ingest.js";
import { TrainingOptionsSchema } from "../src/training/spec/training-options.js";
import { benchApiIngest } from "./api-ingest.js";
import { benchElm } from "./elm.js";
import { benchBaselines } from "./baselines.js";
import { benchXgboost } from "./xgboost.js";
import { benchTrials } from "./trials.js";
import { benchAutoml } from "./automl.js";
import { benchReadsAtScale } from "./reads-at-scale.js";
import { benchExports } from "./exports.js";
import { benchHardening } from "./hardening.js";
import { benchWorkerMemory } from "./worker-memory.js";
import { benchMlp } from "./mlp.js";
import { benchPolling } from "./polling.js";
import { benchJobPhases } from "./job-phases.js";
import { benchFunctional } from "./functional.js";
import { benchTypedRead } from "./typed-read.js";
import { benchRegistry } from "./registry.js";
import { nativeAddon } from "../src/training/engine/native.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 2);
const CSV_MB = Number(process.env.BENCH_CSV_MB ?? 20);
const INGEST_MB = Number(process.env.BENCH_INGEST_MB ?? 1024);

function network(seed: number): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: s });
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [100], units: 256, activation: "relu", kernelInitializer: init(seed) }),
      tfl.layers.dense({ units: 256, activation: "relu", kernelInitializer: init(seed + 1) }),
      tfl.layers.dense({ units: 10, activation: "softmax", kernelInitializer: init(seed + 2) }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return m;
}

async function benchTrain() {
  const x = tf.randomNormal([ROWS, 100], 0, 1, "float32", 1) as tf.Tensor2D;
  const y = tf.cast(tf.oneHot(tf.randomUniform([ROWS], 0, 10, "int32", 2) as tf.Tensor1D, 10), "float32") as tf.Tensor2D;
  const time = async (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    return (performance.now() - t0) / 1000;
  };
  // Warm-up: the first fit on a backend pays one-time kernel setup; keep it out of both timings.
  const warm = network(1);
  await warm.fit(tf.slice(x, 0, 1024), tf.slice(y, 0, 1024), { epochs: 1, batchSize: 128, verbose: 0 });
  warm.dispose();
  const baseModel = network(7);
  const baseline = await time(() => baseModel.fit(x, y, { epochs: EPOCHS, batchSize: 128, shuffle: true, verbose: 0 }));
  const ourModel = network(7);
  const opts = TrainingOptionsSchema.parse({ epochs: EPOCHS, batchSize: 128 });
  const ours = await time(() => fitModel(ourModel, { x: [x], y }, opts, { onEpoch: async () => true }));
  tf.dispose([x, y]);
  baseModel.dispose();
  ourModel.dispose();
  const rate = (s: number) => Math.round((ROWS * EPOCHS) / s);
  return {
    workload: `${ROWS}x100, dense 256-256-10, adam, batch 128, ${EPOCHS} epochs`,
    baseline: { name: "tfjs model.fit", seconds: baseline, samplesPerSecond: rate(baseline) },
    ours: { name: "fitModel", seconds: ours, samplesPerSecond: rate(ours) },
    ratio: baseline / ours,
  };
}

function syntheticCsv(mb: number): Buffer {
  const lines = ["id,age,fare,sex,embarked,survived"];
  let size = 0;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const line = `${i},${(i * 7) % 80},${((i * 13) % 500) / 3},${i % 2 ? "male" : "female"},${"CQS"[i % 3]},${i % 2}`;
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join("\n") + "\n");
}

async function benchIngest() {
  const csv = syntheticCsv(CSV_MB);
  const mbs = csv.length / 1024 / 1024;
  const chunks = (buf: Buffer) =>
    Readable.from(
      (function* () {
        for (let i = 0; i < buf.length; i += 64 * 1024) yield buf.subarray(i, i + 64 * 1024);
      })(),
    );
  const rssBefore = process.memoryUsage().rss;
  let t0 = performance.now();
  let records = 0;
  await pipeline(
    chunks(csv),
    parse({ bom: true }),
    new Writable({
      objectMode: true,
      write(_r, _e, done) {
        records++;
        done();
      },
    }),
  );
  const raw = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const result = await ingest(chunks(csv), {
    format: "csv",
    limits: { maxBytes: Infinity, maxRows: Infinity, maxColumns: 1000, maxCells: Infinity, maxLineBytes: 1024 * 1024 },
    onChunk: async () => undefined,
  });
  const ours = (performance.now() - t0) / 1000;
  return {
    sizeMB: Math.round(mbs * 10) / 10,
    rows: result.rows,
    baseline: { name: "csv-parse alone", seconds: raw, mbPerSecond: mbs / raw, records },
    ours: { name: "ingest (utf-8 check, hash, profile, chunks)", seconds: ours, mbPerSecond: mbs / ours },
    ratio: raw / ours,
    rssGrowthMB: Math.round((process.memoryUsage().rss - rssBefore) / 1024 / 1024),
  };
}

const skip = (name: string) => process.env[name] === "0";
const backend = await initBackend((process.env.TFJS_BACKEND as "auto") ?? "auto");
const report = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  backend: `${backend}${nativeAddon() ? "+blas" : ""}`,
  // Issue 11's goals: the reference MLP on every engine and its peers, ELM vs numpy, polling vs
  // a bare route, and whole jobs' phases.
  mlp: skip("BENCH_MLP") ? "skipped (BENCH_MLP=0)" : await benchMlp(),
  elm: skip("BENCH_ELM") ? "skipped (BENCH_ELM=0)" : await benchElm(),
  baselines: skip("BENCH_BASELINES") ? "skipped (BENCH_BASELINES=0)" : await benchBaselines(),
  xgboost: skip("BENCH_XGB") ? "skipped (BENCH_XGB=0)" : await benchXgboost(),
  trials: skip("BENCH_TRIALS") ? "skipped (BENCH_TRIALS=0)" : await benchTrials(),
  automl: skip("BENCH_AUTOML") ? "skipped (BENCH_AUTOML=0)" : await benchAutoml(),
  readsAtScale: skip("BENCH_SCALE") ? "skipped (BENCH_SCALE=0)" : await benchReadsAtScale(),
  exports: skip("BENCH_EXPORTS") ? "skipped (BENCH_EXPORTS=0)" : await benchExports(),
  hardening: skip("BENCH_HARDENING") ? "skipped (BENCH_HARDENING=0)" : await benchHardening(),
  polling: skip("BENCH_POLL") ? "skipped (BENCH_POLL=0)" : await benchPolling(),
  registry: skip("BENCH_REGISTRY") ? "skipped (BENCH_REGISTRY=0)" : await benchRegistry(),
  jobPhases: skip("BENCH_JOBS") ? "skipped (BENCH_JOBS=0)" : await benchJobPhases(),
  functional: skip("BENCH_FUNCTIONAL") ? "skipped (BENCH_FUNCTIONAL=0)" : await benchFunctional(),
  typedRead: skip("BENCH_TYPED") ? "skipped (BENCH_TYPED=0)" : await benchTypedRead(),
  train: await benchTrain(),
  ingest: await benchIngest(),
  apiIngest: INGEST_MB > 0 ? await benchApiIngest(INGEST_MB) : "skipped (BENCH_INGEST_MB=0)",
  workerMemory: skip("BENCH_MEMORY") ? "skipped (BENCH_MEMORY=0)" : await benchWorkerMemory(),
};
console.log(JSON.stringify(report, null, 2));
