import { z } from "zod";
import { elm } from "./elm/index.js";
import { knn } from "./knn/index.js";
import { logisticRegression } from "./logistic-regression/index.js";
import { majority } from "./majority/index.js";
import { naiveBayes } from "./naive-bayes/index.js";
import { svm } from "./svm/index.js";
import { decisionTree, randomForest } from "./trees/index.js";
import { xgboost } from "./xgboost/index.js";
import type { ModelFamily } from "../train/family.js";
import type { SearchSpace } from "../train/search-space.js";
import { functional } from "./functional/index.js";
import { keras } from "./keras/index.js";
import { sequential } from "./sequential/index.js";

/** The model families, one line each: the `type` of a model spec picks its entry. */
export const FAMILIES = {
  sequential,
  functional,
  keras,
  elm,
  svm,
  logisticRegression,
  knn,
  decisionTree,
  randomForest,
  xgboost,
  naiveBayes,
  majority,
} as const;

type Schema = (typeof FAMILIES)[keyof typeof FAMILIES]["schema"];

/** The `model` field of a job: a discriminated union on `type` of the registered families' schemas. */
export const ModelSpecSchema = z.discriminatedUnion("type", Object.values(FAMILIES).map((f) => f.schema) as [Schema, ...Schema[]]);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

/** The family registered for a `type`. The cast: TypeScript cannot tie `FAMILIES[type]` to one spec type (a correlated union). */
const entry = (type: ModelSpec["type"]) => FAMILIES[type] as unknown as ModelFamily<ModelSpec>;

/** The family of a spec: the discriminated union the spec was parsed with guarantees its entry. */
export function familyOf<S extends ModelSpec>(spec: S): ModelFamily<S> {
  return entry(spec.type) as ModelFamily<S>;
}

/** The family registered for a `type`, if any (a stored model's type, a query parameter). */
export function familyNamed(type: string): ModelFamily<ModelSpec> | undefined {
  return Object.hasOwn(FAMILIES, type) ? entry(type as ModelSpec["type"]) : undefined;
}

/** The search spaces the families offer experiments, by `space.type`; two families may not offer one name. */
export const SEARCH_SPACES: Readonly<Record<string, SearchSpace>> = (() => {
  const spaces: Record<string, SearchSpace> = {};
  for (const f of Object.values(FAMILIES)) {
    for (const [name, space] of Object.entries(f.spaces ?? {})) {
      if (Object.hasOwn(spaces, name)) throw new Error(`two families offer the search space "${name}"`);
      spaces[name] = space;
    }
  }
  return spaces;
})();

/**
 * A stored model spec brought up to its family's current `specVersion`, one step a version,
 * with only its own family's steps (Ludwig's upgrade on load). Unknown types pass through for the
 * schema to report.
 */
export function upgradeSpec(stored: unknown, families: Record<string, { upgrades?: ModelFamily<ModelSpec>["upgrades"] }> = FAMILIES): unknown {
  if (typeof stored !== "object" || stored === null) return stored;
  let spec = stored as Record<string, unknown>;
  const type = spec.type;
  const steps = typeof type === "string" && Object.hasOwn(families, type) ? (families[type]!.upgrades ?? []) : [];
  for (let v = typeof spec.specVersion === "number" ? spec.specVersion : 1; v >= 1 && v - 1 < steps.length; v++) spec = steps[v - 1]!(spec);
  return spec;
}

export type { DeclaredInput, ModelFamily } from "../train/family.js";
