import { z } from "zod";

/** A field of a search space: a list of choices. */
export const choices = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(50);

/** A point of a space: gene name -> value (a list gene's value is its list). */
export type Point = Record<string, unknown>;

/**
 * A search space a family offers experiments (`space.type` in POST /v1/experiments), as Keras
 * Tuner's and Optuna's spaces are declared beside the model they build: each field a list of
 * choices; an experiment picks one choice per field (grid, random or genetic search) and asks
 * `specOf` for the trial job's model and training options.
 */
export interface SearchSpace {
  /** The space's fields (besides `type`), each a `choices(...)`, with defaults where a field may be left out. */
  fields: z.ZodRawShape;
  /**
   * Fields that together make one gene whose value is a list (an MLP's hidden widths): `depths`
   * are the allowed lengths, `values` the allowed items. Grid, sampling, crossover and mutation
   * treat it as one gene.
   */
  list?: { name: string; fields: string[]; of(space: Record<string, unknown>): { depths: number[]; values: number[] } };
  /** The trial's model and training options at a point. */
  specOf(point: Point): { model: unknown; training: Record<string, unknown> };
}
