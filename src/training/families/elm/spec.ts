import { z } from "zod";

/** Hidden-node functions of an ELM (Huang, Zhu & Siew, Neurocomputing 70, 2006). */
export const ElmActivationSchema = z
  .enum(["sigmoid", "tanh", "relu", "sine", "hardlim", "rbf"])
  .describe("hardlim: step (1 if z >= 0); rbf: Gaussian exp(-gamma * ||x - c||^2) nodes; sine and rbf export custom layers");

const units = z.number().int().min(1);

/**
 * An Extreme Learning Machine: random hidden weights, output weights solved in closed form by
 * ridge least squares. No backpropagation, no epochs.
 */
export const ElmSpecSchema = z.strictObject({
  type: z.literal("elm"),
  specVersion: z.literal(1).default(1),
  hiddenUnits: z
    .union([
      units,
      z.strictObject({
        search: z.array(units).min(2).max(20).describe("Candidate sizes, e.g. [50, 100, 200, 500, 1000]"),
        by: z.enum(["validation", "cv"]).default("validation"),
        folds: z.number().int().min(2).max(20).default(5).describe("k for by: cv"),
      }),
    ])
    .default(500)
    .describe("Hidden size of the (last) random layer, or a search over sizes"),
  activation: ElmActivationSchema.default("sigmoid"),
  alpha: z.number().min(0).max(1e6).default(1e-6).describe("Ridge penalty: (H^T H + alpha I) beta = H^T T"),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(7),
  distribution: z.enum(["uniform", "normal"]).default("uniform").describe("Of the random weights and biases"),
  scale: z.number().gt(0).max(100).default(1).describe("Weights ~ U(-scale, scale) or N(0, scale)"),
  layers: z
    .array(z.strictObject({ units, activation: ElmActivationSchema.optional() }))
    .max(8)
    .default([])
    .describe("Random layers before the last one, for a multi-layer ELM (each fed by the one before)"),
  blockRows: z.number().int().min(1).max(1_000_000).default(8192).describe("Rows per block when accumulating H^T H"),
});
export type ElmSpec = z.infer<typeof ElmSpecSchema>;

export function candidateSizes(spec: ElmSpec): number[] {
  return typeof spec.hiddenUnits === "number" ? [spec.hiddenUnits] : [...new Set(spec.hiddenUnits.search)].sort((a, b) => a - b);
}
