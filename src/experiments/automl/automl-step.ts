import type { Experiment } from "../../../generated/prisma/client.js";
import { finish } from "../experiment-end.js";
import type { AutomlRequest } from "../experiment-request.js";
import { report, type ExperimentState, type TrialRow } from "../experiment-view.js";
import type { Explanation, StepContext } from "../step-context.js";
import { drawExplanation } from "../../plots/automl-plots.js";
import { ensureQueued, trialRows } from "../trials.js";
import type { AutomlState } from "./automl-state.js";
import { explainSeconds, planPoints, ROUND_SIZE } from "./automl-plan.js";
import { buildEnsemble } from "./ensemble-model.js";
import { entrants, promotions, proposals } from "./portfolio.js";

/** Families whose best candidates lead, best first: the search draws from their spaces. */
const LEADERS = 3;

/**
 * Why the search stops now, or undefined to run another round: of at most ROUND_SIZE candidates,
 * fewer when the time left fits fewer at the last round's pace per candidate (a round is started
 * only if at least half a candidate fits).
 */
function nextRound(a: AutomlState, now: number): { count: number } | { stopped: string } {
  const left = a.maxCandidates - a.candidates.filter((c) => !c.error).length;
  if (left <= 0) return { stopped: `the trial budget is spent (${a.maxCandidates} candidates)` };
  if (a.deadline === null) return { count: Math.min(ROUND_SIZE, left) };
  if (now >= a.deadline) return { stopped: "the time budget is spent" };
  const last = a.rounds.at(-1)!;
  const perCandidate = (now - last.startedAt) / Math.max(1, last.candidates);
  const time = a.deadline - now;
  if (time < 0.5 * perCandidate)
    return {
      stopped: `the time left (${(time / 1000).toFixed(0)} s) is less than half of what a candidate took in the last round (${(perCandidate / 1000).toFixed(0)} s)`,
    };
  return { count: Math.min(ROUND_SIZE, left, Math.max(1, Math.floor(time / Math.max(1, perCandidate)))) };
}

/** The longest a trial of each family took in this experiment so far (ms). */
async function trialTimes(ctx: StepContext, experimentId: string, a: AutomlState): Promise<Map<string, number>> {
  const familyOf = new Map(a.candidates.map((c) => [c.key, c.family]));
  const jobs = await ctx.db.job.findMany({
    where: { experimentId, status: "succeeded", startedAt: { not: null }, finishedAt: { not: null } },
    select: { startedAt: true, finishedAt: true, trial: true },
  });
  const took = new Map<string, number>();
  for (const j of jobs) {
    const family = familyOf.get((j.trial as { key?: string }).key ?? "");
    if (family) took.set(family, Math.max(took.get(family) ?? 0, j.finishedAt!.getTime() - j.startedAt!.getTime()));
  }
  return took;
}

/**
 * An AutoML experiment's step after each round: another round of draws from the leading
 * families' spaces while the budget allows, else the end: the ensemble, the winner, the report.
 */
export async function automlStep(ctx: StepContext, exp: Experiment, req: AutomlRequest, state: ExperimentState, trials: TrialRow[], generation: number) {
  const a = state.automl!;
  const now = Date.now();
  const round = nextRound(a, now);
  let stopped = "stopped" in round ? round.stopped : undefined;
  if (!("stopped" in round)) {
    const count = round.count;
    const familyOf = new Map(a.candidates.map((c) => [c.key, c.family]));
    const leaders: string[] = [];
    const board = report(exp, req, state, trials).leaderboard;
    for (const row of board) {
      const family = familyOf.get(row.key);
      if (row.score && family && !leaders.includes(family)) leaders.push(family);
    }
    const folds = req.crossValidation?.folds ?? 1;
    const rank = new Map(board.filter((r) => r.score && r.trials.succeeded === folds).map((r) => [r.key, r.rank]));
    // Promotions first (a rung's best go on), then new draws.
    const promoted = promotions(a.candidates, rank, count);
    const { entrants: list } = entrants(req.families);
    const known = new Set(a.candidates.map((c) => c.rungs?.base ?? c.key));
    // The leaders' spaces first; once they are exhausted (small grids), the families after them.
    let points = [...promoted, ...proposals(list, a.facts, leaders.slice(0, LEADERS), count - promoted.length, known, req.seed, generation + 1)];
    if (points.length < count)
      points = [...points, ...proposals(list, a.facts, leaders.slice(LEADERS), count - points.length, known, req.seed, generation + 1)];
    if (!points.length) stopped = "every family's space is exhausted: no new points to draw";
    else {
      const { trials: fresh, candidates } = await planPoints(
        ctx.db,
        ctx.config,
        exp.tenant,
        req,
        points,
        generation + 1,
        a.deadline,
        await trialTimes(ctx, exp.id, a),
      );
      const sources = new Set(promoted.map((p) => `${p.rungs!.base}@rung${p.rungs!.rung - 1}`));
      const next: AutomlState = {
        ...a,
        phase: "search",
        candidates: [...a.candidates.map((c) => (sources.has(c.key) ? { ...c, promoted: true } : c)), ...candidates],
        rounds: [...a.rounds, { generation: generation + 1, startedAt: now, candidates: candidates.filter((c) => !c.error).length }],
      };
      const rows = trialRows(exp, fresh);
      await ctx.db.$transaction(async (tx) => {
        const moved = await tx.experiment.updateMany({
          where: { id: exp.id, generation, status: { in: ["queued", "running"] } },
          data: { generation: generation + 1, report: { ...state, automl: next } as object },
        });
        if (moved.count === 1) await tx.job.createMany({ data: rows });
      });
      ctx.log("automl round", { experimentId: exp.id, generation: generation + 1, candidates: candidates.length, trials: rows.length, leaders });
      if (rows.length) return ensureQueued(ctx, { ...exp, generation: generation + 1 });
      stopped = "every drawn candidate was refused by the limits";
    }
  }
  return automlEnd(ctx, exp, req, state, trials, trials.some((t) => t.status === "succeeded") ? "succeeded" : "failed", stopped ?? "the search ended");
}

/** Ends an AutoML experiment: the ensemble and the winner (also when cancelled: finished trials count), then the report and plots. */
export async function automlEnd(
  ctx: StepContext,
  exp: Experiment,
  req: AutomlRequest,
  state: ExperimentState,
  trials: TrialRow[],
  status: "succeeded" | "failed" | "cancelled",
  stopped: string,
) {
  const a = state.automl!;
  const built = status === "failed" ? undefined : await buildEnsemble(ctx.db, exp, req, state, trials);
  const warnings = [...state.warnings];
  let explanation: Explanation | undefined;
  if (built?.winner?.modelId && ctx.explain && exp.datasetId) {
    try {
      const seconds = explainSeconds(a.budget.seconds);
      explanation = await ctx.explain({ tenant: exp.tenant, modelId: built.winner.modelId, datasetId: exp.datasetId, seconds, ...built.heldOut });
    } catch (err) {
      // The winner stands without its explanation: say why rather than fail the experiment.
      warnings.push(`the winner could not be explained: ${(err as Error).message}`);
    }
  }
  const { heldOut: _, ...result } = built ?? { heldOut: undefined };
  const done: ExperimentState = { ...state, warnings, automl: { ...a, phase: "done", stopped, ...result, ...(explanation ? { explanation } : {}) } };
  await finish(ctx, exp, done, trials, status, explanation ? await drawExplanation(explanation, state.task) : []);
  // The kept predictions served their purpose: they no longer count against the quota.
  await ctx.db.trialPrediction.deleteMany({ where: { job: { experimentId: exp.id } } });
}
