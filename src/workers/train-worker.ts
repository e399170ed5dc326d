import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { failUnfinished } from "../jobs/run-training.js";
import { redisConnection, trainQueueName, type TrainPayload, bullPrefix } from "../queue.js";
import { startWatchdog } from "./watchdog.js";

const PROCESSOR = fileURLToPath(new URL("./train-processor.ts", import.meta.url));

/** Secrets the training process has no use for: it reads data and writes results, nothing else. */
const WITHHELD = new Set(["API_KEYS", "METRICS_TOKEN"]);
const SECRET_LIKE = /(SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_KEY|SIGNING_KEY)/i;

/**
 * The environment a training process gets: the worker's, less API keys, the metrics token and
 * anything named like a secret. DATABASE_URL and REDIS_URL stay (it writes results through them).
 */
export function trainingEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!WITHHELD.has(k) && !SECRET_LIKE.test(k)) out[k] = v;
  return out;
}

/**
 * Consumes the training queue. Each job runs in a sandboxed child process; when BullMQ gives
 * up on a job (last attempt failed, or it stalled too often because its worker died), the job
 * is marked failed in Postgres so that it never stays `running`.
 */
export function startTrainWorker(
  config: Config,
  db: Db,
  log: (msg: string, extra?: object) => void,
  ended: (jobId: string) => Promise<void> = async () => undefined,
): Worker<TrainPayload> {
  const worker = new Worker<TrainPayload>(trainQueueName(config.WORKER_DEVICE), PROCESSOR, {
    connection: redisConnection(config, "worker"),
    prefix: bullPrefix(config),
    concurrency: config.WORKER_CONCURRENCY,
    lockDuration: config.LOCK_DURATION_MS,
    stalledInterval: config.STALLED_INTERVAL_MS,
    maxStalledCount: 1,
    useWorkerThreads: false,
    // --expose-gc: a training process collects its garbage between jobs (train-processor.ts).
    // BullMQ passes the parent's execArgv (tsx's loader) unless given these; --inspect is dropped.
    workerForkOptions: { env: trainingEnv(), execArgv: [...process.execArgv.filter((a) => !a.startsWith("--inspect")), "--expose-gc"] },
  });
  worker.on("failed", (job, err) => {
    if (!job) return;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than/i.test(err.message);
    log("job attempt failed", { jobId: job.data.jobId, attemptsMade: job.attemptsMade, exhausted, error: err.message });
    if (exhausted) {
      void failUnfinished(db, job.data.jobId, err.message)
        .then(() => ended(job.data.jobId))
        .catch((e) => log("could not mark job failed", { error: String(e) }));
    }
  });
  // A job that ended (succeeded, failed, cancelled) sends its webhook.
  worker.on("completed", (job, result) => {
    if (result === "succeeded" || result === "failed" || result === "cancelled")
      void ended(job.data.jobId).catch((e) => log("webhook not queued", { jobId: job.data.jobId, error: String(e) }));
  });
  worker.on("error", (err) => log("worker error", { error: err.message }));
  const stopWatchdog = startWatchdog(worker, db, (config.MAX_JOB_SECONDS + config.JOB_KILL_GRACE_SECONDS) * 1000, log);
  worker.on("closed", stopWatchdog);
  return worker;
}
