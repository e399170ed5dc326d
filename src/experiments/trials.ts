import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { FlowProducer } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import type { Experiment } from "../../generated/prisma/client.js";
import { AppError, type FieldError } from "../errors.js";
import { plannedSteps, planJob } from "../jobs/job-plan.js";
import { EXPERIMENT_QUEUE, trainJobOptions, trainQueueName } from "../queue.js";
import { JobRequestSchema, SpecError, type JobRequest } from "../training/index.js";
import type { ExperimentRequest } from "./experiment-request.js";
import type { Individual } from "./space.js";

/** One candidate of an experiment: a model and training options over the experiment's. */
export interface CandidatePoint {
  name: string;
  /** Equal candidates share a key (a search trains each point once). */
  key: string;
  params?: Individual;
  model: unknown;
  training?: Record<string, unknown>;
  preprocessing?: Record<string, unknown>;
  /** This candidate's split over the experiment's (an AutoML network's validation rows). */
  split?: Record<string, unknown>;
}

/** What a trial job records of itself (Job.trial). */
export const TrialInfoSchema = z.object({
  name: z.string(),
  key: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
  generation: z.number().int(),
  fold: z.number().int().optional(),
  /** Search trials skip the per-job plots (hundreds of them); compare trials keep them. */
  plots: z.boolean(),
  /** An AutoML trial keeps its predictions on its held-out rows (TrialPrediction) for the ensemble. */
  keep: z.boolean().optional(),
  /** An AutoML trial's budget (epoch ms): it does not start after it, and its training stops at it. */
  deadline: z.number().optional(),
  /** An AutoML trial that cannot stop mid-fit (no epochs or rounds) does not start after this (epoch ms): its kind's trials took longer than the time left. */
  startBy: z.number().optional(),
  /** The AutoML experiment's ensemble: a job of the experiment that is not a trial (the leaderboard skips it). */
  role: z.literal("ensemble").optional(),
});
export type TrialInfo = z.infer<typeof TrialInfoSchema>;

export interface PlannedTrial {
  request: JobRequest;
  trial: TrialInfo;
}

/** The job request of a candidate: the experiment's data, split or fold, and training, with the candidate's model. */
function requestOf(req: ExperimentRequest, c: CandidatePoint, fold?: number): unknown {
  const { datasetId, target, features, ignore, task, columns, preprocessing, split, training } = req;
  const cv = req.crossValidation;
  return {
    datasetId,
    target,
    features,
    ignore,
    task,
    columns,
    preprocessing: { ...preprocessing, ...c.preprocessing },
    split: cv ? { ...split, ...c.split, test: 0, stratify: cv.stratify, fold: { index: fold ?? 0, of: cv.folds } } : { ...split, ...c.split },
    model: c.model,
    training: { ...training, ...c.training },
  };
}

const prefixed = (prefix: string, errors: FieldError[]) => errors.map((e) => ({ path: `${prefix}.${e.path}`, message: e.message }));

/**
 * Validates each candidate as the job it becomes (the same checks as POST /v1/jobs: dataset,
 * columns, limits, the network built once) and expands it over the folds. Errors name the
 * candidate (`candidates[2].model...`, or the search point's name). Leaks are looked for once.
 */
