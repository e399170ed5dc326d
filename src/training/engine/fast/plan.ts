/**
 * Which compiled tfjs models the fast path (native/mlp) can train, and how: a DAG of Dense,
 * Dropout, Activation, LeakyReLU, BatchNormalization, LayerNormalization, GaussianNoise,
 * Embedding, Flatten/Reshape and Concatenate/Add/Multiply/Average layers over one or more 2D
 * inputs, with a loss, optimizer and metrics it implements exactly as tfjs does. Every value is
 * held as rows of its flattened width, so Flatten and Reshape are identities; a layer whose
 * meaning depends on a higher rank (Dense, a normalization or Concatenate on a 3D value) is left
 * to tfjs. Anything else trains through tfjs, and the reason is logged.
 */
import type { tfl } from "../tf.js";
import type { LossName, OptimizerSpec } from "../../spec/training-options.js";
import { CODES, code, nameOf } from "./codes.js";

/** Each op's code by its name in codes.ts (`OP.dense`, `OP.batchNorm`, ...). */
export const OP = Object.fromEntries(Object.keys(CODES.OP).map((name) => [name, code("OP", name)])) as { readonly [K in keyof typeof CODES.OP]: number };
const act = (name: string) => code("A", name);
/** Keras's short loss names are the long ones. */
const LOSS_ALIASES: Partial<Record<LossName, string>> = { mse: "mean_squared_error", mae: "mean_absolute_error" };
const lossCode = (loss: LossName) => code("L", LOSS_ALIASES[loss] ?? loss);
const OPTIMIZER = {
  sgd: code("O", "sgd"),
  momentum: code("O", "momentum"),
  adam: code("O", "adam"),
  rmsprop: code("O", "rmsprop"),
  adagrad: code("O", "adagrad"),
};
/** Log names tfjs gives each metric, and which of the addon's outputs [loss, acc, mae, mse] it is. */
const METRIC_SLOT: Record<string, number> = { loss: 0, acc: 1, mae: 2, mse: 3 };
const ACCURACY_BY_LOSS: Record<number, string> = {
  [code("L", "categorical_crossentropy")]: "categoricalAccuracy",
  [code("L", "sparse_categorical_crossentropy")]: "sparseCategoricalAccuracy",
  [code("L", "binary_crossentropy")]: "binaryAccuracy",
};
const MERGES: Record<string, number> = { Concatenate: OP.concatenate, Add: OP.add, Multiply: OP.multiply, Average: OP.average };
/** Layers with weights the fast path trains: Dense, the normalizations and Embedding. */
const WEIGHTED = new Set<number>([OP.dense, OP.batchNorm, OP.layerNorm, OP.embedding]);

export interface OpPlan {
  kind: number;
  /** The layer holding the op's weights (Dense, the normalizations, Embedding). */
  layer?: tfl.layers.Layer;
  /** Node ids: an earlier op's index, or -1 - k for the model's input k. */
  inputs: number[];
  /** Values per row (the layer's output shape, flattened). */
  width: number;
  activation: number;
  alpha?: number;
  rate?: number;
  stddev?: number;
  epsilon?: number;
  momentum?: number;
  vocab?: number;
  dim?: number;
  l1?: number;
  l2?: number;
  biasL1?: number;
  biasL2?: number;
}

export interface FastPlan {
  ops: OpPlan[];
  /** Each model input's width, in model.inputs order. */
  inputs: number[];
  loss: number;
  optimizer: { type: number; beta1?: number; beta2?: number; epsilon?: number; momentum?: number; nesterov?: boolean; rho?: number; centered?: boolean };
  /** Per log name (model.metricsNames), the index into the addon's outputs. */
  metrics: Array<[string, number]>;
}

