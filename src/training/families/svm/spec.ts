import { z } from "zod";

/** scikit-learn's SVC / SVR, on libsvm (the same library scikit-learn wraps). */
/** Spec format version; saved jobs keep theirs (families/index.ts upgrades older ones). */
const version = { specVersion: z.literal(1).default(1) };

export const SvmSpecSchema = z.strictObject({
  type: z.literal("svm"),
  ...version,
  kernel: z.enum(["rbf", "linear", "polynomial", "sigmoid"]).default("rbf"),
  C: z.number().gt(0).max(1e6).default(1).describe("Cost of a margin violation (libsvm -c)"),
  gamma: z
    .union([z.literal("scale"), z.number().gt(0).max(1e6)])
    .default("scale")
    .describe('Kernel width; "scale" is 1 / (inputs * variance of the inputs), scikit-learn\'s default'),
  degree: z.number().int().min(1).max(10).default(3).describe("Polynomial kernel's degree"),
  coef0: z.number().min(-1e6).max(1e6).default(0),
  epsilon: z.number().min(0).max(1e3).default(0.1).describe("Regression (epsilon-SVR): the tube's half width, on the standardized target"),
  probability: z
    .boolean()
    .default(true)
    .describe("libsvm's probability estimates (Platt, with an internal 5-fold CV: about 5x the training time); else one-hot decisions"),
});
export type SvmSpec = z.infer<typeof SvmSpecSchema>;
