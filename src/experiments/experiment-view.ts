import { z } from "zod";
import type { Db } from "../db.js";
import type { Experiment } from "../../generated/prisma/client.js";
import { ExperimentRequestSchema, type ExperimentRequest, type RankMetric } from "./experiment-request.js";
import { leaderboard, type TrialRecord } from "./leaderboard.js";
import { specOf, type Individual } from "./space.js";
import { TrialInfoSchema } from "./trials.js";
import { HalvingStateSchema } from "./halving.js";
import { ComplexityPointViewSchema, ComplexitySummarySchema, complexityOf, complexityView } from "./complexity.js";
import { AutomlStateSchema, AutomlViewSchema, automlView } from "./automl/automl-state.js";

export const EXPERIMENT_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;

const StatSchema = z.object({ mean: z.number(), std: z.number() }).nullable();

/** An experiment as clients see it (OpenAPI and the service's type, one definition). */
export const ExperimentViewSchema = z.object({
  id: z.string().uuid(),
  kind: z.enum(["compare", "search", "automl"]),
  method: z.enum(["grid", "random", "genetic"]).nullable(),
  status: z.enum(EXPERIMENT_STATUSES),
  datasetId: z.string().uuid().nullable(),
  task: z.string(),
  metric: z.string().describe("What ranks the candidates"),
  evaluation: z.string().describe('"5 folds" (each fold\'s test rows) or "split" (the test rows; a search ranks on the validation rows)'),
  trials: z.object({
    total: z.number().int(),
    queued: z.number().int(),
    running: z.number().int(),
    succeeded: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
  }),
  leaderboard: z.array(
    z.object({
      rank: z.number().int(),
      name: z.string(),
      key: z.string(),
      trials: z.object({ succeeded: z.number().int(), failed: z.number().int(), pending: z.number().int() }),
      score: StatSchema,
      metrics: z.record(z.string(), z.object({ mean: z.number(), std: z.number() })),
      fitSeconds: StatSchema,
      predictMsPer1000Rows: StatSchema,
      parameters: z.number().nullable(),
      jobIds: z.array(z.string()),
    }),
  ),
  comparisons: z
    .array(
      z.object({
        name: z.string(),
        difference: z.number(),
        t: z.number().optional(),
        pValue: z.number().optional(),
        withinNoise: z.boolean(),
        note: z.string(),
      }),
    )
    .describe("The best against each other candidate: over folds by the corrected resampled t-test (Nadeau & Bengio 2003)"),
  best: z
    .object({
      name: z.string(),
      score: StatSchema,
      request: z.record(z.string(), z.unknown()).describe("A POST /v1/jobs body that trains it on the experiment's split"),
    })
    .nullable(),
  generations: z
    .array(z.object({ generation: z.number().int(), best: z.number().nullable(), mean: z.number().nullable(), population: z.number().int() }))
    .nullable(),
  complexity: z
    .array(ComplexityPointViewSchema)
    .describe(
      "A search's model complexity graph along a size dimension: each point's value, parameters, training and validation mean/std over folds, marked at the peak and at the one-standard-error choice (empty without a numeric size)",
    ),
  complexityGraph: ComplexitySummarySchema.nullable().describe(
    "The rest of the graph: its dimension, the peak, the one-standard-error choice, the under- and overfitting ranges and a note (complexity.svg draws it)",
  ),
  plots: z.array(z.string()).describe("Files under /v1/experiments/:id/plots/ once it has ended"),
  automl: AutomlViewSchema.nullable().describe("An AutoML experiment's progress, budget, ensemble and winner"),
  warnings: z.array(z.string()),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ExperimentView = z.infer<typeof ExperimentViewSchema>;

/** Bookkeeping kept on the row: the task, the warnings, and (genetic) each generation's population. */
export const ExperimentStateSchema = z.object({
  task: z.enum(["classification", "regression"]),
  warnings: z.array(z.string()),
  generations: z
    .array(
      z.object({
        generation: z.number().int(),
        population: z.array(z.object({ key: z.string(), name: z.string(), params: z.record(z.string(), z.unknown()), error: z.string().optional() })),
      }),
    )
    .optional(),
  plots: z.array(z.string()).optional(),
  automl: AutomlStateSchema.optional(),
  halving: HalvingStateSchema.optional(),
});
export type ExperimentState = z.infer<typeof ExperimentStateSchema>;

export type TrialRow = TrialRecord & { generation: number; params?: Individual };

/** An experiment's trials as the leaderboard reads them. */
export async function loadTrials(db: Db, experimentId: string): Promise<TrialRow[]> {
  return (await loadTrialsOf(db, [experimentId])).get(experimentId) ?? [];
}

/** The trials of several experiments in one query (a page of the list), by experiment. */
export async function loadTrialsOf(db: Db, experimentIds: string[]): Promise<Map<string, TrialRow[]>> {
  const jobs = await db.job.findMany({
    where: { experimentId: { in: experimentIds } },
    select: { id: true, experimentId: true, status: true, trial: true, metrics: true, errorMessage: true, model: { select: { summary: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const byExperiment = new Map<string, TrialRow[]>(experimentIds.map((id) => [id, []]));
  for (const j of jobs) {
    const t = TrialInfoSchema.parse(j.trial);
    if (t.role === "ensemble") continue;
    byExperiment.get(j.experimentId!)!.push({
      jobId: j.id,
      status: j.status,
      key: t.key,
      name: t.name,
      fold: t.fold,
      generation: t.generation,
      params: t.params,
      metrics: j.metrics as Record<string, unknown> | null,
      error: j.errorMessage,
      parameters: (j.model?.summary as { totalParams?: number } | undefined)?.totalParams,
    });
  }
  return byExperiment;
}

export const rankMetric = (req: ExperimentRequest, task: string): RankMetric => req.metric ?? (task === "regression" ? "r2" : "accuracy");

/** The leaderboard, comparisons and best candidate of the trials so far (live while it runs). */
export function report(exp: Pick<Experiment, "id">, req: ExperimentRequest, state: ExperimentState, trials: TrialRow[]) {
  const metric = rankMetric(req, state.task);
  const board = leaderboard(trials, {
    metric,
    task: state.task,
    folds: req.crossValidation?.folds,
    selectOn: req.kind === "search" && !req.crossValidation ? "validation" : "test",
    testFraction: req.crossValidation ? 1 / req.crossValidation.folds : req.split.test,
  });
  const scores = new Map(board.leaderboard.map((r) => [r.key, r.score?.mean ?? null]));
  const generations =
    state.generations?.map((g) => {
      const values = g.population.map((p) => scores.get(p.key)).filter((v): v is number => typeof v === "number");
      const lower = metric === "loss" || metric === "rmse" || metric === "mae";
      return {
        generation: g.generation,
        population: g.population.length,
        best: values.length ? (lower ? Math.min(...values) : Math.max(...values)) : null,
        mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
      };
    }) ?? null;
  // A halving search's best is among the points that reached the last rung (a first rung's lucky short fit is not a result).
  const last = state.halving ? new Set(state.halving.rungs.at(-1)!.points.map((p) => p.key)) : undefined;
  const topRow = last ? board.leaderboard.find((r) => r.score && last.has(r.key)) : undefined;
  if (topRow) board.best = { name: topRow.name, key: topRow.key, score: topRow.score };
  let best: ExperimentView["best"] = null;
  if (board.best) {
    const { datasetId, target, features, ignore, task, columns, preprocessing, training } = req;
    const candidate =
      req.kind === "compare"
        ? req.candidates.find((c) => c.name === board.best!.key)!
        : req.kind === "search"
          ? specOf(req.space, trials.find((t) => t.key === board.best!.key)!.params!)
          : state.automl!.candidates.find((c) => c.key === board.best!.key)!;
    const split = req.kind === "automl" ? { ...req.split, validation: (candidate as { validation?: number }).validation ?? 0 } : req.split;
    best = {
      name: board.best.name,
      score: board.best.score,
      request: {
        datasetId,
        target,
        features,
        ignore,
        task,
        columns,
        preprocessing: { ...preprocessing, ...("preprocessing" in candidate ? candidate.preprocessing : {}) },
        split,
        model: candidate.model,
        training: { ...training, ...candidate.training },
      },
    };
  }
  const complexity =
    req.kind === "search" ? (complexityOf(trials, { metric, selectOn: req.crossValidation ? "test" : "validation", by: req.complexityBy }) ?? null) : null;
  return { metric, leaderboard: board.leaderboard, comparisons: board.comparisons, best, generations, complexity };
}

/** The view of an experiment and its trials. */
export function toExperimentView(exp: Experiment, trials: TrialRow[]): ExperimentView {
  const req = ExperimentRequestSchema.parse(exp.request);
  const state = ExperimentStateSchema.parse(exp.report);
  const r = report(exp, req, state, trials);
  const count = (s: string) => trials.filter((t) => t.status === s).length;
  const started = trials.some((t) => t.status !== "queued");
  return {
    id: exp.id,
    kind: req.kind,
    method: req.kind === "search" ? req.method : null,
    status: (exp.status === "queued" && started ? "running" : exp.status) as ExperimentView["status"],
    datasetId: exp.datasetId,
    task: state.task,
    metric: r.metric,
    evaluation: req.crossValidation ? `${req.crossValidation.folds} folds` : "split",
    automl: state.automl ? automlView(state.automl, exp, trials) : null,
    trials: {
      total: trials.length,
      queued: count("queued"),
      running: count("running"),
      succeeded: count("succeeded"),
      failed: count("failed"),
      cancelled: count("cancelled"),
    },
    leaderboard: r.leaderboard,
    comparisons: r.comparisons,
    best: r.best,
    generations: r.generations,
    ...complexityView(r.complexity ?? undefined),
    plots: state.plots ?? [],
    warnings: state.warnings,
    error: exp.errorMessage,
    createdAt: exp.createdAt.toISOString(),
    finishedAt: exp.finishedAt?.toISOString() ?? null,
  };
}
