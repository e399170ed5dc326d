import { createHash } from "node:crypto";
import type { Config } from "../config.js";
import { within } from "../timeout.js";
import { lockTenant, type Db } from "../db.js";
import { AppError, requireTenant } from "../errors.js";
import { remainingStorage } from "../storage-quota.js";
import { plannedSteps, planJob } from "./job-plan.js";
import type { TrainQueues } from "../queue.js";
import type { PlotFile } from "../plots/plot-files.js";
import { explainingFamilies, readStoredRequest, type JobRequest } from "../training/index.js";
import { checkWebhookUrl } from "../webhooks/webhook-url.js";
import { FINAL_STATUSES, toJobView, type JobView } from "./job-view.js";
import { deleteUnlessRegistered, registrationsOf } from "../registry/registrations.js";

const ENQUEUE_TIMEOUT_MS = 5_000;

const withDetail = { history: true, model: { select: { id: true } } } as const;

/** Jobs as clients see them: create (validate, record, enqueue), read, list, cancel. */
export class JobService {
  constructor(
    private readonly db: Db,
    private readonly queues: TrainQueues,
    private readonly config: Config,
    /** Told after this service changed a job, so cached reads of it are dropped at once. */
    private readonly changed: (id: string) => void = () => undefined,
    /** Told when this service ended a job (a queued one cancelled): its webhook goes out. */
    private readonly ended: (id: string) => Promise<void> = async () => undefined,
  ) {}

  /**
   * Validates the request against the dataset and the limits, records the job, then enqueues
   * it with the job's id as BullMQ's id (so a repeated add is a no-op). If Redis refuses, the
   * row is removed again: no job exists that no worker will ever see.
   */
  async create(tenant: string, req: JobRequest, idempotencyKey?: string, webhookUrl?: string): Promise<{ job: JobView; replayed: boolean }> {
    requireTenant(tenant);
    await checkWebhookUrl(this.config, webhookUrl);
    const requestHash = createHash("sha256").update(JSON.stringify(req)).digest("hex");
    if (idempotencyKey) {
      const prior = await this.findByKey(tenant, idempotencyKey, requestHash);
      if (prior) return { job: prior, replayed: true };
    }
    const limit = this.config.MAX_ACTIVE_JOBS_PER_TENANT;
    const full = (active: number) =>
      new AppError(
        "too_many_requests",
        `${active} jobs are queued or running for this tenant, the limit is ${limit} (MAX_ACTIVE_JOBS_PER_TENANT): wait for one to end`,
      );
    // An experiment's trials count against its own limits (MAX_EXPERIMENT_TRIALS), not this one.
    const countActive = (db: Pick<Db, "job">) => db.job.count({ where: { tenant, status: { in: ["queued", "running"] }, experimentId: null } });
    // A job ends in a stored model: a tenant at its storage quota trains nothing new.
    await remainingStorage(this.db.pool, tenant, this.config.MAX_STORAGE_BYTES_PER_TENANT, "job refused");
    const early = await countActive(this.db);
    if (early >= limit) throw full(early); // cheap refusal before planning
    await this.requireWorkers(req.training.device);
    const { dataset, warnings } = await planJob(this.db, this.config, tenant, req);

    let job;
    try {
      // Counted and inserted under a per-tenant lock: parallel requests cannot all see room for one more.
      job = await this.db.$transaction(async (tx) => {
        await lockTenant(tx, "jobs", tenant);
        const active = await countActive(tx);
        if (active >= limit) throw full(active);
        return tx.job.create({
          data: {
            tenant,
            datasetId: dataset.id,
            status: "queued",
            spec: req as object,
            epochs: plannedSteps(req),
            warnings,
            idempotencyKey,
            requestHash,
            webhookUrl,
          },
          include: withDetail,
        });
      });
    } catch (err) {
      if (idempotencyKey && (err as { code?: string }).code === "P2002") {
        const prior = await this.findByKey(tenant, idempotencyKey, requestHash);
        if (prior) return { job: prior, replayed: true };
      }
      throw err;
    }
    try {
      // Producers fail fast (BullMQ "going to production"): a client should not hang on Redis.
      await within(this.queues.of(req.training.device).add("train", { jobId: job.id, tenant }, { jobId: job.id }), ENQUEUE_TIMEOUT_MS, "enqueue");
    } catch (err) {
      await this.db.job.delete({ where: { id: job.id } });
      this.changed(job.id);
      // The cause (Redis's host and port) is the operator's business, not the client's: /ready and the logs have it.
      throw new AppError("service_unavailable", "the job queue is unavailable: try again shortly");
    }
    return { job: toJobView(job), replayed: false };
  }

  /**
   * A GPU job needs GPU workers: without one connected to its queue it would wait forever, so it
   * is refused (409) with what to do. CPU workers are the deployment's default and not checked.
   */
  private async requireWorkers(device: JobRequest["training"]["device"]): Promise<void> {
    if (device === "cpu") return;
    let workers: number;
    try {
      workers = await within(this.queues.of(device).getWorkersCount(), ENQUEUE_TIMEOUT_MS, "workers");
    } catch {
      throw new AppError("service_unavailable", "the job queue is unavailable: try again shortly");
    }
    if (workers === 0) {
      throw new AppError(
        "conflict",
        `training.device is "${device}" but no ${device} worker is connected: start workers with WORKER_DEVICE=${device} (Dockerfile.gpu), or use device "cpu"`,
        [{ path: "training.device", message: `no ${device} worker is connected` }],
      );
    }
  }

