/**
 * BullMQ sandboxed processor for training jobs: runs in a child process of the worker, so a
 * CPU-bound fit cannot stall the parent's lock renewals (BullMQ guide, "sandboxed processors").
 */
import { DelayedError, type SandboxedJob } from "bullmq";
import { loadConfig } from "../config.js";
import { createDb } from "../db.js";
import { delayWhileDatabaseDown } from "./db-retry.js";
import { runTraining, type RunContext, type RunResult } from "../jobs/run-training.js";
import type { TrainPayload } from "../queue.js";
import { configureFamilies, runtime } from "../training/index.js";

// If the worker process dies (SIGKILL), its IPC channel closes: stop too, rather than train on
// as an orphan while another worker retries the job.
if (process.send) process.on("disconnect", () => process.exit(1));

let context: Promise<RunContext> | undefined;

/**
 * Bytes the heap and array buffers may grow past what the last full collection left before the
 * next job ends with one. A full collection took ~48 ms here after every job, a third of a short
 * trial's time (300 logistic-regression trials on iris: bench/trials.ts); a large job's arrays
 * still go at once, as before (test/worker-memory.test.ts).
 */
const GC_SLACK_BYTES = 64 * 2 ** 20;
let afterLastGc = 0;
const heldBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Between jobs: a full collection when the job grew the heap past GC_SLACK_BYTES; its milliseconds (0 when skipped). */
function collectIfGrown(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || heldBytes() - afterLastGc < GC_SLACK_BYTES) return 0;
  const started = performance.now();
  gc();
  afterLastGc = heldBytes();
  return Math.round((performance.now() - started) * 10) / 10;
}

async function createContext(): Promise<RunContext> {
  const config = loadConfig();
  const { initBackend, setFastPath, nativeAvailable } = await runtime();
  setFastPath(config.FAST_PATH === "auto");
  configureFamilies(config);
  // `+blas`: the native addon (MLP fast path, ELM products) is loaded beside tfjs.
  const backend = `${await initBackend(config.TFJS_BACKEND)}${nativeAvailable() ? "+blas" : ""}`;
  return { config, backend, db: createDb(config.DATABASE_URL) };
}

export default async function trainProcessor(job: SandboxedJob<TrainPayload>, token?: string, signal?: AbortSignal): Promise<RunResult> {
  context ??= createContext();
  const ctx = await context;
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  // One JSON line per event, with the job id (the worker pipes this process's stdout to its own).
  const log = (msg: string, extra: object = {}) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), msg, jobId: job.data.jobId, attempt: job.attemptsMade + 1, pid: process.pid, ...extra }));
  let result: RunResult;
  try {
    // The worker cancels its jobs when it shuts down (SIGTERM): checkpoint and hand the job back.
    result = await runTraining(
      {
        ...ctx,
        log,
        stopRequested: () => signal?.aborted ?? false,
        onClaimed: async () => {
          log("training started", { backend: ctx.backend });
          await job.updateProgress({ pid: process.pid }); // the worker's watchdog kills by this pid
        },
      },
      job.data.jobId,
      finalAttempt,
    );
  } catch (err) {
    // Postgres went away (a restart): the job is tried again shortly, from its checkpoint; the
    // attempt's writes are fenced, so it stores its model once.
    await delayWhileDatabaseDown(err, job, token, log);
    log("training attempt failed", { error: (err as Error).message });
    throw err;
  }
  if (result === "deferred") {
    // The tenant has its share of workers busy: wait, and leave this worker to other tenants.
    log("deferred: tenant at MAX_RUNNING_JOBS_PER_TENANT");
    await job.moveToDelayed(Date.now() + ctx.config.TENANT_DEFER_MS, token);
    throw new DelayedError();
  }
  // Between jobs is the moment to collect: the job's arrays are garbage now, and V8 would
  // otherwise let the heap grow for a while before a full collection (--expose-gc, train-worker.ts).
  // A short job that left little garbage skips it (GC_SLACK_BYTES).
  const gcMs = collectIfGrown();
  // What this process holds after the job: tfjs tensors (a leak shows as a count that grows
  // from job to job) and its resident memory (test/worker-memory.test.ts watches both).
  log("training ended", { result, tensors: (await runtime()).liveTensors(), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20), gcMs });
  return result;
}
