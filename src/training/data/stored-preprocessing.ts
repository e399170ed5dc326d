import { z } from "zod";
import type { OutputMode } from "../spec/output-plan.js";
import { FeatureSelectionSchema } from "../spec/preprocessing.js";
import type { Preprocessing } from "./encoding.js";

const missing = z.string();
const FeatureEncodingSchema = z.discriminatedUnion("kind", [
  z.object({
    name: z.string(),
    kind: z.literal("numeric"),
    scaling: z.string(),
    missing,
    offset: z.number(),
    divisor: z.number(),
    fill: z.number().nullable(),
  }),
  z.object({
    name: z.string(),
    kind: z.literal("categorical"),
    missing,
    categories: z.array(z.string()),
    unknown: z.boolean(),
    fill: z.string().nullable(),
    asIndex: z.boolean().optional(),
  }),
  z.object({ name: z.string(), kind: z.literal("boolean"), missing, fill: z.union([z.literal(0), z.literal(1)]).nullable() }),
]);
const ScoreSchema = z.object({ name: z.string(), score: z.number() });

/**
 * A model's preprocessing as stored with it (Model.preprocessing): the fitted encodings and how to
 * read the output. Read back through this schema, so a row written by another version fails with
 * a clear error here rather than as a wrong prediction.
 */
export const StoredPreprocessingSchema = z.object({
  version: z.literal(2),
  features: z.array(FeatureEncodingSchema),
  inputs: z.array(z.string()),
  groups: z.array(
    z.object({
      name: z.string(),
      columns: z.array(z.string()),
      encoding: z.enum(["onehot", "index"]),
      start: z.number().int(),
      width: z.number().int(),
      vocabulary: z.number().int().optional(),
    }),
  ),
  target: z.discriminatedUnion("task", [
    z.object({ name: z.string(), task: z.literal("classification"), labels: z.array(z.string()) }),
    z.object({ name: z.string(), task: z.literal("regression") }),
  ]),
  featureSelection: z.object({ method: FeatureSelectionSchema.shape.method, kept: z.array(ScoreSchema), dropped: z.array(ScoreSchema) }).optional(),
  outputMode: z.enum(["sigmoid", "softmax", "linear"]),
  task: z.string(),
});

/** Preprocessing as stored with a model: the fitted encodings plus how to read the output. */
export type StoredPreprocessing = Preprocessing & { outputMode: OutputMode; task: string };

export function readStoredPreprocessing(json: unknown): StoredPreprocessing {
  return StoredPreprocessingSchema.parse(json);
}
