import { z } from "zod";

/** scikit-learn's KNeighborsClassifier / Regressor. */
/** Spec format version; saved jobs keep theirs (families/index.ts upgrades older ones). */
const version = { specVersion: z.literal(1).default(1) };

export const KnnSpecSchema = z.strictObject({
  type: z.literal("knn"),
  ...version,
  k: z.number().int().min(1).max(1000).default(5).describe("Neighbours that vote (n_neighbors)"),
  weights: z.enum(["uniform", "distance"]).default("uniform"),
});
export type KnnSpec = z.infer<typeof KnnSpecSchema>;
