import type { Config } from "../config.js";
import type { Db } from "../db.js";
import { AppError, requireTenant } from "../errors.js";
import type { JobListener } from "../job-listener.js";
import type { JobService } from "./job-service.js";
import { FINAL_STATUSES } from "./job-view.js";

/** Where a stream's events go (the route writes them as Server-Sent Events). */
export interface StreamSink {
  /** One event; `id` is what a client sends back as Last-Event-ID when it reconnects. */
  send(event: string, data: unknown, id?: string): void;
  /** A comment line, to keep proxies from closing an idle stream. */
  ping(): void;
  /** Resolves when the client goes away. */
  closed: Promise<void>;
}

/** What a stream reads of its job each time it wakes. */
interface JobState {
  status: string;
  epoch: number;
  epochs: number;
  attempts: number;
}

/** A stream that passed its checks: the job's first state, and its change signal. */
export interface OpenStream {
  tenant: string;
  jobId: string;
  first: JobState;
  signal: { changed: boolean; wake: () => void };
  /** Stops watching and gives the tenant's slot back; safe to call twice. */
  close(): void;
}

/** Re-read a job this often even without a notification (one lost with a dropped connection). */
const FALLBACK_MS = 15_000;

/**
 * Job event streams: at most MAX_STREAMS_PER_TENANT open at once per tenant (per API process),
 * each open at most STREAM_MAX_SECONDS (clients reconnect with Last-Event-ID and miss nothing).
 * A stream wakes when Postgres notifies that its job changed and reads only what is new: the
 * job's status row and the epochs after the last one it sent.
 */
export class JobStreams {
  private readonly perTenant = new Map<string, number>();
  /** Reads made by open streams (their first, and one per wake), for /metrics: flat while streams wait on a queued job. */
  reads = 0;

  constructor(
    private readonly db: Db,
    private readonly listener: JobListener,
    private readonly jobs: JobService,
    private readonly config: Config,
  ) {}

  get openCount(): number {
    let n = 0;
    for (const c of this.perTenant.values()) n += c;
    return n;
  }

  /**
   * Before anything is written: 429 past MAX_STREAMS_PER_TENANT, 404 for a job the tenant does
   * not have. The job is watched before it is read, so no change can fall between this read
   * (the stream's first) and the stream.
   */
  async open(tenant: string, jobId: string): Promise<OpenStream> {
    requireTenant(tenant);
    const release = this.acquire(tenant); // the cheap refusal first: no database read past the cap
    const signal = { changed: false, wake: () => undefined as void };
    let unwatch: () => void = () => undefined;
    try {
      unwatch = await this.listener.watch(jobId, () => {
        signal.changed = true;
        signal.wake();
      });
      const first = await this.state(tenant, jobId);
      this.reads++;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        unwatch();
        release();
      };
      return { tenant, jobId, first, signal, close };
    } catch (err) {
      unwatch();
      release();
      throw err;
    }
  }

  private acquire(tenant: string): () => void {
    const limit = this.config.MAX_STREAMS_PER_TENANT;
    const now = this.perTenant.get(tenant) ?? 0;
    if (now >= limit)
      throw new AppError(
        "too_many_requests",
        `${now} event streams are open for this tenant, the limit is ${limit} (MAX_STREAMS_PER_TENANT): close one, or poll GET /v1/jobs/:id`,
      );
    this.perTenant.set(tenant, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perTenant.get(tenant) ?? 1) - 1;
      if (left > 0) this.perTenant.set(tenant, left);
      else this.perTenant.delete(tenant);
    };
  }

  private async state(tenant: string, jobId: string): Promise<JobState> {
    const job = await this.db.job.findFirst({ where: { id: jobId, tenant }, select: { status: true, epoch: true, epochs: true, attempts: true } });
    if (!job) throw new AppError("not_found", `job ${jobId} not found`);
    return job;
  }

  /**
   * Streams an opened job to `sink` from epoch `after` on (the Last-Event-ID of a reconnecting
   * client) until it ends, the client leaves, or the stream's lifetime is up.
   */
  async run(stream: OpenStream, after: number, sink: StreamSink): Promise<void> {
    const { tenant, jobId, signal } = stream;
    let gone = false;
    void sink.closed.then(() => {
      gone = true;
      signal.wake();
    });
    const ends = Date.now() + this.config.STREAM_MAX_SECONDS * 1000;
    let status = "";
    let attempts = -1;
    let sent = after;
    let job = stream.first;
    while (!gone) {
      if (job.attempts !== attempts && attempts >= 0) {
        // A retried attempt rewrites the epochs after its checkpoint: resend from there.
        sent = Math.min(sent, await this.db.jobEpoch.count({ where: { jobId } }));
      }
      attempts = job.attempts;
      if (job.status !== status) {
        status = job.status;
        sink.send("status", { status, progress: { epoch: job.epoch, epochs: job.epochs }, attempts }, String(sent));
      }
      const rows = await this.db.jobEpoch.findMany({ where: { jobId, epoch: { gte: sent } }, orderBy: { epoch: "asc" } });
      for (const row of rows) {
        sent = row.epoch + 1;
        sink.send("epoch", { epoch: sent, epochs: job.epochs, logs: row.logs }, String(sent));
      }
      if (FINAL_STATUSES.has(job.status)) {
        this.reads++;
        sink.send("done", await this.jobs.get(tenant, jobId), String(sent));
        return;
      }
      const left = ends - Date.now();
      if (left <= 0) {
        sink.send(
          "reconnect",
          { reason: `streams last at most ${this.config.STREAM_MAX_SECONDS} s (STREAM_MAX_SECONDS); reconnect with Last-Event-ID` },
          String(sent),
        );
        return;
      }
      // Wait for a notification unless one came while we read; re-read even without one now and then.
      if (!signal.changed && !gone) {
        let quiet = false;
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          signal.wake = resolve;
          timer = setTimeout(() => ((quiet = true), resolve()), Math.min(left, FALLBACK_MS));
        });
        clearTimeout(timer);
        if (quiet && !gone) sink.ping();
      }
      if (gone) return;
      signal.changed = false; // cleared before reading, so a change committed during the read is seen
      job = await this.state(tenant, jobId);
      this.reads++;
    }
  }
}
