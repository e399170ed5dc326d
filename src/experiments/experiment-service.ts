import type { FlowProducer } from "bullmq";
import type { Config } from "../config.js";
import { lockTenant, type Db } from "../db.js";
import { remainingStorage } from "../storage-quota.js";
import { AppError, requireTenant } from "../errors.js";
import { FINAL_STATUSES } from "../jobs/job-view.js";
import { pageArgs, toPage, type Page, type PageQuery } from "../page.js";
import type { ExperimentPlotFile } from "../plots/experiment-plots.js";
import { within } from "../timeout.js";
import { dimensionsOf } from "./space.js";
import { cachedRead, type CachedRead, type ReadCache } from "../read-cache.js";
import { checkWebhookUrl } from "../webhooks/webhook-url.js";
import { firstCandidates, plannedTrialCount } from "./candidates.js";
import type { ExperimentRequest } from "./experiment-request.js";
import { loadTrials, loadTrialsOf, toExperimentView, type ExperimentState, type ExperimentView } from "./experiment-view.js";
import { enqueueTrials, planTrials, trialRows, type PlannedTrial } from "./trials.js";
import { planAutoml } from "./automl/automl-plan.js";
import { firstRung } from "./halving-step.js";

const ENQUEUE_TIMEOUT_MS = 10_000;

/** An experiment's key in the read cache: what its triggers notify (migration 20261207200000_experiment_reads). */
const experimentKey = (id: string) => `experiment:${id}`;

/** Experiments as clients see them: create (plan every first trial, record, enqueue a flow), read, list, cancel. */
export class ExperimentService {
  constructor(
    private readonly db: Db,
    private readonly flows: FlowProducer,
    private readonly config: Config,
    /** The views clients poll, kept as JSON text until Postgres says the experiment or a trial changed. */
    private readonly reads?: ReadCache,
  ) {}

  async create(tenant: string, req: ExperimentRequest): Promise<ExperimentView> {
    requireTenant(tenant);
    await checkWebhookUrl(this.config, req.webhookUrl);
    if (req.kind === "automl") {
      await this.roomFor(tenant);
      const planned = await planAutoml(this.db, this.config, tenant, req);
      return this.record(tenant, planned.stored, planned.state, planned.trials);
    }
    // Sized from the request alone, before any candidate is built.
    const planned = plannedTrialCount(req);
    if (planned > this.config.MAX_EXPERIMENT_TRIALS) {
      throw new AppError(
        "validation_failed",
        `this experiment would run ${planned} trial jobs (candidates x folds x generations), the limit is ${this.config.MAX_EXPERIMENT_TRIALS} (MAX_EXPERIMENT_TRIALS)`,
        [{ path: req.kind === "compare" ? "candidates" : "space", message: `${planned} trials is over ${this.config.MAX_EXPERIMENT_TRIALS}` }],
      );
    }
    if (req.kind === "search" && req.complexityBy && !dimensionsOf(req.space).includes(req.complexityBy))
      throw new AppError("validation_failed", `complexityBy "${req.complexityBy}" is not a dimension of this space`, [
        { path: "complexityBy", message: `one of ${dimensionsOf(req.space).join(", ")}` },
      ]);
    if (req.kind === "compare") {
      const names = req.candidates.map((c) => c.name);
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice)
        throw new AppError("validation_failed", `two candidates are named "${twice}"`, [
          { path: `candidates[${names.lastIndexOf(twice)}].name`, message: "names must be unique" },
        ]);
    }
    // Every trial stores a model: a tenant at its quota starts none, and one without room for
    // what the planned trials will store is told so now, not trial by trial.
    const quota = this.config.MAX_STORAGE_BYTES_PER_TENANT;
    const room = await this.roomFor(tenant);

