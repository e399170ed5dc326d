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
  members: Array<{ name: string; weight: number; modelIds: string[] }>;
}
