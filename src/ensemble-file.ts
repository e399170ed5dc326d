/** Model.type of an AutoML winner: not a family, a weighted average of other models' predictions. */
export const ENSEMBLE_TYPE = "ensemble";
export const ENSEMBLE_FORMAT = "treino-ensemble";

/**
 * ensemble.json: what the stored winner is. Each member is a candidate: its fold models (one per
 * CV fold, or the holdout's one) are averaged, then members are averaged by weight (weights sum to 1).
 */
export interface EnsembleFile {
  format: typeof ENSEMBLE_FORMAT;
  version: 1;
  experimentId: string;
  /** `folds[j]`: the CV fold `modelIds[j]` was trained without (its held-out rows); absent for a holdout. */
  members: Array<{ name: string; weight: number; modelIds: string[]; folds?: number[] }>;
}

/** What the winner is explained on: each fold's held-out table rows and truth, and the ranking metric (higher is better). */
export interface ExplainInput {
  tenant: string;
  modelId: string;
  datasetId: string;
  folds: Array<{ fold: number; rows: number[]; truth: number[] }>;
  score: (values: Float32Array, truth: Float64Array) => number;
  /** The time it may take, roughly (a part of the experiment's budget). */
  seconds: number;
}

/** Permutation importance per column and partial dependence of the top columns. */
export interface Explanation {
  rows: number;
  repeats: number;
  importance: Array<{ column: string; drop: number; std: number }>;
  dependence: Array<{ column: string; kind: "numeric" | "categorical"; outputs: string[]; points: Array<{ x: number | string; y: number[] }> }>;
}
