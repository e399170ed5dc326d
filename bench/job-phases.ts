/**
 * Whole jobs through the API on the reference data (the peers' 20,000 x 100, 10 classes, uploaded
 * as CSV, 10% test): a real API (in this process) and a real worker process. Per job: seconds
 * from startedAt to finishedAt, the worker's own phases (metrics.phases: read, prepare, fit,
 * evaluate, export, plots), what ran the steps (backend, metrics.engine), and for the MLP the
 * end-to-end samples/s. After a warm-up job of each kind on a small upload (a worker runs many
 * jobs), each model runs first on a fresh upload, then on the data already read;
 * PyTorch's training loop and numpy's ELM (bench/peers) run in the same process tree after them.
 * Run alone: `node --import tsx bench/job-phases.ts`.
 */
import { fileURLToPath } from "node:url";
import { mulberry32 } from "../src/training/engine/rng.js";
import { createTestEnv, waitForJob, type TestEnv } from "../test/harness.js";
import { peers } from "./mlp.js";

const N = 20_000,
  D = 100;

/** The peers' data as CSV: x uniform in [-1, 1), class from a weighted sum of the first 10. */
function referenceCsv(): Buffer {
  const r = mulberry32(1);
  const lines = [[...Array.from({ length: D }, (_, j) => `x${j}`), "class"].join(",")];
  for (let i = 0; i < N; i++) {
    const x = Array.from({ length: D }, () => r() * 2 - 1);
    const s = x.slice(0, 10).reduce((a, v, j) => a + v * (j + 1), 0);
    lines.push([...x.map((v) => v.toFixed(5)), `c${Math.min(9, Math.max(0, Math.floor((s + 15) / 3)))}`].join(","));
  }
  return Buffer.from(lines.join("\n") + "\n");
}

async function run(env: TestEnv, datasetId: string, name: string, model: object, training: object) {
  const res = await env
    .api()
    .post("/v1/jobs")
    .send({ datasetId, target: "class", split: { test: 0.1, validation: 0 }, model, training });
  if (res.status !== 202) throw new Error(`${name}: ${res.status} ${res.text}`);
  const job = await waitForJob(env, res.body.id, undefined, 900_000);
  if (job.status !== "succeeded") throw new Error(`${name}: ${job.status} ${JSON.stringify(job.error)}`);
  const seconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
  const phases: Record<string, number> = job.metrics.phases ?? {};
  // An ELM's fit goes on after its output weights: the scores it calibrates on, and calibrating (as the leaderboard counts it).
  const fit = (phases.fit ?? 0) + (phases.scores ?? 0) + (phases.calibrate ?? 0);
  const outside = seconds - fit;
  return {
    name,
    backend: job.backend,
    engine: job.metrics.engine ?? "elm",
    seconds,
    phases,
    outsideFit: { seconds: Math.round(outside * 1000) / 1000, shareOfFit: fit ? Math.round((outside / fit) * 100) / 100 : null },
    testAccuracy: job.metrics.test?.accuracy,
    ...(job.metrics.elm ? { elmSeconds: job.metrics.elm.seconds } : {}),
  };
}

export async function benchJobPhases() {
  const env = await createTestEnv({ MAX_JOB_SECONDS: "1800", RATE_LIMIT_PER_MINUTE: "0" });
  try {
    await env.startWorker();
    const csv = referenceCsv();
    const mlp = {
      type: "sequential",
      layers: [
        { type: "dense", units: 256, activation: "relu" },
        { type: "dense", units: 256, activation: "relu" },
      ],
    };
    const trainRows = N - Math.round(N * 0.1);
    // A worker runs many jobs: one small job of each kind first, so that a process's one-time costs
    // (module loads, JIT, BLAS threads) are not charged to the first measured job.
    const small = await env
      .api()
      .post("/v1/datasets?name=warm.csv")
      .set("content-type", "text/csv")
      .send(csv.subarray(0, csv.indexOf(10, 200_000) + 1));
    if (small.status !== 201) throw new Error(`upload: ${small.status} ${small.text}`);
    await run(env, small.body.id, "warm-up mlp", mlp, { epochs: 1, batchSize: 128 });
    await run(env, small.body.id, "warm-up elm", { type: "elm", hiddenUnits: 100, activation: "sigmoid" }, {});
    // Each model first on a fresh upload (its first job reads the stored columns), then again on the data already read.
    const jobs: Array<Awaited<ReturnType<typeof run>>> = [];
    for (const [name, model, training] of [
      ["mlp 256-256 adam b128 x10", mlp, { epochs: 10, batchSize: 128 }],
      ["mlp 256-256 adam b512 x10", mlp, { epochs: 10, batchSize: 512 }],
      ["elm 1000 sigmoid", { type: "elm", hiddenUnits: 1000, activation: "sigmoid" }, {}],
    ] as const) {
      const fresh = await env.api().post("/v1/datasets?name=reference.csv").set("content-type", "text/csv").send(csv);
      if (fresh.status !== 201) throw new Error(`upload: ${fresh.status} ${fresh.text}`);
      jobs.push(await run(env, fresh.body.id, `${name}, first job on a fresh upload`, model, training));
      jobs.push(await run(env, fresh.body.id, `${name}, dataset already read`, model, training));
    }
    const peer = peers();
    const endToEnd = (j: (typeof jobs)[number]) => Math.round((trainRows * 10) / j.seconds);
    return {
      workload: `${N}x${D} CSV (${(csv.length / 2 ** 20).toFixed(1)} MiB), 10 classes, 10% test; a real worker process`,
      jobs: jobs.map((j) => (j.name.startsWith("mlp") ? { ...j, samplesPerSecondEndToEnd: endToEnd(j) } : j)),
      peers: peer,
      // The whole job as a user sees it against PyTorch's bare training loop and numpy's bare ELM fit, in this run.
      vsPeers:
        typeof peer === "object"
          ? jobs.map((j) => ({
              name: j.name,
              ratio: j.name.startsWith("mlp")
                ? Math.round((endToEnd(j) / peer[j.name.includes("b128") ? "pytorch_b128" : "pytorch_b512"]!) * 100) / 100
                : Math.round((j.seconds / peer.numpyElmSeconds!) * 10) / 10,
              means: j.name.startsWith("mlp") ? "job samples/s over PyTorch's" : "job seconds over numpy's fit seconds",
            }))
          : null,
    };
  } finally {
    await env.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(await benchJobPhases(), null, 2));