export async function planTrials(
  db: Db,
  config: Config,
  tenant: string,
  req: ExperimentRequest,
  candidates: CandidatePoint[],
  generation: number,
  where: (i: number) => string,
  /** What every trial records besides (an AutoML trial's keep and deadline), and whether to look for leaks (the first candidate of generation 0 by default). */
  opts: { trial?: Partial<TrialInfo>; leaks?: boolean } = {},
): Promise<{ trials: PlannedTrial[]; warnings: string[]; task?: "classification" | "regression"; modelBytes: number }> {
  const trials: PlannedTrial[] = [];
  // What the trials' models will store: float32 weights (a classic model's own size is not known before its fit).
  let modelBytes = 0;
  const bytesOf = new Map<string, number>();
  let warnings: string[] = [];
  let task: "classification" | "regression" | undefined;
  // planJob builds each network once on the API: points that differ only in what planning does
  // not read (optimizer, batch size: a grid over learning rates) are planned once.
  const planned = new Set<string>();
  for (const [i, c] of candidates.entries()) {
    const parsed = JobRequestSchema.safeParse(requestOf(req, c));
    if (!parsed.success)
      throw SpecError.of(
        prefixed(
          where(i),
          parsed.error.issues.map((e) => ({ path: e.path.join("."), message: e.message })),
        ),
      );
    const {
      split: _split,
      training: { optimizer: _optimizer, batchSize: _batchSize, ...training },
      ...rest
    } = parsed.data;
    const key = JSON.stringify({ ...rest, training });
    if (!planned.has(key)) {
      try {
        const plan = await planJob(db, config, tenant, parsed.data, { leaks: opts.leaks ?? (i === 0 && generation === 0) });
        if (i === 0) [warnings, task] = [plan.warnings, plan.resolved.task];
        bytesOf.set(key, 4 * plan.network.summary.totalParams);
      } catch (err) {
        if (err instanceof SpecError || (err instanceof AppError && err.errors && err.code === "validation_failed"))
          throw SpecError.of(prefixed(where(i), err.errors ?? []));
        throw err;
      }
      planned.add(key);
    }
    // Every fold's request is the first one's with its fold number (already validated).
    const of = req.crossValidation?.folds;
    modelBytes += (of ?? 1) * bytesOf.get(key)!;
    for (let fold = 0; fold < (of ?? 1); fold++) {
      const request = of ? { ...parsed.data, split: { ...parsed.data.split, fold: { index: fold, of } } } : parsed.data;
      trials.push({
        request,
        trial: { name: c.name, key: c.key, params: c.params, generation, fold: of ? fold : undefined, plots: req.kind === "compare", ...opts.trial },
      });
    }
  }
  return { trials, warnings, task, modelBytes };
}

/** The experiment step's BullMQ id for a generation (ids may not contain ':'). */
export const stepJobId = (experimentId: string, generation: number) => `${experimentId}-g${generation}`;

/** The trials' job rows, to insert (in the caller's transaction) before `enqueueTrials`. */
export function trialRows(experiment: { id: string; tenant: string }, trials: PlannedTrial[]) {
  return trials.map((t) => ({
    id: randomUUID(),
    tenant: experiment.tenant,
    datasetId: t.request.datasetId,
    status: "queued",
    spec: t.request as object,
    epochs: plannedSteps(t.request),
    warnings: [],
    experimentId: experiment.id,
    trial: t.trial as object,
  }));
}

/**
 * Adds one generation as a BullMQ flow: the trials are children on their device's training queue
 * (so every worker on every machine takes them), the experiment's step is the parent and runs once
 * they have all ended. A child that fails for good does not hold the parent (ignoreDependencyOnFailure).
 * Ids are the rows' ids: adding the same flow again is a no-op, so a retried step may re-add it.
 */
export async function enqueueTrials(
  flows: FlowProducer,
  config: Config,
  experiment: { id: string; tenant: string },
  generation: number,
  jobs: Array<{ id: string; spec: unknown }>,
): Promise<void> {
  await flows.add({
    name: "step",
    queueName: EXPERIMENT_QUEUE,
    data: { experimentId: experiment.id, tenant: experiment.tenant, generation },
    opts: {
      jobId: stepJobId(experiment.id, generation),
      attempts: 5,
      backoff: { type: "exponential", delay: 1000 },
      removeOnComplete: 1000,
      removeOnFail: 5000,
    },
    children: jobs.map((j) => ({
      name: "train",
      queueName: trainQueueName((j.spec as JobRequest).training.device),
      data: { jobId: j.id, tenant: experiment.tenant },
      opts: { ...trainJobOptions(config), jobId: j.id, ignoreDependencyOnFailure: true },
    })),
  });
}

/** Re-adds the current generation's flow (a step that died after recording it, or a Redis that lost it). */
export async function ensureQueued(ctx: { db: Db; config: Config; flows: FlowProducer }, exp: Pick<Experiment, "id" | "tenant" | "generation">): Promise<void> {
  const jobs = await ctx.db.job.findMany({
    where: { experimentId: exp.id, trial: { path: ["generation"], equals: exp.generation } },
    select: { id: true, spec: true },
  });
  await enqueueTrials(ctx.flows, ctx.config, exp, exp.generation, jobs);
}
