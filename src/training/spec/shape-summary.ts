/**
 * The pieces of a network's Keras-style summary (layer names, classes, output shapes, parameter
 * counts) from its spec's shapes alone, which each family's `describe` puts together (families/): no tensor is allocated and no initializer runs, so the API can
 * describe any spec within the limits in arithmetic time (an Orthogonal initializer on a
 * 1024 x 1024 kernel took 10 s of the API's event loop when the network was built to describe
 * it). The names, order and counts are the ones tfjs gives the built network, which
 * shape-summary.test.ts checks layer kind by layer kind against `summarize(buildNetwork(...))`.
 */
import type { OutputPlan } from "./output-plan.js";
import { layerParams } from "./param-count.js";
import type { ModelSummary } from "./summary.js";
import type { NodeLayerSpec } from "./layers.js";

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
  dense: "Dense",
  dropout: "Dropout",
  activation: "Activation",
  batchNormalization: "BatchNormalization",
  layerNormalization: "LayerNormalization",
  gaussianNoise: "GaussianNoise",
  gaussianDropout: "GaussianDropout",
  alphaDropout: "AlphaDropout",
  leakyRelu: "LeakyReLU",
  flatten: "Flatten",
  reshape: "Reshape",
  embedding: "Embedding",
  concatenate: "Concatenate",
  add: "Add",
  multiply: "Multiply",
  average: "Average",
  maximum: "Maximum",
  minimum: "Minimum",
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
