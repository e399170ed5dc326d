/**
 * A network's Keras-style summary (layer names, classes, output shapes, parameter counts) from
 * its spec's shapes alone: no tensor is allocated and no initializer runs, so the API can
 * describe any spec within the limits in arithmetic time (an Orthogonal initializer on a
 * 1024 x 1024 kernel took 10 s of the API's event loop when the network was built to describe
 * it). The names, order and counts are the ones tfjs gives the built network, which
 * shape-summary.test.ts checks layer kind by layer kind against `summarize(buildNetwork(...))`.
 */
import { checkGraph, isMerge, outputShape } from "./graph.js";
import { kerasLayerOrder } from "./formats/graph-order.js";
import { elmOutput, planOutput, type OutputPlan } from "./output-plan.js";
import { layerParams } from "./param-count.js";
import { SpecError } from "./training-error.js";
import type { InputGroup } from "./preprocess.js";
import type { NetworkContext } from "./network-context.js";
import type { ModelSummary } from "./spec/summary.js";
import type { ElmSpec } from "./spec/elm.js";
import { candidateSizes } from "./spec/elm.js";
import type { FunctionalSpec } from "./spec/functional.js";
import type { LayerSpec, NodeLayerSpec } from "./spec/layers.js";
import type { SequentialSpec } from "./spec/sequential.js";

/** What describing a network tells: its summary, how its output reads, and warnings. */
export interface NetworkDescription {
  summary: ModelSummary;
  outputMode: string;
  warnings: string[];
}

export interface SummaryRow {
  name: string;
  type: string;
  outputShape: unknown;
  params: number;
  /** Weights not trained (batch normalization's moving statistics, frozen layers). */
  frozen?: number;
}

/** tfjs class names of our spec's layer types. */
const CLASS: Record<NodeLayerSpec["type"], string> = {
  dense: "Dense", dropout: "Dropout", activation: "Activation", batchNormalization: "BatchNormalization",
  layerNormalization: "LayerNormalization", gaussianNoise: "GaussianNoise", gaussianDropout: "GaussianDropout",
  alphaDropout: "AlphaDropout", leakyRelu: "LeakyReLU", flatten: "Flatten", reshape: "Reshape", embedding: "Embedding",
  concatenate: "Concatenate", add: "Add", multiply: "Multiply", average: "Average", maximum: "Maximum", minimum: "Minimum",
};

/** Keras-style names: dense, dense_1, ... (tfjs-builders' namer, which the built network uses). */
export function namer() {
  const seen = new Map<string, number>();
  return (type: string, given?: string) => {
    if (given) return given;
    const n = seen.get(type) ?? 0;
    seen.set(type, n + 1);
    return n === 0 ? type : `${type}_${n}`;
  };
}

const isLeaky = (a: string | undefined) => a === "leakyRelu" || a === "leaky_relu";

/** The rows one spec layer becomes (a leaky-ReLU activation adds a LeakyReLU layer, as built). */
export function layerRows(layer: NodeLayerSpec, name: string, ins: number[][], out: number[], vocabulary?: number): SummaryRow[] {
  const shape = [null, ...out];
  if ((layer.type === "dense" || layer.type === "activation") && isLeaky(layer.activation)) {
    const leaky = { name: layer.type === "dense" ? `${name}_leaky_relu` : name, type: "LeakyReLU", outputShape: shape, params: 0 };
    return layer.type === "dense" ? [{ name, type: "Dense", outputShape: shape, params: layerParams(layer, ins) }, leaky] : [leaky];
  }
  const params = layerParams(layer, ins, vocabulary);
  const frozen = layer.type === "batchNormalization" ? 2 * (ins[0]!.at(-1) ?? 1) : 0;
  return [{ name, type: CLASS[layer.type], outputShape: shape, params, frozen }];
}

/** The summary of rows, totals as tfjs's countParams and trainableWeights give them. */
export function toSummary(rows: SummaryRow[]): ModelSummary {
  const totalParams = rows.reduce((s, r) => s + r.params, 0);
  const trainableParams = totalParams - rows.reduce((s, r) => s + (r.frozen ?? 0), 0);
  return { layers: rows.map(({ frozen: _, ...r }) => r), totalParams, trainableParams };
}

/** The output as the spec wrote it, read off its last layer's activation. */
export function asWritten(units: number | undefined, activation: string | undefined): OutputPlan {
  const mode = activation === "softmax" ? "softmax" : activation === "sigmoid" ? "sigmoid" : "linear";
  return { mode, units: units ?? 1, append: false };
}

/** The appended output head's row, when the plan appends one. */
export function headRow(plan: OutputPlan, width: number): SummaryRow[] {
  return plan.append ? [{ name: "output", type: "Dense", outputShape: [null, plan.units], params: (width + 1) * plan.units }] : [];
}

