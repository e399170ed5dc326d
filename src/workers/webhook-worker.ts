import { Worker } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { redisConnection, WEBHOOK_QUEUE, type WebhookPayload } from "../queue.js";
import { deliverWebhook } from "../webhooks/webhooks.js";

/** Delivers webhooks (light network work, in the worker process); a failed attempt is retried with backoff. */
export function startWebhookWorker(config: Config, db: Db, log: (msg: string, extra?: object) => void): Worker<WebhookPayload> {
  const worker = new Worker<WebhookPayload>(WEBHOOK_QUEUE, (job) => deliverWebhook(db, config, job.data, job.attemptsMade + 1), {
    connection: redisConnection(config, "worker"),
    prefix: config.QUEUE_PREFIX,
    concurrency: 8,
  });
  worker.on("failed", (job, err) => log("webhook attempt failed", { kind: job?.data.kind, id: job?.data.id, attempt: job?.attemptsMade, error: err.message }));
  worker.on("error", (err) => log("webhook worker error", { error: err.message }));
  return worker;
}
