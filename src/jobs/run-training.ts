import { randomUUID } from "node:crypto";

import { isDatabaseUnavailable, lockTenant, type Db } from "../db.js";
import { AppError } from "../errors.js";
import { readProfiles } from "../tables/profile.js";
import { DatasetService } from "../datasets/dataset-service.js";
import { TableCache } from "../datasets/table-cache.js";
import { CheckpointStore } from "./checkpoint-store.js";
import { WeightStore } from "../weight-store.js";
import { remainingStorage } from "../storage-quota.js";
import { drawJobPlots, type PlotSource } from "../plots/job-plots.js";
import { specLimits, type Config } from "../config.js";
import {
  checkRequestLimits,
  estimateInputGroups,
  phaseClock,
  readStoredRequest,
  resolveColumns,
  runtime,
  SpecError,
  TrainingError,
  type JobRequest,
  type PhaseClock,
  type TrainResult,
} from "../training/index.js";

export interface RunContext {
  db: Db;
  config: Config;
  /** Label of the compute in use, recorded on the job (e.g. `wasm`). */
  backend: string;
  /** True once the worker is shutting down: checkpoint at the epoch's end and give the job back. */
  stopRequested?: () => boolean;
  /** Called once the attempt owns the job (after the claim), before any training work. */
  onClaimed?: () => Promise<void>;
  /** One JSON log line with the job id; where an unexpected error's detail goes. */
  log?: (msg: string, extra?: object) => void;
}

/** This process's datasets read so far (one training process runs its jobs one after another). */
let tables: TableCache | undefined;

export type RunResult = "succeeded" | "failed" | "cancelled" | "skipped" | "deferred";

/**
 * Claims the job for this attempt unless its tenant already has MAX_RUNNING_JOBS_PER_TENANT jobs
 * running: counted and claimed under a per-tenant advisory lock, so two workers cannot both
 * take the last place. "deferred" leaves the job queued for a later try.
 */
async function claim(ctx: RunContext, jobId: string): Promise<"claimed" | "skipped" | "deferred"> {
  const { db } = ctx;
  const row = await db.job.findUnique({ where: { id: jobId }, select: { tenant: true } });
  if (!row) return "skipped";
  return db.$transaction(async (tx) => {
    await lockTenant(tx, "run", row.tenant);
    const running = await tx.job.count({ where: { tenant: row.tenant, status: "running", id: { not: jobId } } });
    if (running >= ctx.config.MAX_RUNNING_JOBS_PER_TENANT) return "deferred";
    const claimed = await tx.job.updateMany({
      where: { id: jobId, status: { in: ["queued", "running"] }, cancelRequested: false },
      data: { status: "running", attempts: { increment: 1 }, backend: ctx.backend, startedAt: new Date(), epoch: 0, errorCode: null, errorMessage: null },
    });
    return claimed.count === 1 ? "claimed" : "skipped";
  });
}

/**
 * Runs one attempt of a job. The attempt number is a fencing token: every write is conditional
 * on it, so an attempt that lost its job (its worker was presumed dead and another took over)
 * can no longer touch the job's state. Errors that retrying cannot fix fail the job at once;
 * anything else is rethrown for BullMQ to retry, and fails the job on the last attempt.
 */
