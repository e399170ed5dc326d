import { z } from "zod";
import { DATA_FIELDS, JobRequestSchema, ModelSpecSchema } from "../training/index.js";
import { SpaceSchema } from "./space.js";
import { HalvingSchema } from "./halving.js";
import { WebhookUrlSchema } from "../webhooks/webhook-url.js";

/** Metrics an experiment ranks by: higher is better, except the ones in LOWER_IS_BETTER. */
export const RankMetricSchema = z.enum(["accuracy", "balancedAccuracy", "macroF1", "rocAuc", "loss", "logLoss", "r2", "rmse", "mae"]);
export type RankMetric = z.infer<typeof RankMetricSchema>;
export const LOWER_IS_BETTER: ReadonlySet<RankMetric> = new Set(["loss", "logLoss", "rmse", "mae"]);
/** The field of a job's metrics a ranking metric reads (`logLoss` is the classification `loss`). */
export const metricField = (m: RankMetric): string => (m === "logLoss" ? "loss" : m);

/** What every trial shares: the data, its preprocessing, the split or folds, and training options. */
const common = {
  ...JobRequestSchema.pick({ ...DATA_FIELDS, training: true }).shape,
  crossValidation: z
    .strictObject({ folds: z.number().int().min(2).max(20), stratify: z.boolean().default(true) })
    .optional()
    .describe("Every candidate on the same k folds (one trial job per candidate and fold); else on the same split"),
  metric: RankMetricSchema.optional().describe("What ranks the candidates: accuracy (classification) or r2 (regression) by default"),
  webhookUrl: WebhookUrlSchema,
};

const overrides = z.record(z.string(), z.unknown()).optional().describe("This candidate's training options over the experiment's (e.g. epochs, optimizer)");

export const CandidateSchema = z.strictObject({
  name: z.string().min(1).max(100),
  model: ModelSpecSchema,
  training: overrides,
  preprocessing: z.record(z.string(), z.unknown()).optional().describe("This candidate's preprocessing over the experiment's (e.g. a featureSelection)"),
});

export const CompareRequestSchema = z.strictObject({
  kind: z.literal("compare"),
  ...common,
  candidates: z.array(CandidateSchema).min(2).max(50),
});

export const GeneticSchema = z.strictObject({
  population: z.number().int().min(2).max(100).default(8),
  generations: z.number().int().min(1).max(100).default(5),
  tournament: z.number().int().min(2).max(10).default(3).describe("Individuals drawn per tournament; the fittest is a parent"),
  crossover: z.number().min(0).max(1).default(0.9).describe("Chance a child mixes two parents (else it copies one)"),
  mutation: z.number().min(0).max(1).default(0.2).describe("Chance each gene of a child changes"),
  elitism: z.number().int().min(0).max(50).default(1).describe("The best carried over unchanged (not retrained)"),
});

/** A seed: the same seed, the same draws. */
const seedField = (what: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1)
    .describe(what);

export const SearchRequestSchema = z.strictObject({
  kind: z.literal("search"),
  ...common,
  method: z.enum(["grid", "random", "genetic"]),
  space: SpaceSchema,
  trials: z.number().int().min(1).max(10_000).optional().describe("random: how many specs to draw (default 20)"),
  genetic: GeneticSchema.optional().describe("method genetic's settings"),
  halving: HalvingSchema.optional().describe(
    "Successive halving: every point trains with minResource epochs (or rounds) first; each rung the best 1/eta go on with eta times more (grid and random)",
  ),
  seed: seedField("Makes random draws and the genetic search reproducible"),
  complexityBy: z
    .string()
    .max(200)
    .optional()
    .describe(
      "The size dimension the complexity graph is drawn along (a space field such as units, layers, hiddenUnits, trees, nEstimators or C, or a spec path); default: the one that changes the parameter count most",
    ),
});

const seconds = z.number().int().min(10).max(86_400);

export const AutomlRequestSchema = z
  .strictObject({
    kind: z.literal("automl"),
    ...common,
    budget: z
      .strictObject({
        seconds: seconds.optional().describe("Wall-clock budget from creation: no trial starts after it, running ones stop at their next epoch or round"),
        trials: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe("Candidates to train at most (the portfolio's count): with a seed, the run repeats exactly"),
      })
      .refine((b) => b.seconds !== undefined || b.trials !== undefined, "give seconds, trials or both")
      .describe("When the search stops: whichever comes first"),
    families: z
      .array(z.string().min(1).max(50))
      .min(1)
      .max(30)
      .optional()
      .describe("Model types to consider (default: every one that takes part in AutoML and is available here)"),
    seed: seedField("Seeds the search's draws and every trial's training"),
    ensemble: z.boolean().default(true).describe("Build a weighted ensemble of the candidates (Caruana et al. 2004)"),
  })
  .describe("The best model for a table within a budget: a portfolio, a search over the leading families, an ensemble");

export const ExperimentRequestSchema = z.discriminatedUnion("kind", [CompareRequestSchema, SearchRequestSchema, AutomlRequestSchema]);
export type AutomlRequest = z.infer<typeof AutomlRequestSchema>;
export type ExperimentRequest = z.infer<typeof ExperimentRequestSchema>;
export type CompareRequest = z.infer<typeof CompareRequestSchema>;
export type SearchRequest = z.infer<typeof SearchRequestSchema>;
export type Candidate = z.infer<typeof CandidateSchema>;
