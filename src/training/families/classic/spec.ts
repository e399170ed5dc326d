import { z } from "zod";

/**
 * The classic baselines an exercise compares networks with, named and defaulted as in
 * scikit-learn (SVC, LogisticRegression, KNeighborsClassifier, DecisionTree/RandomForest,
 * GaussianNB, DummyClassifier): a learner who knows those finds the same knobs here.
 */
const version = { specVersion: z.literal(1).default(1) };
const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .default(7);

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

export const LogisticRegressionSpecSchema = z.strictObject({
  type: z.literal("logisticRegression"),
  ...version,
  penalty: z.enum(["l2", "l1", "none"]).default("l2"),
  C: z.number().gt(0).max(1e6).default(1).describe("Inverse regularization strength: minimizes C * sum(log loss) + penalty(w)"),
  maxIter: z.number().int().min(1).max(10_000).default(300),
  tol: z.number().gt(0).max(1).default(1e-6).describe("Stops when the objective improves by less than this (relative)"),
});
export type LogisticRegressionSpec = z.infer<typeof LogisticRegressionSpecSchema>;

export const KnnSpecSchema = z.strictObject({
  type: z.literal("knn"),
  ...version,
  k: z.number().int().min(1).max(1000).default(5).describe("Neighbours that vote (n_neighbors)"),
  weights: z.enum(["uniform", "distance"]).default("uniform"),
});
export type KnnSpec = z.infer<typeof KnnSpecSchema>;

const treeParams = {
  maxDepth: z.number().int().min(1).max(64).optional().describe("Unlimited when absent"),
  minSamplesLeaf: z.number().int().min(1).max(1_000_000).default(1),
  maxBins: z
    .number()
    .int()
    .min(2)
    .max(255)
    .default(64)
    .describe("Thresholds tried per input: quantile cut points (histogram trees, as LightGBM and scikit-learn's HistGradientBoosting)"),
};

export const DecisionTreeSpecSchema = z.strictObject({ type: z.literal("decisionTree"), ...version, ...treeParams, seed });
export type DecisionTreeSpec = z.infer<typeof DecisionTreeSpecSchema>;

export const RandomForestSpecSchema = z.strictObject({
  type: z.literal("randomForest"),
  ...version,
  ...treeParams,
  trees: z.number().int().min(1).max(2000).default(100).describe("n_estimators"),
  maxFeatures: z
    .union([z.enum(["sqrt", "log2", "all"]), z.number().gt(0).max(1)])
    .optional()
    .describe("Inputs tried per split: sqrt for classification, all for regression by default, or a fraction"),
  bootstrap: z.boolean().default(true),
  seed,
});
export type RandomForestSpec = z.infer<typeof RandomForestSpecSchema>;

export const NaiveBayesSpecSchema = z.strictObject({
  type: z.literal("naiveBayes"),
  ...version,
  varSmoothing: z.number().min(0).max(1).default(1e-9).describe("Added to every variance, times the largest one (GaussianNB)"),
});
export type NaiveBayesSpec = z.infer<typeof NaiveBayesSpecSchema>;

export const MajoritySpecSchema = z
  .strictObject({ type: z.literal("majority"), ...version })
  .describe("The floor: the training rows' class frequencies (or mean) for every row");
export type MajoritySpec = z.infer<typeof MajoritySpecSchema>;

export type BaselineSpec = SvmSpec | LogisticRegressionSpec | KnnSpec | DecisionTreeSpec | RandomForestSpec | NaiveBayesSpec | MajoritySpec;