export async function runTraining(ctx: RunContext, jobId: string, finalAttempt: boolean): Promise<RunResult> {
  const { db } = ctx;
  const claimed = await claim(ctx, jobId);
  if (claimed === "deferred") return "deferred";
  if (claimed === "skipped") {
    await db.job.updateMany({ where: { id: jobId, status: { in: ["queued", "running"] } }, data: { status: "cancelled", finishedAt: new Date() } });
    return "skipped";
  }
  await ctx.onClaimed?.();
  const clock = phaseClock(); // metrics.phases: where a job's time goes besides the fit
  const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
  const mine = { id: jobId, attempts: job.attempts, status: "running" };
  // An AutoML trial: past its experiment's budget it does not start; before it, it stops at it.
  const trial = (job.trial ?? {}) as { deadline?: number; startBy?: number; keep?: boolean; plots?: boolean };
  const late =
    trial.deadline !== undefined && Date.now() >= trial.deadline
      ? "the experiment's time budget ran out before this trial started"
      : trial.startBy !== undefined && Date.now() >= trial.startBy
        ? "this kind of trial took longer than the experiment's time budget had left, and it cannot stop mid-fit"
        : undefined;
  if (late) {
    await db.job.updateMany({ where: mine, data: { status: "cancelled", finishedAt: new Date(), errorMessage: late } });
    return "cancelled";
  }
  // Epochs (or a batch of a booster's rounds) in one transaction, which also reads the cancel flag.
  const recordEpochs = async (first: number, logs: Array<Record<string, number>>): Promise<boolean> => {
    const [, still] = await db.$transaction([
      db.jobEpoch.createMany({ data: logs.map((l, i) => ({ jobId, epoch: first + i, logs: l })) }),
      db.job.updateMany({ where: { ...mine, cancelRequested: false }, data: { epoch: first + logs.length } }),
    ]);
    return still.count === 1;
  };
  const checkpoints = new CheckpointStore(db.pool);
  const resume = await checkpoints.load(jobId);
  // A retried attempt keeps the history its checkpoint covers and redoes the epochs after it.
  await db.jobEpoch.deleteMany({ where: { jobId, epoch: { gte: resume?.epoch ?? 0 } } });

  clock.lap("start");
  try {
    if (!job.datasetId) throw new TrainingError("dataset_deleted", "the dataset was deleted before the job ran");
    const dataset = await db.dataset.findUniqueOrThrow({ where: { id: job.datasetId } });
    const asked = readStoredRequest(job.spec);
    // Only the columns this job reads: features, target and sample weights.
    const profile = readProfiles(dataset.columns);
    const resolved = resolveColumns(asked, profile);
    // The limits in force now (they may have been lowered since the job was queued): the same check as at creation.
    const target = profile.find((c) => c.name === asked.target);
    const limitCtx = {
      task: resolved.task,
      classes: resolved.task === "classification" ? (target?.distinct ?? 0) : 0,
      loss: asked.training.loss,
      seed: asked.training.seed,
    };
    const over = checkRequestLimits(asked, specLimits(ctx.config), estimateInputGroups(resolved, profile, asked), limitCtx);
    if (over.length) throw SpecError.of(over);
    const only = new Set([asked.target, ...resolved.features.map((f) => f.name), ...(asked.training.sampleWeight ? [asked.training.sampleWeight] : [])]);
    // Numeric features, a regression target and weights are used as numbers only: no text kept.
    const valuesOnly = new Set([
      ...resolved.features.filter((f) => f.type === "numeric").map((f) => f.name),
      ...(resolved.task === "regression" ? [asked.target] : []),
      ...(asked.training.sampleWeight ? [asked.training.sampleWeight] : []),
    ]);
    clock.lap("check");
    tables ??= new TableCache(ctx.config.TABLE_CACHE_BYTES);
    const table = await tables.get(dataset.id, only, valuesOnly, () =>
      new DatasetService(db, ctx.config).readTable(dataset, { only, valuesOnly, storeColumns: true }),
    );
    clock.lap("read");
    // The configured wall-time ceiling caps whatever the job asked for.
    const untilDeadline = trial.deadline !== undefined ? Math.max(1, (trial.deadline - Date.now()) / 1000) : Infinity;
    const maxSeconds = Math.min(asked.training.maxSeconds ?? Infinity, ctx.config.MAX_JOB_SECONDS, untilDeadline);
    const spec: JobRequest = { ...asked, training: { ...asked.training, maxSeconds } };
    const { trainJob } = await runtime();
    clock.lap("runtime");
    const outcome = await trainJob(
      table,
      spec,
      profile,
      {
        resume,
        checkpointEvery: ctx.config.CHECKPOINT_EVERY_EPOCHS,
        onCheckpoint: async (cp) => void (await checkpoints.save(jobId, job.attempts, cp)),
        stopRequested: ctx.stopRequested,
        onEpoch: (epoch, logs) => recordEpochs(epoch, [logs]),
        onEpochs: recordEpochs,
      },
      clock,
    );
    if (outcome.status === "interrupted") {
      const cancelled = await db.job.updateMany({ where: { ...mine, cancelRequested: true }, data: { status: "cancelled", finishedAt: new Date() } });
      if (cancelled.count === 1) return "cancelled";
      if (ctx.stopRequested?.()) throw new WorkerShutdown(); // checkpointed: the next attempt resumes
      return "skipped";
    }
    const r = outcome.result;
    const labels = r.preprocessing.target.task === "classification" ? r.preprocessing.target.labels : [];
    // Plots are drawn once, in this process, so the API never renders: it serves these bytes. A
    // search's trials (there may be hundreds) skip theirs: the experiment draws its own.
    const drawsPlots = trial.plots !== false;
    // The model is stored only within the tenant's quota, a trial's as a job's. Its weights go
    // first, in pieces outside any transaction; the short transaction then makes them the model's.
    // (The quota counts datasets' files and models' weights: storage-quota.ts.)
    const weightData = r.artifacts.weightData;
    const room = await remainingStorage(db.pool, job.tenant, ctx.config.MAX_STORAGE_BYTES_PER_TENANT, "the trained model was not stored");
    const h = trial.keep ? r.heldOut : undefined;
    const stores = weightData.length + (h ? h.values.byteLength + 4 * h.rows.length + h.truth.byteLength : 0);
    if (stores > room) {
      throw new AppError(
        "quota_exceeded",
        `the trained model takes ${stores} bytes, more than the ${room} bytes left of this tenant's quota (MAX_STORAGE_BYTES_PER_TENANT): delete datasets or models and train again`,
      );
    }
    const weights = new WeightStore(db.pool);
    await weights.dropOrphans(jobId);
    const modelId = randomUUID();
    await weights.write({ modelId, tenant: job.tenant, jobId }, weightData);
    const stored = await db.$transaction(async (tx) => {
      const updated = await tx.job.updateMany({
        where: mine,
        data: {
          status: "succeeded",
          finishedAt: new Date(),
          epoch: r.epochsRun,
          // metrics.plots: "pending" until they are drawn, after the job is marked succeeded (below).
          metrics: {
            ...r.metrics,
            diagnosis: r.diagnosis,
            epochsRun: r.epochsRun,
            restoredEpoch: r.restoredEpoch ?? null,
            ...(drawsPlots ? { plots: "pending" } : {}),
          } as object,
          warnings: [...new Set([...(job.warnings as string[]), ...r.warnings])],
        },
      });
      if (updated.count !== 1) return false; // cancelled or taken over meanwhile: keep nothing
      await tx.model.create({
        data: {
          id: modelId,
          tenant: job.tenant,
          jobId,
          type: spec.model.type,
          summary: r.summary as object,
          metrics: r.metrics as object,
          target: spec.target,
          features: r.preprocessing.features.map((f) => f.name),
          labels,
          preprocessing: { ...r.preprocessing, outputMode: r.outputMode, task: r.task } as object,
          topology: r.artifacts.topology,
          weightSpecs: r.artifacts.weightSpecs as object[],
          weightData: null,
        },
      });
      if (h) {
        const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer as ArrayBuffer, a.byteOffset, a.byteLength);
        await tx.trialPrediction.create({
          data: { jobId, tenant: job.tenant, width: h.width, rows: bytes(Int32Array.from(h.rows)), values: bytes(h.values), truth: bytes(h.truth) },
        });
      }
      return true;
    });
    if (!stored) {
      await weights.dropOrphans(jobId);
      return "succeeded";
    }
    await checkpoints.delete(jobId);
    if (drawsPlots) await drawPlots(db, jobId, r, clock);
    return "succeeded";
  } catch (err) {
    if (err instanceof WorkerShutdown) {
      await db.job.updateMany({ where: mine, data: { status: "queued" } });
      throw err;
    }
    if (isDatabaseUnavailable(err)) {
      // Not the job's fault: hand it back (if Postgres answers again already) and let the
      // processor try it again later; never mark it failed for this.
      await db.job.updateMany({ where: mine, data: { status: "queued" } }).catch(() => undefined);
      throw err;
    }
    const known = err instanceof TrainingError || err instanceof SpecError || err instanceof AppError;
    const code = known ? (err as { code: string }).code : "internal_error";
    // A known error explains itself; an unexpected one may carry internals (paths, hosts, SQL):
    // the tenant gets a reference, the log gets the detail under the same reference.
    let message = (err as Error).message ?? String(err);
    if (!known) {
      const reference = randomUUID();
      ctx.log?.("unexpected training error", { reference, error: message, stack: (err as Error).stack });
      message = `internal error during training (reference ${reference})`;
    }
    if (known || finalAttempt) {
      await db.job.updateMany({ where: mine, data: { status: "failed", finishedAt: new Date(), errorCode: code, errorMessage: message } });
      if (known) return "failed";
    } else {
      await db.job.updateMany({ where: mine, data: { status: "queued", errorCode: code, errorMessage: `attempt ${job.attempts}: ${message}` } });
    }
    throw err;
  }
}

