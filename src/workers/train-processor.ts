/**
 * BullMQ sandboxed processor for training jobs: runs in a child process of the worker, so a
 * CPU-bound fit cannot stall the parent's lock renewals (BullMQ guide, "sandboxed processors").
 */
import type { SandboxedJob } from "bullmq";
import { loadConfig } from "../config.js";
import { createDb } from "../db.js";
import { runTraining, type RunContext, type RunResult } from "../jobs/run-training.js";
import type { TrainPayload } from "../queue.js";
import { initBackend } from "../training/backend.js";

// If the worker process dies (SIGKILL), its IPC channel closes: stop too, rather than train on
// as an orphan while another worker retries the job.
if (process.send) process.on("disconnect", () => process.exit(1));

let context: Promise<RunContext> | undefined;

async function createContext(): Promise<RunContext> {
  const config = loadConfig();
  const backend = await initBackend(config.TFJS_BACKEND);
  return { config, backend, db: createDb(config.DATABASE_URL) };
}

export default async function trainProcessor(job: SandboxedJob<TrainPayload>, _token?: string, signal?: AbortSignal): Promise<RunResult> {
  context ??= createContext();
  const ctx = await context;
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  // One JSON line per event, with the job id (the worker pipes this process's stdout to its own).
  const log = (msg: string, extra: object = {}) => console.log(JSON.stringify({ time: new Date().toISOString(), msg, jobId: job.data.jobId, attempt: job.attemptsMade + 1, pid: process.pid, ...extra }));
  log("training started", { backend: ctx.backend });
  try {
    // The worker cancels its jobs when it shuts down (SIGTERM): checkpoint and hand the job back.
    const result = await runTraining({ ...ctx, log, stopRequested: () => signal?.aborted ?? false }, job.data.jobId, finalAttempt);
    log("training ended", { result });
    return result;
  } catch (err) {
    log("training attempt failed", { error: (err as Error).message });
    throw err;
  }
}
