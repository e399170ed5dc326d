import { Queue } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { toExperimentView, loadTrials } from "../experiments/experiment-view.js";
import { toJobView } from "../jobs/job-view.js";
import { redisConnection, WEBHOOK_QUEUE, type WebhookPayload } from "../queue.js";
import { deliver, tenantSecret } from "./deliver.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);

/**
 * Webhooks of jobs and experiments that ended: queued here (one BullMQ job per ended row, its id
 * the row's, so telling twice sends once), delivered by workers with BullMQ's retries and
 * exponential backoff; every attempt is recorded on the row (the job's view shows them).
 */
export class Webhooks {
  private readonly queue: Queue<WebhookPayload>;

  constructor(private readonly db: Db, private readonly config: Config, onError: (err: Error) => void) {
    this.queue = new Queue<WebhookPayload>(WEBHOOK_QUEUE, { connection: redisConnection(config, "producer"), prefix: config.QUEUE_PREFIX });
    this.queue.on("error", onError);
  }

  /** Queues the webhook of a job or experiment that has ended, if it has one. */
  async ended(kind: WebhookPayload["kind"], id: string): Promise<void> {
    const row = kind === "job"
      ? await this.db.job.findUnique({ where: { id }, select: { tenant: true, webhookUrl: true, status: true } })
      : await this.db.experiment.findUnique({ where: { id }, select: { tenant: true, webhookUrl: true, status: true } });
    if (!row?.webhookUrl || !FINAL.has(row.status)) return;
    await this.queue.add("deliver", { kind, id, tenant: row.tenant }, {
      jobId: `${kind}-${id}`, attempts: this.config.WEBHOOK_ATTEMPTS, backoff: { type: "exponential", delay: this.config.WEBHOOK_BACKOFF_MS },
      removeOnComplete: 1000, removeOnFail: 5000,
    });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
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
  return { url: exp.webhookUrl, event: `experiment.${exp.status}`, body: JSON.stringify({ event: `experiment.${exp.status}`, experiment: toExperimentView(exp, await loadTrials(db, exp.id)) }) };
}

/** One delivery attempt (a worker's webhook processor): recorded on the row; throws to be retried. */
export async function deliverWebhook(db: Db, config: Config, p: WebhookPayload, attempt: number): Promise<void> {
  if (!config.WEBHOOK_SIGNING_KEY) return;
  const what = await payload(db, p);
  if (!what) return; // the row was deleted meanwhile
  const result = await deliver(what.url, what.body, { secret: tenantSecret(config.WEBHOOK_SIGNING_KEY, p.tenant), event: what.event, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, timeoutMs: config.WEBHOOK_TIMEOUT_MS });
  const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
  const entry = JSON.stringify([{ attempt, at: new Date().toISOString(), event: what.event, ...(result.status !== undefined ? { status: result.status } : {}), ...(result.error ? { error: result.error } : {}), delivered: ok }]);
  const sql = p.kind === "job"
    ? 'UPDATE "Job" SET "webhookDeliveries" = "webhookDeliveries" || $1::jsonb WHERE id = $2::uuid'
    : 'UPDATE "Experiment" SET "webhookDeliveries" = "webhookDeliveries" || $1::jsonb WHERE id = $2::uuid';
  await db.pool.query(sql, [entry, p.id]);
  if (!ok) throw new Error(`webhook ${what.url}: ${result.error ?? `HTTP ${result.status}`}`);
}
