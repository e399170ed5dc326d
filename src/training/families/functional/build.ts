import { tfl } from "../../engine/tf.js";
import { buildLayers } from "../../engine/tfjs-builders.js";
import { checkGraph, isMerge } from "../../spec/graph.js";
import type { LayerSpec } from "../../spec/layers.js";
import { planOutput } from "../../spec/output-plan.js";
import { asWritten, namer } from "../../spec/shape-summary.js";
import { SpecError } from "../../spec/training-error.js";
import type { InputGroup, NetworkContext } from "../../spec/network-context.js";
import type { Network } from "../../train/network.js";
import { outputHead } from "../../train/network.js";
import type { FunctionalSpec } from "./spec.js";

const fail = SpecError.of;

export function buildFunctional(spec: FunctionalSpec, groups: InputGroup[], ctx: NetworkContext): Network {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const { errors, shapes } = checkGraph(spec, new Map(groups.map((g) => [g.name, g.width])));
  if (errors.length) throw fail(errors);
  const tensors = new Map<string, tfl.SymbolicTensor>();
  const inputs = spec.inputs.map((x) => {
    const t = tfl.input({ shape: [byName.get(x.name)!.width], name: x.name, dtype: "float32" });
    tensors.set(x.name, t);
    return t;
  });
  const name = namer();
  const order = [...shapes.keys()].filter((n) => !byName.has(n));
  const nodes = new Map(spec.nodes.map((n, i) => [n.name, { n, i }]));
  order.forEach((nodeName, k) => {
    const { n, i } = nodes.get(nodeName)!;
    let layer = n.layer;
    if (layer.type === "embedding") {
      const source = byName.get(n.inputs[0]!);
      if (!source || source.encoding !== "index")
        throw fail([{ path: `model.nodes[${i}].inputs[0]`, message: "an embedding reads an input with encoding: index (one categorical column)" }]);
      layer = { ...layer, inputDim: layer.inputDim ?? source.vocabulary! };
    }
    const built = buildLayers(layer, layer.name ?? name(layer.type), ctx.seed + 101 * k);
    const ins = n.inputs.map((s) => tensors.get(s)!);
    let out = built[0]!.apply(ins.length === 1 ? ins[0]! : ins) as tfl.SymbolicTensor;
    for (const extra of built.slice(1)) out = extra.apply(out) as tfl.SymbolicTensor;
    tensors.set(nodeName, out);
  });
  const outName = spec.outputs[0]!;
  const outShape = shapes.get(outName)!;
  if (outShape.length !== 1) throw fail([{ path: "model.outputs[0]", message: `the output node's shape is [${outShape}]: flatten it to one axis first` }]);
  const last = nodes.get(outName)?.n.layer;
  const lastSpec = last && !isMerge(last) ? [last as LayerSpec] : [];
  const plan = ctx.keepOutput
    ? asWritten(last?.type === "dense" ? last.units : outShape[0], last?.type === "dense" ? last.activation : undefined)
    : planOutput(lastSpec, ctx.task, ctx.classes, ctx.loss);
  let output = tensors.get(outName)!;
  if (plan.append) output = outputHead(plan, ctx.seed + 7).apply(output) as tfl.SymbolicTensor;
  return { model: tfl.model({ inputs, outputs: output, name: "functional" }), plan, warnings: [] };
}
