import { z } from "zod";

/** scikit-learn's GaussianNB. */
/** Spec format version; saved jobs keep theirs (families/index.ts upgrades older ones). */
const version = { specVersion: z.literal(1).default(1) };

export const NaiveBayesSpecSchema = z.strictObject({
  type: z.literal("naiveBayes"),
  ...version,
  varSmoothing: z.number().min(0).max(1).default(1e-9).describe("Added to every variance, times the largest one (GaussianNB)"),
});
export type NaiveBayesSpec = z.infer<typeof NaiveBayesSpecSchema>;
