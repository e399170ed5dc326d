import { countFunctional } from "../param-count.js";
import { FunctionalSpecSchema, type FunctionalSpec } from "../spec/functional.js";
import type { ModelFamily } from "./family.js";
import { describeFunctional } from "../shape-summary.js";

/** Keras Functional: named inputs, a graph of nodes, one output. */
export const functional: ModelFamily<FunctionalSpec, typeof FunctionalSpecSchema> = {
  type: "functional",
  schema: FunctionalSpecSchema,
  inputs: (spec) => spec.inputs.map((x) => ({ name: x.name, encoding: x.encoding })),
  layers: (spec) => spec.nodes.map((n, i) => ({ path: `model.nodes[${i}].layer`, units: n.layer.type === "dense" ? n.layer.units : undefined })),
  layersPath: "model.nodes",
  countParams: countFunctional,
  declaredWidths: (spec, _inputWidth, errors) =>
    spec.inputs.map((x, i) => {
      if (!x.width) errors.push({ path: `model.inputs[${i}].width`, message: "give datasetId and target, or each input's width" });
      return { name: x.name, width: x.width ?? 1 };
    }),
  describe: describeFunctional,
  build: async (spec, groups, ctx) => (await import("../network.js")).buildFunctional(spec, groups, ctx),
};