    const rung0 = req.kind === "search" && req.halving ? firstRung(req) : undefined;
    const candidates = rung0?.candidates ?? firstCandidates(req);
    const where = (i: number) => (req.kind === "compare" ? `candidates[${i}]` : `space (point ${candidates[i]!.name})`);
    const { trials, warnings, task, modelBytes } = await planTrials(this.db, this.config, tenant, req, candidates, 0, where);
    const expected = Math.round(modelBytes * (planned / Math.max(1, trials.length))); // later generations are sized like the first
    if (expected > room) {
      throw new AppError(
        "quota_exceeded",
        `experiment refused: its ${planned} trials would store about ${expected} bytes of models, more than the ${room} bytes left of this tenant's quota of ${quota} bytes (MAX_STORAGE_BYTES_PER_TENANT); delete datasets or models, or plan fewer or smaller candidates`,
      );
    }
    const state: ExperimentState = {
      task: task ?? "classification",
      warnings,
      generations:
        req.kind === "search" && req.method === "genetic"
          ? [{ generation: 0, population: candidates.map((c) => ({ key: c.key, name: c.name, params: c.params! })) }]
          : undefined,
      halving: rung0?.state,
    };
    return this.record(tenant, req, state, trials);
  }

  /** The tenant's room left, refused first when it has MAX_ACTIVE_EXPERIMENTS_PER_TENANT running or no storage left. */
  private async roomFor(tenant: string): Promise<number> {
    const early = await this.countActive(this.db, tenant);
    if (early >= this.config.MAX_ACTIVE_EXPERIMENTS_PER_TENANT) throw this.full(early);
    return remainingStorage(this.db.pool, tenant, this.config.MAX_STORAGE_BYTES_PER_TENANT, "experiment refused");
  }

  private countActive = (db: Pick<Db, "experiment">, tenant: string) => db.experiment.count({ where: { tenant, status: { in: ["queued", "running"] } } });
  private full = (n: number) =>
    new AppError(
      "too_many_requests",
      `${n} experiments are queued or running for this tenant, the limit is ${this.config.MAX_ACTIVE_EXPERIMENTS_PER_TENANT} (MAX_ACTIVE_EXPERIMENTS_PER_TENANT)`,
    );

  /** Records the experiment and its first trials in one transaction (the active limit checked again under the tenant's lock), then queues them. */
  private async record(tenant: string, req: ExperimentRequest, state: ExperimentState, trials: PlannedTrial[]): Promise<ExperimentView> {
    const limit = this.config.MAX_ACTIVE_EXPERIMENTS_PER_TENANT;
    const { experiment, rows } = await this.db.$transaction(async (tx) => {
      await lockTenant(tx, "experiments", tenant);
      const active = await this.countActive(tx, tenant);
      if (active >= limit) throw this.full(active);
      const experiment = await tx.experiment.create({
        data: {
          tenant,
          datasetId: req.datasetId,
          kind: req.kind,
          status: "queued",
          request: req as object,
          report: state as object,
          webhookUrl: req.webhookUrl,
        },
      });
      const rows = trialRows(experiment, trials);
      await tx.job.createMany({ data: rows });
      return { experiment, rows };
    });
    try {
      await within(enqueueTrials(this.flows, this.config, experiment, 0, rows), ENQUEUE_TIMEOUT_MS, "enqueue");
    } catch {
      await this.db.experiment.delete({ where: { id: experiment.id } }); // its trial rows go with it (cascade)
      throw new AppError("service_unavailable", "the job queue is unavailable: try again shortly");
    }
    return this.get(tenant, experiment.id);
  }

  async get(tenant: string, id: string): Promise<ExperimentView> {
    requireTenant(tenant);
    const exp = await this.db.experiment.findFirst({ where: { id, tenant } });
    if (!exp) throw new AppError("not_found", `experiment ${id} not found`);
    return toExperimentView(exp, await loadTrials(this.db, id));
  }

  /**
   * The view as JSON text with its ETag, from the read cache: a 500-trial experiment's view took
   * ~13 ms to build and serialize through the schema on every poll (75 polls/s, bench/reads-at-scale.ts);
   * now built once per change (15-20 ms) and sent as text.
   */
  async read(tenant: string, id: string): Promise<CachedRead> {
    requireTenant(tenant);
    const build = async (): Promise<CachedRead | undefined> => {
      const exp = await this.db.experiment.findFirst({ where: { id } });
      return exp ? cachedRead(exp.tenant, JSON.stringify(toExperimentView(exp, await loadTrials(this.db, id)))) : undefined;
    };
    const entry = this.reads ? await this.reads.load(experimentKey(id), build) : await build();
    // Another tenant's experiment is as absent as a missing one.
    if (!entry || entry.tenant !== tenant) throw new AppError("not_found", `experiment ${id} not found`);
    return entry;
  }

  async list(tenant: string, q: PageQuery): Promise<Page<ExperimentView>> {
    requireTenant(tenant);
    if (q.cursor && !(await this.db.experiment.findFirst({ where: { id: q.cursor, tenant }, select: { id: true } })))
      throw new AppError("validation_failed", "cursor is not one of this tenant's experiments", [{ path: "cursor", message: "unknown cursor" }]);
    const rows = await this.db.experiment.findMany({ where: { tenant }, ...pageArgs(q) });
    const page = toPage(rows, q, (r) => r);
    const trials = await loadTrialsOf(
      this.db,
      page.items.map((e) => e.id),
    );
    return { items: page.items.map((e) => toExperimentView(e, trials.get(e.id)!)), nextCursor: page.nextCursor };
  }

  /**
   * Ends the experiment as cancelled at once: its queued trials are cancelled (a worker that takes
   * one skips it) and its running ones flagged, so they stop at their epoch's end like any job.
   */
  async cancel(tenant: string, id: string): Promise<ExperimentView> {
    requireTenant(tenant);
    const exp = await this.db.experiment.findFirst({ where: { id, tenant }, select: { status: true } });
    if (!exp) throw new AppError("not_found", `experiment ${id} not found`);
    if (FINAL_STATUSES.has(exp.status)) throw new AppError("conflict", `experiment ${id} already ended ${exp.status}`);
    const now = new Date();
    await this.db.$transaction([
      this.db.experiment.updateMany({
        where: { id, status: { in: ["queued", "running"] } },
        data: { status: "cancelled", cancelRequested: true, finishedAt: now },
      }),
      this.db.job.updateMany({ where: { experimentId: id, status: "queued" }, data: { status: "cancelled", cancelRequested: true, finishedAt: now } }),
      this.db.job.updateMany({ where: { experimentId: id, status: "running" }, data: { cancelRequested: true } }),
    ]);
    this.reads?.forget(experimentKey(id)); // read your writes, before the notification comes
    return this.get(tenant, id);
  }

  /** A stored plot of an ended experiment. */
  async plot(tenant: string, id: string, file: ExperimentPlotFile): Promise<Buffer> {
    requireTenant(tenant);
    const exp = await this.db.experiment.findFirst({ where: { id, tenant }, select: { status: true } });
    if (!exp) throw new AppError("not_found", `experiment ${id} not found`);
    const res = await this.db.pool.query<{ data: Buffer }>('SELECT "data" FROM "ExperimentPlot" WHERE "experimentId" = $1 AND "file" = $2', [id, file]);
    if (res.rows[0]) return res.rows[0].data;
    if (!FINAL_STATUSES.has(exp.status)) throw new AppError("not_found", `experiment ${id} is ${exp.status}: its plots are drawn when it ends`);
    throw new AppError("not_found", `experiment ${id} has no ${file.replace(/\.\w+$/, "")} plot (learning curves need networks; generations a genetic search)`);
  }
}
