import { z } from "zod";

/** scikit-learn's LogisticRegression, named and defaulted as there. */
/** Spec format version; saved jobs keep theirs (families/index.ts upgrades older ones). */
const version = { specVersion: z.literal(1).default(1) };

export const LogisticRegressionSpecSchema = z.strictObject({
  type: z.literal("logisticRegression"),
  ...version,
  penalty: z.enum(["l2", "l1", "none"]).default("l2"),
  C: z.number().gt(0).max(1e6).default(1).describe("Inverse regularization strength: minimizes C * sum(log loss) + penalty(w)"),
  maxIter: z.number().int().min(1).max(10_000).default(300),
  tol: z.number().gt(0).max(1).default(1e-6).describe("Stops when the objective improves by less than this (relative)"),
});
export type LogisticRegressionSpec = z.infer<typeof LogisticRegressionSpecSchema>;
