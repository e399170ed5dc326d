import { SEQUENTIAL_INPUT } from "../graph.js";
import { countSequential } from "../param-count.js";
import { SequentialSpecSchema, type SequentialSpec } from "../spec/sequential.js";
import type { ModelFamily } from "./family.js";
import { describeSequential } from "../shape-summary.js";

/** Keras Sequential: a stack of layers on one input. */
export const sequential: ModelFamily<SequentialSpec, typeof SequentialSpecSchema> = {
  type: "sequential",
  schema: SequentialSpecSchema,
  inputs: () => [{ name: SEQUENTIAL_INPUT, encoding: "onehot" }],
  layers: (spec) => spec.layers.map((l, i) => ({ path: `model.layers[${i}]`, units: l.type === "dense" ? l.units : undefined })),
  layersPath: "model.layers",
  countParams: countSequential,
  declaredWidths: (_spec, inputWidth, errors) => {
    if (!inputWidth) errors.push({ path: "inputWidth", message: "give datasetId and target, or the input width" });
    return [{ name: SEQUENTIAL_INPUT, width: inputWidth ?? 1 }];
  },
  describe: describeSequential,
  build: async (spec, groups, ctx) => (await import("../network.js")).buildSequentialNetwork(spec, groups, ctx),
};
