import type { FlowProducer } from "bullmq";
import type { Config } from "../config.js";
import type { Db } from "../db.js";
import type { Experiment } from "../../generated/prisma/client.js";
import { AppError } from "../errors.js";
import { finish } from "./experiment-end.js";
import { automlEnd, automlStep } from "./automl/automl-step.js";
import { halvingStep } from "./halving-step.js";
import type { StepContext } from "./step-context.js";
export type { StepContext };
import { SpecError } from "../training/index.js";
import { geneticSettings, nextPopulation, pointOf } from "./candidates.js";
import { ExperimentRequestSchema, type SearchRequest } from "./experiment-request.js";
import { ExperimentStateSchema, loadTrials, report, type ExperimentState, type TrialRow } from "./experiment-view.js";
import { keyOf, type Individual } from "./space.js";
import { ensureQueued, planTrials, trialRows } from "./trials.js";

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
  if (exp.cancelRequested || exp.status === "cancelled")
    return req.kind === "automl" ? automlEnd(ctx, exp, req, state, trials, "cancelled", "cancelled") : finish(ctx, exp, state, trials, "cancelled");
  if (exp.status === "queued") await db.experiment.updateMany({ where: { id: exp.id, status: "queued" }, data: { status: "running" } });
  if (req.kind === "automl") return automlStep(ctx, exp, req, state, trials, generation);
  if (req.kind === "search" && req.halving && state.halving) return halvingStep(ctx, exp, req, state, trials, generation);
  if (req.kind === "search" && req.method === "genetic" && generation + 1 < geneticSettings(req).generations) {
    return breed(ctx, exp, req, state, trials, generation);
  }
  return finish(ctx, exp, state, trials, trials.some((t) => t.status === "succeeded") ? "succeeded" : "failed");
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
