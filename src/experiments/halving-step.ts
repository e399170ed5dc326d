import type { Experiment } from "../../generated/prisma/client.js";
import { AppError } from "../errors.js";
import { finish } from "./experiment-end.js";
import { firstCandidates, pointOf } from "./candidates.js";
import type { SearchRequest } from "./experiment-request.js";
import { report, type ExperimentState, type TrialRow } from "./experiment-view.js";
import { atRung, fullResource, resourcePathOf, type HalvingState } from "./halving.js";
import type { StepContext } from "./step-context.js";
import { ensureQueued, planTrials, trialRows, type CandidatePoint } from "./trials.js";

/** A halving search's first rung: every point with minResource (at most its own), or a 400 where the space has no resource. */
export function firstRung(req: SearchRequest): { candidates: CandidatePoint[]; state: HalvingState } {
  const h = req.halving!;
  if (req.method === "genetic")
    throw new AppError("validation_failed", "halving is for grid and random searches: a genetic search already drops its weakest", [
      { path: "halving", message: "not with method genetic" },
    ]);
  const points = firstCandidates(req);
  const path = resourcePathOf(points[0]!);
  if (!path)
    throw new AppError("validation_failed", `halving needs a model trained in steps (a network's epochs, a booster's rounds): this space's model has none`, [
      { path: "halving", message: "the space's model has no epochs or rounds" },
    ]);
  const rung = points.map((c) => {
    const full = fullResource(c, path, req.training.epochs);
    const resource = Math.min(h.minResource, full);
    return { c: atRung(c, path, resource, 0), point: { base: c.key, params: c.params!, resource, full } };
  });
  return {
    candidates: rung.map((r) => r.c),
    state: { eta: h.eta, path, rungs: [{ rung: 0, points: rung.map((r) => ({ key: r.c.key, ...r.point })) }] },
  };
}

/**
 * After a rung: the best 1/eta of its points (by the ranking metric) that can still grow go on
 * to the next rung with eta times the resource; when none can, the experiment ends. The points
 * left behind keep their rows in the leaderboard, at the rung where they stopped.
 */
export async function halvingStep(ctx: StepContext, exp: Experiment, req: SearchRequest, state: ExperimentState, trials: TrialRow[], generation: number) {
  const h = state.halving!;
  const rung = h.rungs.at(-1)!;
  const board = report(exp, req, state, trials).leaderboard;
  const rank = new Map(board.filter((r) => r.score).map((r) => [r.key, r.rank]));
  const ranked = rung.points.filter((p) => rank.has(p.key)).sort((a, b) => rank.get(a.key)! - rank.get(b.key)!);
  const survivors = ranked.slice(0, Math.floor(rung.points.length / h.eta)).filter((p) => p.resource < p.full);
  if (!survivors.length) return finish(ctx, exp, state, trials, trials.some((t) => t.status === "succeeded") ? "succeeded" : "failed");
  const next = survivors.map((p) => {
    const resource = Math.min(p.full, p.resource * h.eta);
    return { c: atRung(pointOf(req, p.params), h.path, resource, rung.rung + 1), point: { base: p.base, params: p.params, resource, full: p.full } };
  });
  const { trials: planned } = await planTrials(
    ctx.db,
    ctx.config,
    exp.tenant,
    req,
    next.map((n) => n.c),
    generation + 1,
    (i) => `space (point ${next[i]!.c.name})`,
  );
  const halving: HalvingState = { ...h, rungs: [...h.rungs, { rung: rung.rung + 1, points: next.map((n) => ({ key: n.c.key, ...n.point })) }] };
  const rows = trialRows(exp, planned);
  await ctx.db.$transaction(async (tx) => {
    const moved = await tx.experiment.updateMany({
      where: { id: exp.id, generation, status: { in: ["queued", "running"] } },
      data: { generation: generation + 1, report: { ...state, halving } as object },
    });
    if (moved.count === 1) await tx.job.createMany({ data: rows });
  });
  ctx.log("halving rung", { experimentId: exp.id, rung: rung.rung + 1, points: next.length });
  return ensureQueued(ctx, { ...exp, generation: generation + 1 });
}
