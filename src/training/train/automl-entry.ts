/**
 * What a family offers AutoML (experiments/automl): its cheap, strong defaults for a table (the
 * portfolio, tried first: AutoGluon's and H2O's fixed default models) and the space its search
 * draws from when the family leads. Each family declares its own, so AutoML names no family.
 */

/** What AutoML knows of the table when it asks: from the dataset's profile, before any training. */
export interface TableFacts {
  task: "classification" | "regression";
  /** Rows with a target. */
  rows: number;
  /** Feature columns (one-hot inputs are more). */
  features: number;
  /** Classes of a classification target (0 for regression). */
  classes: number;
}

/** One candidate: a job's model with training options over the experiment's. */
export interface AutoMlCandidate {
  name: string;
  model: unknown;
  training?: Record<string, unknown>;
  /** The fraction of each trial's training rows held for validation (early stopping); 0 by default. */
  validation?: number;
}

export interface AutoMlEntry {
  /** The portfolio's candidates for this table (none where the family does not suit it). */
  portfolio(t: TableFacts): AutoMlCandidate[];
  /**
   * The search's draws when the family leads: a search experiment's `space` (a list of choices
   * per field), with training options and validation added to every draw.
   */
  search?(t: TableFacts): { space: Record<string, unknown>; training?: Record<string, unknown>; validation?: number } | undefined;
}
