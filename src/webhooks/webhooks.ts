import { Queue } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { redisConnection, WEBHOOK_QUEUE, type WebhookPayload, bullPrefix } from "../queue.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);

/**
 * Webhooks of jobs and experiments that ended: queued here (one BullMQ job per ended row, its id
 * the row's, so telling twice sends once), delivered by workers with BullMQ's retries and
 * exponential backoff; every attempt is recorded on the row (the job's view shows them).
 */
export class Webhooks {
  private readonly queue: Queue<WebhookPayload>;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    onError: (err: Error) => void,
  ) {
    this.queue = new Queue<WebhookPayload>(WEBHOOK_QUEUE, { connection: redisConnection(config, "producer"), prefix: bullPrefix(config) });
    this.queue.on("error", onError);
  }

  /** Queues the webhook of a job or experiment that has ended, if it has one. */
  async ended(kind: WebhookPayload["kind"], id: string): Promise<void> {
    const row =
      kind === "job"
        ? await this.db.job.findUnique({ where: { id }, select: { tenant: true, webhookUrl: true, status: true } })
        : await this.db.experiment.findUnique({ where: { id }, select: { tenant: true, webhookUrl: true, status: true } });
    if (!row?.webhookUrl || !FINAL.has(row.status)) return;
    await this.queue.add(
      "deliver",
      { kind, id, tenant: row.tenant },
      {
        jobId: `${kind}-${id}`,
        attempts: this.config.WEBHOOK_ATTEMPTS,
        backoff: { type: "exponential", delay: this.config.WEBHOOK_BACKOFF_MS },
        removeOnComplete: 1000,
        removeOnFail: 5000,
      },
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