  private async findByKey(tenant: string, idempotencyKey: string, requestHash: string): Promise<JobView | undefined> {
    const prior = await this.db.job.findUnique({ where: { tenant_idempotencyKey: { tenant, idempotencyKey } }, include: withDetail });
    if (!prior) return undefined;
    if (prior.requestHash !== requestHash) throw new AppError("conflict", "this Idempotency-Key was used for a different job request");
    return this.view(prior);
  }

  /** The view, with where its model is registered. */
  private async view(job: Parameters<typeof toJobView>[0]): Promise<JobView> {
    if (!job.model) return toJobView(job);
    const registered = (await registrationsOf(this.db.pool, [job.model.id])).get(job.model.id);
    return toJobView({ ...job, model: { id: job.model.id, registered } });
  }

  async get(tenant: string, id: string): Promise<JobView> {
    requireTenant(tenant);
    const job = await this.db.job.findFirst({ where: { id, tenant }, include: withDetail });
    if (!job) throw new AppError("not_found", `job ${id} not found`);
    return this.view(job);
  }

  /** A stored plot of a finished job; 404 while it runs or when it has nothing to draw. */
  async plot(tenant: string, id: string, file: PlotFile): Promise<Buffer> {
    requireTenant(tenant);
    const job = await this.db.job.findFirst({ where: { id, tenant }, select: { status: true, metrics: true } });
    if (!job) throw new AppError("not_found", `job ${id} not found`);
    const res = await this.db.pool.query<{ data: Buffer }>('SELECT "data" FROM "JobPlot" WHERE "jobId" = $1 AND "file" = $2', [id, file]);
    if (res.rows[0]) return res.rows[0].data;
    if ((job.metrics as { plots?: string } | null)?.plots === "pending")
      throw new AppError("not_found", `job ${id} succeeded and its plots are being drawn (metrics.plots is "pending"): retry in a moment`);
    if (!FINAL_STATUSES.has(job.status))
      throw new AppError("not_found", `job ${id} is ${job.status}: its plots are drawn when it ends (GET /v1/jobs/${id}/events streams the epochs meanwhile)`);
    const why = file.startsWith("confusion")
      ? "it is not a finished classification with a test split"
      : file.startsWith("feature")
        ? "it selected no features (preprocessing.featureSelection)"
        : file.startsWith("importance")
          ? `its model does not explain its predictions (${explainingFamilies().join(", ")} models do)`
          : file.startsWith("complexity")
            ? 'it searched no sizes (an ELM\'s hiddenUnits: {"search": [...]}; a search experiment draws its own)'
            : "it has no epochs to plot";
    throw new AppError("not_found", `job ${id} has no ${file.replace(/\.\w+$/, "")}: ${why}`);
  }

  /**
   * Deletes a job with its history, plots, checkpoint and model. A job still queued or running is
   * cancelled first (a running one's worker finds it gone and stops writing). Returns the id of
   * the model it deleted, if any.
   */
  async delete(tenant: string, id: string): Promise<string | undefined> {
    requireTenant(tenant);
    const job = await this.db.job.findFirst({ where: { id, tenant }, select: { status: true, spec: true, model: { select: { id: true } } } });
    if (!job) throw new AppError("not_found", `job ${id} not found`);
    if (!FINAL_STATUSES.has(job.status))
      await this.cancel(tenant, id).catch((err) => {
        if (!(err instanceof AppError && err.code === "conflict")) throw err; // it ended meanwhile
      });
    await this.queues
      .of(readStoredRequest(job.spec).training.device)
      .remove(id)
      .catch(() => undefined);
    const { count } = await deleteUnlessRegistered(this.db.pool, { jobId: id }, () => this.db.job.deleteMany({ where: { id, tenant } }));
    if (count === 0) throw new AppError("not_found", `job ${id} not found`);
    this.changed(id);
    return job.model?.id;
  }

  /**
   * A queued job is cancelled at once; a running one is flagged, and its worker stops at the
   * end of the current epoch (it checks the flag every epoch) and marks it cancelled.
   */
  async cancel(tenant: string, id: string): Promise<JobView> {
    requireTenant(tenant);
    const job = await this.db.job.findFirst({ where: { id, tenant } });
    if (!job) throw new AppError("not_found", `job ${id} not found`);
    if (FINAL_STATUSES.has(job.status)) throw new AppError("conflict", `job ${id} already ended ${job.status}`);
    const now = await this.db.job.updateMany({
      where: { id, status: "queued" },
      data: { status: "cancelled", cancelRequested: true, finishedAt: new Date() },
    });
    if (now.count === 1) {
      await this.queues
        .of(readStoredRequest(job.spec).training.device)
        .remove(id)
        .catch(() => undefined); // a worker that took it skips it
      await this.ended(id).catch(() => undefined); // its webhook; the job is cancelled whatever Redis says
    } else await this.db.job.updateMany({ where: { id, status: "running" }, data: { cancelRequested: true } });
    this.changed(id);
    return this.get(tenant, id);
  }
}
