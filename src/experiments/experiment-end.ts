import type { Experiment } from "../../generated/prisma/client.js";
import { drawExperimentPlots, type ExperimentPlotFile } from "../plots/experiment-plots.js";
import { ExperimentRequestSchema } from "./experiment-request.js";
import { report, type ExperimentState, type TrialRow } from "./experiment-view.js";
import type { StepContext } from "./step-context.js";

/** Ends the experiment: the final report and its plots, stored once. */
export async function finish(
  ctx: StepContext,
  exp: Experiment,
  state: ExperimentState,
  trials: TrialRow[],
  status: "succeeded" | "failed" | "cancelled",
  /** Plots drawn besides the report's (an AutoML winner's importance and dependence). */
  extra: Array<{ file: ExperimentPlotFile; data: Buffer }> = [],
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
  const plots = [
    ...(await drawExperimentPlots({
      id: exp.id,
      metric: r.metric,
      leaderboard: r.leaderboard,
      curves,
      generations: r.generations ?? undefined,
      complexity: r.complexity ?? undefined,
    })),
    ...extra,
  ];
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
