import { SEQUENTIAL_INPUT } from "../graph.js";
import { countElm } from "../param-count.js";
import { candidateSizes, ElmSpecSchema, type ElmSpec } from "../spec/elm.js";
import type { ModelFamily } from "./family.js";
import { describeElmShape } from "../shape-summary.js";

/** Extreme Learning Machine: random hidden layer(s), output weights solved by ridge least squares. */
export const elm: ModelFamily<ElmSpec, typeof ElmSpecSchema> = {
  type: "elm",
  schema: ElmSpecSchema,
  inputs: () => [{ name: SEQUENTIAL_INPUT, encoding: "onehot" }],
  layers: (spec) => [...spec.layers.map((l, i) => ({ path: `model.layers[${i}]`, units: l.units })), { path: "model.hiddenUnits", units: candidateSizes(spec).at(-1) }],
  layersPath: "model.layers",
  countParams: countElm,
  declaredWidths: (_spec, inputWidth, errors) => {
    if (!inputWidth) errors.push({ path: "inputWidth", message: "give datasetId and target, or the input width" });
    return [{ name: SEQUENTIAL_INPUT, width: inputWidth ?? 1 }];
  },
  checkRequest: (req) => [
    ...(req.crossValidation ? [{ path: "crossValidation", message: 'an ELM chooses its size by CV itself: use model.hiddenUnits: {search: [...], by: "cv"}' }] : []),
    ...(req.training?.loss ? [{ path: "training.loss", message: "an ELM solves least squares: it takes no loss" }] : []),
  ],
  plannedSteps: (spec) => (typeof spec.hiddenUnits === "number" ? 1 : new Set(spec.hiddenUnits.search).size),
  train: async ({ sel, resolved, req, parts, hooks, warnings, clock }) => (await import("../elm/train-elm.js")).trainElm(sel, resolved, req, parts, hooks, warnings, clock),
  describe: (spec, groups, ctx) => describeElmShape(spec, groups[0]!.width, ctx),
  build: async (spec, groups, ctx) => (await import("../network.js")).describeElm(spec, groups[0]!.width, ctx),
};