/**
 * A succeeded job's plots, drawn after it was marked succeeded: the client has its model and
 * metrics ~0.15 s sooner (bench/job-phases.ts). Stored with metrics.plots "drawn" and the time
 * in metrics.phases.plots, in one statement each way; a failure to draw leaves "failed" and the
 * job succeeded.
 */
async function drawPlots(db: Db, jobId: string, r: TrainResult, clock: PhaseClock): Promise<void> {
  let state = "drawn";
  try {
    const plots = await drawJobPlots({
      id: jobId,
      status: "succeeded",
      history: r.history,
      metrics: { ...r.metrics, diagnosis: r.diagnosis } as PlotSource["metrics"],
    });
    await db.jobPlot.createMany({ data: plots.map((p) => ({ jobId, file: p.file, data: new Uint8Array(p.data) })) });
  } catch (err) {
    state = "failed";
    console.error(JSON.stringify({ time: new Date().toISOString(), msg: "plots not drawn", jobId, error: (err as Error).message }));
  }
  clock.lap("plots");
  await db.pool.query(
    `UPDATE "Job" SET metrics = jsonb_set(jsonb_set(metrics, '{plots}', to_jsonb($2::text)), '{phases,plots}', to_jsonb($3::float8)) WHERE id = $1`,
    [jobId, state, clock.phases.plots ?? 0],
  );
}

/** Thrown when a shutting-down worker hands its job back (BullMQ retries it; it resumes from its checkpoint). */
export class WorkerShutdown extends Error {
  constructor() {
    super("the worker shut down; the job resumes from its last checkpoint");
  }
}

/**
 * Ends a job that BullMQ gave up on without our code saying so (its process was killed on
 * every attempt, or it stalled too often): it must not stay `running` forever.
 */
export async function failUnfinished(db: Db, jobId: string, message: string): Promise<void> {
  await db.job.updateMany({
    where: { id: jobId, status: { in: ["queued", "running"] } },
    data: { status: "failed", finishedAt: new Date(), errorCode: "worker_lost", errorMessage: message },
  });
}
