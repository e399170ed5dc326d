import { z } from "zod";
import type { Experiment } from "../../../generated/prisma/client.js";

const FactsSchema = z.object({
  task: z.enum(["classification", "regression"]),
  rows: z.number().int(),
  features: z.number().int(),
  classes: z.number().int(),
});

/** One candidate as planned: what its trials train (the view's `best.request` is built from it). */
const CandidateSchema = z.object({
  key: z.string(),
  name: z.string(),
  family: z.string(),
  generation: z.number().int(),
  model: z.unknown(),
  training: z.record(z.string(), z.unknown()).optional(),
  validation: z.number(),
  /** Why it never trained (the limits refused it). */
  error: z.string().optional(),
  /** A draw trained in rungs: its key and name without the rung, its rung and resources. */
  rungs: z.object({ base: z.string(), baseName: z.string(), rung: z.number().int(), resource: z.number(), full: z.number() }).optional(),
  /** Promoted to the next rung already. */
  promoted: z.boolean().optional(),
});

const MemberSchema = z.object({ key: z.string(), name: z.string(), weight: z.number(), modelIds: z.array(z.string()) });

const EnsembleSchema = z.object({
  modelId: z.string().nullable().describe("The stored ensemble, when it won"),
  size: z.number().int().describe("Picks made (with replacement); a member picked k times weighs k / size"),
  members: z.array(MemberSchema),
  score: z.number().nullable().describe("The ranking metric of the ensemble's out-of-fold (or holdout) predictions"),
});

const ExplanationSchema = z.object({
  rows: z.number().int().describe("Held-out rows explained (each predicted only by models that never trained on it)"),
  repeats: z.number().int(),
  importance: z
    .array(z.object({ column: z.string(), drop: z.number(), std: z.number() }))
    .describe("Permutation importance: the ranking metric lost when the column is shuffled, largest first"),
  dependence: z
    .array(
      z.object({
        column: z.string(),
        kind: z.enum(["numeric", "categorical"]),
        outputs: z.array(z.string()),
        points: z.array(z.object({ x: z.union([z.number(), z.string()]), y: z.array(z.number()) })),
      }),
    )
    .describe("Partial dependence of the top three columns: the mean prediction with the column set to x on every row"),
});

const WinnerSchema = z.object({
  kind: z.enum(["ensemble", "single"]),
  name: z.string(),
  score: z.number().nullable(),
  modelId: z.string().nullable().describe("POST /v1/models/:id/predict serves it (a single winner: its fold models averaged)"),
  note: z.string().describe("Why it won: the corrected resampled t-test of the ensemble against the best single model"),
  pValue: z.number().optional(),
});

/** An AutoML experiment's bookkeeping (Experiment.report.automl). */
export const AutomlStateSchema = z.object({
  evaluation: z.string(),
  why: z.string(),
  facts: FactsSchema,
  budget: z.object({ seconds: z.number().optional(), trials: z.number().optional() }),
  /** Epoch ms after which no trial starts (the budget less the time kept for the ensemble); null without a seconds budget. */
  deadline: z.number().nullable(),
  maxCandidates: z.number().int(),
  candidates: z.array(CandidateSchema),
  rounds: z.array(z.object({ generation: z.number().int(), startedAt: z.number(), candidates: z.number().int() })),
  phase: z.enum(["portfolio", "search", "ensemble", "done"]),
  stopped: z.string().optional(),
  ensemble: EnsembleSchema.optional(),
  winner: WinnerSchema.optional(),
  explanation: ExplanationSchema.optional(),
});
export type AutomlState = z.infer<typeof AutomlStateSchema>;
export type AutomlCandidateState = AutomlState["candidates"][number];

export const AutomlViewSchema = z.object({
  evaluation: z.string().describe('"5-fold cross-validation" on small tables, "holdout of 20%" on large ones'),
  why: z.string(),
  phase: z.enum(["portfolio", "search", "ensemble", "done"]),
  budget: z.object({ seconds: z.number().nullable(), trials: z.number().nullable() }),
  elapsedSeconds: z.number(),
  etaSeconds: z.number().nullable().describe("Seconds until it should end (from the budget, or the pace of the candidates so far)"),
  candidates: z.object({ planned: z.number().int(), refused: z.number().int(), limit: z.number().int() }),
  stopped: z.string().nullable().describe("Why the search stopped"),
  ensemble: EnsembleSchema.nullable(),
  winner: WinnerSchema.nullable(),
  explanation: ExplanationSchema.nullable().describe("The winner explained on its held-out rows, once it has ended"),
});
export type AutomlView = z.infer<typeof AutomlViewSchema>;

/** The view's `automl`: progress against the budget, and once ended, the ensemble and the winner. */
export function automlView(s: AutomlState, exp: Pick<Experiment, "createdAt" | "finishedAt">, trials: Array<{ status: string }>): AutomlView {
  const now = exp.finishedAt?.getTime() ?? Date.now();
  const elapsed = (now - exp.createdAt.getTime()) / 1000;
  const planned = s.candidates.filter((c) => !c.error).length;
  let eta: number | null = null;
  if (!exp.finishedAt) {
    if (s.deadline !== null) eta = Math.max(0, (s.deadline - now) / 1000);
    else {
      const done = trials.filter((t) => t.status !== "queued" && t.status !== "running").length;
      const perTrial = done ? elapsed / done : null;
      const folds = planned ? trials.length / planned : 1;
      eta = perTrial === null ? null : Math.max(0, (s.maxCandidates * folds - done) * perTrial);
    }
  }
  return {
    evaluation: s.evaluation,
    why: s.why,
    phase: s.phase,
    budget: { seconds: s.budget.seconds ?? null, trials: s.budget.trials ?? null },
    elapsedSeconds: Math.round(elapsed * 10) / 10,
    etaSeconds: eta === null ? null : Math.round(eta),
    candidates: { planned, refused: s.candidates.length - planned, limit: s.maxCandidates },
    stopped: s.stopped ?? null,
    ensemble: s.ensemble ?? null,
    winner: s.winner ?? null,
    explanation: s.explanation ?? null,
  };
}
