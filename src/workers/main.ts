/** Worker process entry point: `npm run start:worker`. Run as many as you like, anywhere. */
import { loadConfig } from "../config.js";
import { createDb } from "../db.js";
import { runtime } from "../training/index.js";
import { startTrainWorker } from "./train-worker.js";
import { startExperimentWorker } from "./experiment-worker.js";
import { startWebhookWorker } from "./webhook-worker.js";
import { Webhooks } from "../webhooks/webhooks.js";
import { bullPrefix, closeClusters, createTrainQueue, trainQueueName } from "../queue.js";
import { reconcileQueue } from "../jobs/reconciler.js";

const config = loadConfig();
const log = (msg: string, extra: object = {}) => console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...extra }));
// Fail fast when the configured compute cannot start; the sandboxed children pick the same one.
const backend = await (await runtime()).initBackend(config.TFJS_BACKEND);
const db = createDb(config.DATABASE_URL);
const webhooks = new Webhooks(db, config, (err) => log("webhook queue error", { error: err.message }));
const worker = startTrainWorker(config, db, log, (id) => webhooks.ended("job", id));
await worker.waitUntilReady();
const experiments = startExperimentWorker(config, db, log, (id) => webhooks.ended("experiment", id));
const deliveries = startWebhookWorker(config, db, log);
// Jobs Postgres has but Redis lost (a Redis restart, a crash between insert and enqueue) go back
// in the queue: at start, then every RECONCILE_INTERVAL_MS.
const queue = createTrainQueue(config, config.WORKER_DEVICE);
queue.on("error", (err) => log("queue error", { error: err.message }));
const reconcile = () =>
  Promise.all([
    reconcileQueue(db, queue, config.WORKER_DEVICE).then((ids) => ids.length && log("re-queued jobs missing from Redis", { jobIds: ids })),
    experiments.reconcile().then((ids) => ids.length && log("re-queued experiments missing from Redis", { experimentIds: ids })),
  ]).catch((err) => log("reconcile failed", { error: String(err) }));
await reconcile();
const reconciler = setInterval(reconcile, config.RECONCILE_INTERVAL_MS);
log("worker ready", {
  backend,
  device: config.WORKER_DEVICE,
  queue: `${bullPrefix(config)}:${trainQueueName(config.WORKER_DEVICE)}`,
  concurrency: config.WORKER_CONCURRENCY,
  pid: process.pid,
});

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    log("worker stopping", { signal });
    // Running jobs checkpoint at their epoch's end and go back to the queue; close waits for that.
    clearInterval(reconciler);
    worker.cancelAllJobs("worker shutting down");
    await worker.close();
    await experiments.close();
    await deliveries.close();
    await webhooks.close();
    await queue.close();
    closeClusters(config);
    await db.$disconnect();
    await db.pool.end().catch(() => undefined);
    process.exit(0);
  });
}
