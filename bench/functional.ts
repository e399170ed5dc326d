/**
 * Issue 22's functional network of the Titanic kind, through the API as a user runs it, beside its
 * PyTorch twin (bench/peers/functional_torch.py) in the same run: 100,000 rows of 6 numbers and 2
 * categorical columns of 50 values, 3 classes; numbers -> Dense(64) -> BatchNormalization -> ReLU,
 * each category -> Embedding(8) -> Flatten, Concatenate -> Dense(64, relu) -> Dropout(0.2) ->
 * softmax; Adam, batch 256. Reports the job's seconds, its phases, what trained it
 * (metrics.engine), the fit's samples/s and the job's end to end, and the twin's samples/s.
 * Run alone: `node --import tsx bench/functional.ts` (BENCH_FUNCTIONAL_ROWS, BENCH_FUNCTIONAL_EPOCHS).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../src/training/engine/rng.js";
import { createTestEnv, waitForJob } from "../test/harness.js";

const ROWS = Number(process.env.BENCH_FUNCTIONAL_ROWS ?? 100_000);
const EPOCHS = Number(process.env.BENCH_FUNCTIONAL_EPOCHS ?? 5);
const TWIN = fileURLToPath(new URL("./peers/functional_torch.py", import.meta.url));

/** The twin's kind of table as CSV: x0..x5 uniform in [-1, 1), c0/c1 of 50 values, a 3-class label from both. */
function table(): Buffer {
  const r = mulberry32(1);
  const rows = Array.from({ length: ROWS }, () => {
    const x = Array.from({ length: 6 }, () => r() * 2 - 1);
    const c = [Math.floor(r() * 50), Math.floor(r() * 50)];
    const score = x[0]! + x[1]! * 0.5 + (c[0]! % 7) / 7 - (c[1]! % 5) / 5;
    return { x, c, score };
  });
  const sorted = rows.map((row) => row.score).sort((a, b) => a - b);
  const [q1, q2] = [sorted[Math.floor(ROWS / 3)]!, sorted[Math.floor((2 * ROWS) / 3)]!];
  const lines = ["x0,x1,x2,x3,x4,x5,c0,c1,label"];
  for (const { x, c, score } of rows) lines.push([...x.map((v) => v.toFixed(4)), `k${c[0]}`, `k${c[1]}`, score < q1 ? "a" : score < q2 ? "b" : "c"].join(","));
  return Buffer.from(lines.join("\n") + "\n");
}

const MODEL = {
  type: "functional",
  inputs: [{ name: "numbers" }, { name: "c0", encoding: "index" }, { name: "c1", encoding: "index" }],
  nodes: [
    { name: "d", layer: { type: "dense", units: 64 }, inputs: ["numbers"] },
    { name: "bn", layer: { type: "batchNormalization" }, inputs: ["d"] },
    { name: "h", layer: { type: "activation", activation: "relu" }, inputs: ["bn"] },
    { name: "e0", layer: { type: "embedding", outputDim: 8 }, inputs: ["c0"] },
    { name: "f0", layer: { type: "flatten" }, inputs: ["e0"] },
    { name: "e1", layer: { type: "embedding", outputDim: 8 }, inputs: ["c1"] },
    { name: "f1", layer: { type: "flatten" }, inputs: ["e1"] },
    { name: "all", layer: { type: "concatenate" }, inputs: ["h", "f0", "f1"] },
    { name: "h2", layer: { type: "dense", units: 64, activation: "relu" }, inputs: ["all"] },
    { name: "drop", layer: { type: "dropout", rate: 0.2 }, inputs: ["h2"] },
    { name: "out", layer: { type: "dense", units: 3, activation: "softmax" }, inputs: ["drop"] },
  ],
  outputs: ["out"],
};

function twin(): Record<string, unknown> | string {
  if (!existsSync(TWIN)) return `skipped (${TWIN} not found)`;
  try {
    execFileSync("/usr/bin/python3", ["-c", "import torch, numpy"], { stdio: "ignore" });
  } catch {
    return "skipped (/usr/bin/python3 cannot import torch: apt-get install python3-torch)";
  }
  return JSON.parse(execFileSync("/usr/bin/python3", [TWIN, String(ROWS), String(EPOCHS)], { encoding: "utf8", timeout: 900_000 }));
}

export async function benchFunctional() {
  const env = await createTestEnv({ MAX_JOB_SECONDS: "1800", RATE_LIMIT_PER_MINUTE: "0" });
  try {
    await env.startWorker();
    const csv = table();
    const jobs = [];
    for (const run of ["first job on a fresh upload", "dataset already read"]) {
      const up = run.startsWith("first") ? await env.api().post("/v1/datasets?name=functional.csv").set("content-type", "text/csv").send(csv) : undefined;
      if (up && up.status !== 201) throw new Error(`upload: ${up.status} ${up.text}`);
      const datasetId: string = up?.body.id ?? jobs[0]!.datasetId;
      const res = await env
        .api()
        .post("/v1/jobs")
        .send({
          datasetId,
          target: "label",
          inputs: { numbers: ["x0", "x1", "x2", "x3", "x4", "x5"], c0: ["c0"], c1: ["c1"] },
          split: { test: 0.1, validation: 0 },
          model: MODEL,
          training: { epochs: EPOCHS, batchSize: 256, optimizer: "adam" },
        });
      if (res.status !== 202) throw new Error(`job: ${res.status} ${res.text}`);
      const job = await waitForJob(env, res.body.id, undefined, 900_000);
      if (job.status !== "succeeded") throw new Error(`job: ${job.status} ${JSON.stringify(job.error)}`);
      const seconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
      const trainRows = ROWS - Math.round(ROWS * 0.1);
      const fit = job.metrics.phases.fit as number;
      jobs.push({
        run,
        datasetId,
        engine: job.metrics.engine,
        backend: job.backend,
        seconds,
        phases: job.metrics.phases,
        fitSamplesPerSecond: Math.round((trainRows * EPOCHS) / fit),
        samplesPerSecondEndToEnd: Math.round((trainRows * EPOCHS) / seconds),
        testAccuracy: job.metrics.test?.accuracy,
      });
    }
    const peer = twin();
    const ratio = (ours: number) => (typeof peer === "object" ? Math.round((ours / (peer.samplesPerSecond as number)) * 100) / 100 : null);
    return {
      workload: `${ROWS} rows (10% test), 6 numbers + 2 categories of 50 -> Dense(64)-BN-ReLU | Embedding(8) x2 -> Concatenate -> Dense(64) -> Dropout(0.2) -> softmax(3); adam, batch 256, ${EPOCHS} epochs`,
      jobs: jobs.map(({ datasetId: _, ...j }) => ({ ...j, endToEndVsPytorch: ratio(j.samplesPerSecondEndToEnd), fitVsPytorch: ratio(j.fitSamplesPerSecond) })),
      pytorchTwin: peer,
    };
  } finally {
    await env.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchFunctional(), null, 2));
