import { z } from "zod";
import { elm } from "./elm/index.js";
import { decisionTree, knn, logisticRegression, majority, naiveBayes, randomForest, svm } from "./classic/index.js";
import type { ModelFamily } from "./family.js";
import { functional } from "./functional/index.js";
import { keras } from "./keras/index.js";
import { sequential } from "./sequential/index.js";

/** The model families, one line each: the `type` of a model spec picks its entry. */
export const FAMILIES = { sequential, functional, keras, elm, svm, logisticRegression, knn, decisionTree, randomForest, naiveBayes, majority } as const;

/** The `model` field of a job: a discriminated union on `type` of the families' schemas. */
export const ModelSpecSchema = z.discriminatedUnion("type", [
  sequential.schema, functional.schema, keras.schema, elm.schema,
  svm.schema, logisticRegression.schema, knn.schema, decisionTree.schema, randomForest.schema, naiveBayes.schema, majority.schema,
]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/** The family of a spec. */
export function familyOf<S extends ModelSpec>(spec: S): ModelFamily<S> {
  return FAMILIES[spec.type as ModelSpec["type"]] as unknown as ModelFamily<S>;
}

export type { DeclaredInput, ModelFamily } from "./family.js";