const fail = (path: string, message: string) => SpecError.of([{ path, message }]);

export function describeSequential(spec: SequentialSpec, groups: InputGroup[], ctx: NetworkContext): NetworkDescription {
  const last = spec.layers.at(-1);
  const plan = ctx.keepOutput ? asWritten(last?.type === "dense" ? last.units : undefined, last?.type === "dense" ? last.activation : undefined) : planOutput(spec.layers, ctx.task, ctx.classes, ctx.loss);
  const name = namer();
  const rows: SummaryRow[] = [];
  let shape = [groups[0]!.width];
  spec.layers.forEach((layer, i) => {
    const next = outputShape(layer, [shape]);
    if (typeof next === "string") throw fail(`model.layers[${i}]`, next);
    rows.push(...layerRows(layer, name(layer.type, layer.name), [shape], next));
    shape = next;
  });
  rows.push(...headRow(plan, shape.at(-1) ?? 1));
  return { summary: toSummary(rows), outputMode: plan.mode, warnings: [] };
}

export function describeFunctional(spec: FunctionalSpec, groups: InputGroup[], ctx: NetworkContext): NetworkDescription {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const { errors, shapes } = checkGraph(spec, new Map(groups.map((g) => [g.name, g.width])));
  if (errors.length) throw SpecError.of(errors);
  const name = namer();
  const nodes = new Map(spec.nodes.map((n, i) => [n.name, { n, i }]));
  // Rows by node name (a node may be two layers); named as buildFunctional names them, in its order.
  const rowsOf = new Map<string, SummaryRow[]>(spec.inputs.map((x) => [x.name, [{ name: x.name, type: "InputLayer", outputShape: [null, byName.get(x.name)!.width], params: 0 }]]));
  for (const nodeName of [...shapes.keys()].filter((n) => !byName.has(n))) {
    const { n, i } = nodes.get(nodeName)!;
    let layer = n.layer;
    if (layer.type === "embedding") {
      const source = byName.get(n.inputs[0]!);
      if (!source || source.encoding !== "index") throw fail(`model.nodes[${i}].inputs[0]`, "an embedding reads an input with encoding: index (one categorical column)");
      layer = { ...layer, inputDim: layer.inputDim ?? source.vocabulary! };
    }
    rowsOf.set(nodeName, layerRows(layer, layer.name ?? name(layer.type), n.inputs.map((s) => shapes.get(s)!), shapes.get(nodeName)!));
  }
  const outName = spec.outputs[0]!;
  const outShape = shapes.get(outName)!;
  if (outShape.length !== 1) throw fail("model.outputs[0]", `the output node's shape is [${outShape}]: flatten it to one axis first`);
  const last = nodes.get(outName)?.n.layer;
  const lastSpec = last && !isMerge(last) ? [last as LayerSpec] : [];
  const plan = ctx.keepOutput
    ? asWritten(last?.type === "dense" ? last.units : outShape[0], last?.type === "dense" ? last.activation : undefined)
    : planOutput(lastSpec, ctx.task, ctx.classes, ctx.loss);
  // tfjs orders a functional model's layers as Keras's map_graph does (formats/graph-order.ts);
  // a node built as two layers is a chain of both.
  const graph = [...rowsOf.entries()].flatMap(([node, rows]) => {
    const inbound = nodes.get(node)?.n.inputs.map((s) => rowsOf.get(s)!.at(-1)!.name) ?? [];
    return rows.map((r, k) => ({ name: r.name, inbound: k === 0 ? inbound : [rows[k - 1]!.name], row: r }));
  });
  const head = headRow(plan, outShape[0]!);
  const outLayer = rowsOf.get(outName)!.at(-1)!.name;
  if (head.length) graph.push({ name: "output", inbound: [outLayer], row: head[0]! });
  const rowByName = new Map(graph.map((g) => [g.name, g.row]));
  const order = kerasLayerOrder(graph, [head.length ? "output" : outLayer]);
  return { summary: toSummary(order.map((n) => rowByName.get(n)!)), outputMode: plan.mode, warnings: [] };
}

/** An ELM: its random layers (a sine node adds its ElmSine layer; RBF is one ElmRbf layer) and the output. */
export function describeElmShape(spec: ElmSpec, inputs: number, ctx: NetworkContext): NetworkDescription {
  const plan = elmOutput(ctx.task, ctx.classes);
  let width = inputs;
  const rows: SummaryRow[] = [];
  const hidden = [...spec.layers.map((l) => ({ units: l.units, activation: l.activation ?? spec.activation })), { units: candidateSizes(spec).at(-1)!, activation: spec.activation }];
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