type Config = Record<string, unknown>;
const l1l2 = (r: unknown): { l1: number; l2: number } | undefined => {
  if (r == null) return { l1: 0, l2: 0 };
  const reg = r as { className?: string; config?: { l1?: number; l2?: number } };
  return reg.className === "L1L2" ? { l1: reg.config?.l1 ?? 0, l2: reg.config?.l2 ?? 0 } : undefined;
};
type Shape = Array<number | null>;
const shapeOf = (layer: tfl.layers.Layer): Shape => layer.outputShape as Shape;
const flatWidth = (shape: Shape) => shape.slice(1).reduce<number>((w, d) => w * (d ?? NaN), 1);
/** A normalization or concatenation over the last axis of a 2D value (Keras's axis -1, or 1). */
const lastAxis = (axis: unknown) => [-1, 1].includes(Array.isArray(axis) && axis.length === 1 ? axis[0] : (axis as number));
const noExtras = (c: Config, keys: string[]) => keys.every((k) => c[k] == null);

/** One layer as an op, or why it cannot be one. `ranks`: its inputs' ranks. */
function opOf(layer: tfl.layers.Layer, inputs: number[], ranks: number[], width: number): OpPlan | string {
  const cls = layer.getClassName();
  const c = layer.getConfig() as Config;
  const base = { inputs, width, activation: 0 };
  const flat = ranks.every((r) => r === 2);
  switch (cls) {
    case "Dense": {
      const activation = act(String(c.activation));
      const k = l1l2(c.kernelRegularizer),
        b = l1l2(c.biasRegularizer);
      if (!flat) return `Dense ${layer.name} on a value of rank > 2`;
      if (activation < 0 || !k || !b || !noExtras(c, ["activityRegularizer", "kernelConstraint", "biasConstraint"]))
        return `Dense ${layer.name} (activation ${c.activation}, its regularizers or constraints)`;
      return { ...base, kind: OP.dense, layer, activation, l1: k.l1, l2: k.l2, biasL1: b.l1, biasL2: b.l2 };
    }
    case "Dropout":
      return c.noiseShape != null ? "dropout with a noise shape" : { ...base, kind: OP.dropout, rate: Number(c.rate) };
    case "GaussianNoise":
      return { ...base, kind: OP.noise, stddev: Number(c.stddev) };
    case "Activation":
      return act(String(c.activation)) >= 0 ? { ...base, kind: OP.activation, activation: act(String(c.activation)) } : `activation ${c.activation}`;
    case "LeakyReLU":
      return { ...base, kind: OP.activation, activation: act("leaky"), alpha: Number(c.alpha) };
    case "BatchNormalization":
    case "LayerNormalization": {
      const keys = ["betaRegularizer", "gammaRegularizer", "betaConstraint", "gammaConstraint"];
      if (!flat || !lastAxis(c.axis) || c.center === false || c.scale === false || !noExtras(c, keys))
        return `${cls} ${layer.name} (not over the last axis of a 2D value, without center or scale, or with regularizers)`;
      const kind = cls === "BatchNormalization" ? OP.batchNorm : OP.layerNorm;
      return { ...base, kind, layer, epsilon: Number(c.epsilon), momentum: c.momentum === undefined ? undefined : Number(c.momentum) };
    }
    case "Embedding":
      if (!flat || inputs[0]! >= 0) return `Embedding ${layer.name} (not on a model input of indices)`;
      if (c.maskZero || !noExtras(c, ["embeddingsRegularizer", "activityRegularizer", "embeddingsConstraint"]))
        return `Embedding ${layer.name} (mask or regularizers)`;
      return { ...base, kind: OP.embedding, layer, vocab: Number(c.inputDim), dim: Number(c.outputDim) };
    case "Flatten":
    case "Reshape":
      return { ...base, kind: OP.identity };
    default: {
      const merge = MERGES[cls];
      if (merge === undefined) return `layer ${cls}`;
      if (merge === OP.concatenate && (!flat || !lastAxis(c.axis))) return "Concatenate not along the last axis of 2D values";
      return { ...base, kind: merge };
    }
  }
}

