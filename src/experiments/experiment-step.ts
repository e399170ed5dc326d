import type { FlowProducer } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import type { Experiment } from "../../generated/prisma/client.js";
import { AppError } from "../errors.js";
import { drawExperimentPlots } from "../plots/experiment-plots.js";
import { SpecError } from "../training/index.js";
import { geneticSettings, nextPopulation, pointOf } from "./candidates.js";
import { ExperimentRequestSchema, type SearchRequest } from "./experiment-request.js";
import { ExperimentStateSchema, loadTrials, report, type ExperimentState, type TrialRow } from "./experiment-view.js";
import { keyOf, type Individual } from "./space.js";
import { enqueueTrials, planTrials, trialRows } from "./trials.js";

export interface StepContext {
  db: Db;
  config: Config;
  flows: FlowProducer;
  log: (msg: string, extra?: object) => void;
  /** Told when an experiment has ended (its webhook). */
  ended?: (experimentId: string) => Promise<void>;
}

/**
 * An experiment's step, run by a worker when every trial of a generation has ended (the flow's
 * parent). A genetic search breeds and launches the next generation; otherwise the experiment
 * ends: its report and plots are stored. Safe to run again (a retried or stalled step): a step
 * for an older generation only makes sure the current one is queued.
 */
export async function runExperimentStep(ctx: StepContext, experimentId: string, generation: number): Promise<void> {
  const { db } = ctx;
  const exp = await db.experiment.findUnique({ where: { id: experimentId } });
  if (!exp || exp.status === "succeeded" || exp.status === "failed") return;
  if (generation < exp.generation) return ensureQueued(ctx, exp);
  const req = ExperimentRequestSchema.parse(exp.request);
  const state = ExperimentStateSchema.parse(exp.report);
  const trials = await loadTrials(db, exp.id);
  if (exp.cancelRequested || exp.status === "cancelled") return finish(ctx, exp, state, trials, "cancelled");
  if (exp.status === "queued") await db.experiment.updateMany({ where: { id: exp.id, status: "queued" }, data: { status: "running" } });
  if (req.kind === "search" && req.method === "genetic" && generation + 1 < geneticSettings(req).generations) {
    return breed(ctx, exp, req, state, trials, generation);
  }
  return finish(ctx, exp, state, trials, trials.some((t) => t.status === "succeeded") ? "succeeded" : "failed");
}

/** Re-adds the current generation's flow (a step that died after recording it, or a Redis that lost it). */
export async function ensureQueued(ctx: StepContext, exp: Pick<Experiment, "id" | "tenant" | "generation">): Promise<void> {
  const jobs = await ctx.db.job.findMany({
    where: { experimentId: exp.id, trial: { path: ["generation"], equals: exp.generation } },
    select: { id: true, spec: true },
  });
  await enqueueTrials(ctx.flows, ctx.config, exp, exp.generation, jobs);
}

/** The next population: planned (points the limits refuse score as failed), recorded, queued. */
async function breed(ctx: StepContext, exp: Experiment, req: SearchRequest, state: ExperimentState, trials: TrialRow[], generation: number): Promise<void> {
  const { db, config } = ctx;
  const current = state.generations!.at(-1)!;
  const scores = new Map(report(exp, req, state, trials).leaderboard.map((r) => [r.key, r.score?.mean ?? null]));
  const fitness = (ind: Individual) => scores.get(keyOf(ind)) ?? null;
  const next = nextPopulation(
    req,
    current.population.map((p) => p.params),
    fitness,
    generation + 1,
  );
  const known = new Set([...scores.keys(), ...state.generations!.flatMap((g) => g.population.map((p) => p.key))]);
  const population: NonNullable<ExperimentState["generations"]>[number]["population"] = [];
  const fresh = [];
  for (const params of next) {
    const point = pointOf(req, params);
    population.push({ key: point.key, name: point.name, params });
    if (known.has(point.key)) continue; // trained before: its score is reused
    try {
      const { trials: planned } = await planTrials(db, config, exp.tenant, req, [point], generation + 1, () => `space (point ${point.name})`);
      fresh.push(...planned);
    } catch (err) {
      if (!(err instanceof SpecError || err instanceof AppError)) throw err;
      population.at(-1)!.error = err.message; // the limits refuse it: it never trains, and loses every tournament
    }
  }
  const generations = [...state.generations!, { generation: generation + 1, population }];
  const rows = trialRows(exp, fresh);
  await db.$transaction(async (tx) => {
    const moved = await tx.experiment.updateMany({
      where: { id: exp.id, generation, status: { in: ["queued", "running"] } },
      data: { generation: generation + 1, report: { ...state, generations } as object },
    });
    if (moved.count === 1) await tx.job.createMany({ data: rows });
  });
  ctx.log("experiment generation", { experimentId: exp.id, generation: generation + 1, trials: rows.length, reused: population.length - rows.length });
  if (rows.length) return ensureQueued(ctx, { ...exp, generation: generation + 1 });
  // Every child was trained before: go straight on to the generation after.
  return runExperimentStep(ctx, exp.id, generation + 1);
}

/** Ends the experiment: the final report and its plots, stored once. */
async function finish(
  ctx: StepContext,
  exp: Experiment,
  state: ExperimentState,
  trials: TrialRow[],
  status: "succeeded" | "failed" | "cancelled",
): Promise<void> {
  const { db } = ctx;
  const req = ExperimentRequestSchema.parse(exp.request);
  const r = report(exp, req, state, trials);
  // The networks' learning curves: each candidate's first trial (fold 0, or the split).
  const firsts = new Map<string, TrialRow>();
  for (const t of trials) if (t.status === "succeeded" && !firsts.has(t.key)) firsts.set(t.key, t);
  const ranked = r.leaderboard
    .map((row) => firsts.get(row.key))
    .filter((t): t is TrialRow => !!t)
    .slice(0, 25);
  const epochs = await db.jobEpoch.findMany({ where: { jobId: { in: ranked.map((t) => t.jobId) } }, orderBy: { epoch: "asc" } });
  const curves = ranked
    .map((t) => {
      const history: Record<string, number[]> = {};
      for (const e of epochs.filter((e) => e.jobId === t.jobId)) {
        for (const [k, v] of Object.entries(e.logs as Record<string, unknown>)) if (typeof v === "number" && k.endsWith("loss")) (history[k] ??= []).push(v);
      }
      return { name: t.name, history };
    })
    .filter((c) => (c.history.loss?.length ?? 0) > 1);
  const plots = await drawExperimentPlots({ id: exp.id, metric: r.metric, leaderboard: r.leaderboard, curves, generations: r.generations ?? undefined });
  await db.$transaction(async (tx) => {
    const ended = await tx.experiment.updateMany({
      where: {
        id: exp.id,
        status: { in: status === "cancelled" ? ["queued", "running", "cancelled"] : ["queued", "running"] },
        finishedAt: status === "cancelled" ? undefined : null,
      },
      data: {
        status,
        finishedAt: exp.finishedAt ?? new Date(),
        report: { ...state, plots: plots.map((p) => p.file) } as object,
        errorMessage: status === "failed" ? "every trial failed: see the trials' errors" : null,
      },
    });
    if (ended.count !== 1) return;
    await tx.experimentPlot.deleteMany({ where: { experimentId: exp.id } });
    await tx.experimentPlot.createMany({ data: plots.map((p) => ({ experimentId: exp.id, file: p.file, data: new Uint8Array(p.data) })) });
  });
  ctx.log("experiment ended", { experimentId: exp.id, status, best: r.best?.name, score: r.best?.score?.mean });
  await ctx.ended?.(exp.id);
}
