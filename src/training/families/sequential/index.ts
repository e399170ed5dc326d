import { mlpSpace } from "./space.js";
import { mlpAutoMl } from "./automl.js";
import { networkServing } from "../../train/network-serving.js";
import { SINGLE_INPUT } from "../../spec/graph.js";
import { countSequential } from "./count.js";
import { SequentialSpecSchema, type SequentialSpec } from "./spec.js";
import type { ModelFamily } from "../../train/family.js";
import { outputShape } from "../../spec/graph.js";
import { planOutput } from "../../spec/output-plan.js";
import { asWritten, headRow, layerRows, namer, toSummary, type NetworkDescription, type SummaryRow } from "../../spec/shape-summary.js";
import { SpecError } from "../../spec/training-error.js";
import type { InputGroup } from "../../data/encoding.js";
import type { NetworkContext } from "../../spec/network-context.js";

/** The summary from the spec's shapes, as buildSequentialNetwork would build it (shape-summary.ts). */
function describeSequential(spec: SequentialSpec, groups: InputGroup[], ctx: NetworkContext): NetworkDescription {
  const last = spec.layers.at(-1);
  const plan = ctx.keepOutput
    ? asWritten(last?.type === "dense" ? last.units : undefined, last?.type === "dense" ? last.activation : undefined)
    : planOutput(spec.layers, ctx.task, ctx.classes, ctx.loss);
  const name = namer();
  const rows: SummaryRow[] = [];
  let shape = [groups[0]!.width];
  spec.layers.forEach((layer, i) => {
    const next = outputShape(layer, [shape]);
    if (typeof next === "string") throw SpecError.of([{ path: `model.layers[${i}]`, message: next }]);
    rows.push(...layerRows(layer, name(layer.type, layer.name), [shape], next));
    shape = next;
  });
  rows.push(...headRow(plan, shape.at(-1) ?? 1));
  return { summary: toSummary(rows), outputMode: plan.mode, warnings: [] };
}

/** Keras Sequential: a stack of layers on one input. */
export const sequential: ModelFamily<SequentialSpec, typeof SequentialSpecSchema> = {
  type: "sequential",
  schema: SequentialSpecSchema,
  inputs: () => [{ name: SINGLE_INPUT, encoding: "onehot" }],
  layers: (spec) => spec.layers.map((l, i) => ({ path: `model.layers[${i}]`, units: l.type === "dense" ? l.units : undefined })),
  layersPath: "model.layers",
  countParams: countSequential,
  declaredWidths: (_spec, inputWidth, errors) => {
    if (!inputWidth) errors.push({ path: "inputWidth", message: "give datasetId and target, or the input width" });
    return [{ name: SINGLE_INPUT, width: inputWidth ?? 1 }];
  },
  describe: describeSequential,
  spaces: { mlp: mlpSpace },
  automl: mlpAutoMl,
  resource: "training.epochs",
  serving: networkServing(),
  build: async (spec, groups, ctx) => (await import("./build.js")).buildSequentialNetwork(spec, groups, ctx),
};