/** The plan, or why the model must go through tfjs (the reason is logged, not shown to users). */
export function fastPlan(model: tfl.LayersModel, loss: LossName, opt: OptimizerSpec): FastPlan | string {
  const lossNumber = lossCode(loss);
  if (lossNumber < 0) return `loss ${loss}`;
  const lossName = nameOf("L", lossNumber);
  if (model.outputs.length !== 1) return "more than one output";
  if (model.inputs.length > 16) return "more than 16 inputs";
  const node = new Map<string, number>();
  const rank = new Map<string, number>();
  const inputs: number[] = [];
  for (const [k, t] of model.inputs.entries()) {
    if (t.shape.length !== 2 || typeof t.shape[1] !== "number") return "an input that is not rows of a known width";
    node.set(t.sourceLayer.name, -1 - k);
    rank.set(t.sourceLayer.name, 2);
    inputs.push(t.shape[1]);
  }
  const ops: OpPlan[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") {
      if (!node.has(layer.name)) return "an input layer that is not a model input";
      continue;
    }
    if (!layer.trainable) return "a frozen layer";
    if (layer.inboundNodes.length !== 1) return `layer ${layer.name} used more than once`;
    const inbound = layer.inboundNodes[0]!.inboundLayers.map((l) => l.name);
    const ids = inbound.map((n) => node.get(n));
    if (ids.some((id) => id === undefined)) return `layer ${layer.name}: an input the plan has not seen`;
    const shape = shapeOf(layer);
    const width = flatWidth(shape);
    if (!Number.isInteger(width) || width < 1) return `layer ${layer.name}: output shape ${JSON.stringify(shape)}`;
    const op = opOf(
      layer,
      ids as number[],
      inbound.map((n) => rank.get(n)!),
      width,
    );
    if (typeof op === "string") return op;
    node.set(layer.name, ops.length);
    rank.set(layer.name, shape.length);
    ops.push(op);
  }
  const out = model.outputs[0]!;
  const last = ops[ops.length - 1];
  if (!last || node.get(out.sourceLayer.name) !== ops.length - 1) return "the output is not the last layer";
  if (out.shape.length !== 2) return "an output of rank > 2";
  if (!ops.some((o) => WEIGHTED.has(o.kind))) return "no layer with weights";
  if (ops.slice(0, -1).some((o) => o.activation === act("softmax"))) return "softmax before the output";
  // Cross-entropies are implemented on the probabilities they expect (fused with their gradient).
  const outAct = last.kind === OP.dense || last.kind === OP.activation ? nameOf("A", last.activation) : "linear";
  const categorical = lossName === "categorical_crossentropy" || lossName === "sparse_categorical_crossentropy";
  const binary = lossName === "binary_crossentropy";
  if ((categorical && outAct !== "softmax") || (binary && outAct !== "sigmoid")) return `${loss} on a ${outAct} output`;
  if (!categorical && !binary && outAct === "softmax") return `${loss} on a softmax output`;

  const metrics: Array<[string, number]> = [];
  for (const name of model.metricsNames) {
    const slot = name === ACCURACY_BY_LOSS[lossNumber] ? 1 : METRIC_SLOT[name];
    if (slot === undefined || (slot === 1 && !categorical && !binary)) return `metric ${name}`;
    metrics.push([name, slot]);
  }
  const optimizer = optimizerPlan(opt);
  if (typeof optimizer === "string") return optimizer;
  return { ops, inputs, loss: lossNumber, optimizer, metrics };
}

function optimizerPlan(opt: OptimizerSpec): FastPlan["optimizer"] | string {
  switch (opt.type) {
    case "adam":
      return { type: OPTIMIZER.adam, beta1: opt.beta1, beta2: opt.beta2, epsilon: opt.epsilon };
    case "sgd":
      return opt.momentum > 0 || opt.nesterov ? { type: OPTIMIZER.momentum, momentum: opt.momentum, nesterov: opt.nesterov } : { type: OPTIMIZER.sgd };
    case "rmsprop":
      return { type: OPTIMIZER.rmsprop, rho: opt.rho, momentum: opt.momentum, epsilon: opt.epsilon, centered: opt.centered };
    case "adagrad":
      return { type: OPTIMIZER.adagrad, epsilon: 1e-7 }; // tfjs's Adagrad takes the backend's epsilon
    default:
      return `optimizer ${opt.type}`;
  }
}
