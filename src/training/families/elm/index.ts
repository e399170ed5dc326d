import { ELM_ONNX_LAYERS } from "./onnx.js";
import { elmSpace } from "./space.js";
import { elmAutoMl } from "./automl.js";
import { networkServing } from "../../train/network-serving.js";
import { SINGLE_INPUT } from "../../spec/graph.js";
import { countElm } from "./count.js";
import { candidateSizes, ElmSpecSchema, type ElmSpec } from "./spec.js";
import type { ModelFamily } from "../../train/family.js";
import { elmOutput } from "../../spec/output-plan.js";
import { toSummary, type NetworkDescription, type SummaryRow } from "../../spec/shape-summary.js";
import type { NetworkContext } from "../../spec/network-context.js";

/** An ELM: its random layers (a sine node adds its ElmSine layer; RBF is one ElmRbf layer) and the output. */
function describeElmShape(spec: ElmSpec, inputs: number, ctx: NetworkContext): NetworkDescription {
  const plan = elmOutput(ctx.task, ctx.classes);
  let width = inputs;
  const rows: SummaryRow[] = [];
  const hidden = [
    ...spec.layers.map((l) => ({ units: l.units, activation: l.activation ?? spec.activation })),
    { units: candidateSizes(spec).at(-1)!, activation: spec.activation },
  ];
  hidden.forEach((l, i) => {
    const name = `elm_hidden${i ? `_${i}` : ""}`;
    const shape = [null, l.units];
    const params = (width + 1) * l.units;
    // ElmRbf holds its centres and widths as non-trainable weights (elm/layers.ts).
    rows.push({ name, type: l.activation === "rbf" ? "ElmRbf" : "Dense", outputShape: shape, params, frozen: l.activation === "rbf" ? params : 0 });
    if (l.activation === "sine") rows.push({ name: `${name}_sine`, type: "ElmSine", outputShape: shape, params: 0 });
    width = l.units;
  });
  rows.push({ name: "elm_output", type: "Dense", outputShape: [null, plan.units], params: (width + 1) * plan.units });
  return { summary: toSummary(rows), outputMode: plan.mode, warnings: [] };
}

/** Extreme Learning Machine: random hidden layer(s), output weights solved by ridge least squares. */
export const elm: ModelFamily<ElmSpec, typeof ElmSpecSchema> = {
  type: "elm",
  schema: ElmSpecSchema,
  inputs: () => [{ name: SINGLE_INPUT, encoding: "onehot" }],
  layers: (spec) => [
    ...spec.layers.map((l, i) => ({ path: `model.layers[${i}]`, units: l.units })),
    { path: "model.hiddenUnits", units: candidateSizes(spec).at(-1) },
  ],
  layersPath: "model.layers",
  countParams: countElm,
  declaredWidths: (_spec, inputWidth, errors) => {
    if (!inputWidth) errors.push({ path: "inputWidth", message: "give datasetId and target, or the input width" });
    return [{ name: SINGLE_INPUT, width: inputWidth ?? 1 }];
  },
  checkRequest: (req) => [
    ...(req.crossValidation
      ? [{ path: "crossValidation", message: 'an ELM chooses its size by CV itself: use model.hiddenUnits: {search: [...], by: "cv"}' }]
      : []),
    ...(req.training?.loss ? [{ path: "training.loss", message: "an ELM solves least squares: it takes no loss" }] : []),
  ],
  plannedSteps: (spec) => (typeof spec.hiddenUnits === "number" ? 1 : new Set(spec.hiddenUnits.search).size),
  train: async ({ sel, resolved, req, parts, hooks, warnings, clock }) =>
    (await import("./train-elm.js")).trainElm(sel, resolved, req, parts, hooks, warnings, clock),
  describe: (spec, groups, ctx) => describeElmShape(spec, groups[0]!.width, ctx),
  spaces: { elm: elmSpace },
  automl: elmAutoMl,
  serving: networkServing({
    registerLayers: () => import("./layers.js"),
    onnxLayers: ELM_ONNX_LAYERS,
    // Keras 3 has no layer for an ELM's sine and RBF nodes.
    kerasLess: (topology) => /"class_name":"Elm(Sine|Rbf)"/.test(JSON.stringify(topology)),
  }),
  build: async (spec, groups, ctx) => (await import("./build.js")).describeElm(spec, groups[0]!.width, ctx),
};
