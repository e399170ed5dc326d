import { Worker } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { redisConnection, WEBHOOK_QUEUE, type WebhookPayload, bullPrefix } from "../queue.js";
import { toExperimentView, loadTrials } from "../experiments/experiment-view.js";
import { toJobView } from "../jobs/job-view.js";
import { deliver, tenantSecret } from "../webhooks/deliver.js";

/** Delivers webhooks (light network work, in the worker process); a failed attempt is retried with backoff. */
export function startWebhookWorker(config: Config, db: Db, log: (msg: string, extra?: object) => void): Worker<WebhookPayload> {
  const worker = new Worker<WebhookPayload>(WEBHOOK_QUEUE, (job) => deliverWebhook(db, config, job.data, job.attemptsMade + 1), {
    connection: redisConnection(config, "worker"),
    prefix: bullPrefix(config),
    concurrency: 8,
  });
  worker.on("failed", (job, err) => log("webhook attempt failed", { kind: job?.data.kind, id: job?.data.id, attempt: job?.attemptsMade, error: err.message }));
  worker.on("error", (err) => log("webhook worker error", { error: err.message }));
  return worker;
}

/** What a webhook POSTs: the event and the job's (or experiment's) view, as GET returns it. */
async function payload(db: Db, p: WebhookPayload): Promise<{ url: string; event: string; body: string } | undefined> {
  if (p.kind === "job") {
    const job = await db.job.findUnique({ where: { id: p.id }, include: { history: true, model: { select: { id: true } } } });
    if (!job?.webhookUrl) return undefined;
    return { url: job.webhookUrl, event: `job.${job.status}`, body: JSON.stringify({ event: `job.${job.status}`, job: toJobView(job) }) };
  }
  const exp = await db.experiment.findUnique({ where: { id: p.id } });
  if (!exp?.webhookUrl) return undefined;
  return {
    url: exp.webhookUrl,
    event: `experiment.${exp.status}`,
    body: JSON.stringify({ event: `experiment.${exp.status}`, experiment: toExperimentView(exp, await loadTrials(db, exp.id)) }),
  };
}

/** One delivery attempt (a worker's webhook processor): recorded on the row; throws to be retried. */
export async function deliverWebhook(db: Db, config: Config, p: WebhookPayload, attempt: number): Promise<void> {
  if (!config.WEBHOOK_SIGNING_KEY) return;
  const what = await payload(db, p);
  if (!what) return; // the row was deleted meanwhile
  const result = await deliver(what.url, what.body, {
    secret: tenantSecret(config.WEBHOOK_SIGNING_KEY, p.tenant),
    event: what.event,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  });
  const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
  const entry = JSON.stringify([
    {
      attempt,
      at: new Date().toISOString(),
      event: what.event,
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(result.error ? { error: result.error } : {}),
      delivered: ok,
    },
  ]);
  const sql =
    p.kind === "job"
      ? 'UPDATE "Job" SET "webhookDeliveries" = "webhookDeliveries" || $1::jsonb WHERE id = $2::uuid'
      : 'UPDATE "Experiment" SET "webhookDeliveries" = "webhookDeliveries" || $1::jsonb WHERE id = $2::uuid';
  await db.pool.query(sql, [entry, p.id]);
  if (!ok) throw new Error(`webhook ${what.url}: ${result.error ?? `HTTP ${result.status}`}`);
}
