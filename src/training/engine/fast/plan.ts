/**
 * Which compiled tfjs models the MLP fast path (native/mlp) can train, and how: a chain of
 * Dense / Dropout / Activation / LeakyReLU layers on one input, with a loss, optimizer and
 * metrics it implements exactly as tfjs does. Anything else trains through tfjs.
 */
import type { tfl } from "../tf.js";
import type { LossName, OptimizerSpec } from "../../spec/training-options.js";
import { code, nameOf } from "./codes.js";

export const OP = { dense: code("OP", "dense"), dropout: code("OP", "dropout"), activation: code("OP", "activation") } as const;
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

export interface OpPlan {
  kind: number;
  layer?: tfl.layers.Layer;
  activation: number;
  alpha?: number;
  rate?: number;
  l1?: number;
  l2?: number;
  biasL1?: number;
  biasL2?: number;
}

export interface FastPlan {
  ops: OpPlan[];
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

/** The plan, or why the model must go through tfjs (the reason is logged, not shown to users). */
export function fastPlan(model: tfl.LayersModel, loss: LossName, opt: OptimizerSpec): FastPlan | string {
  const lossNumber = lossCode(loss);
  if (lossNumber < 0) return `loss ${loss}`;
  const lossName = nameOf("L", lossNumber);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return "more than one input or output";
  const ops: OpPlan[] = [];
  let previous: string | undefined;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers.map((l) => l.name));
    if (cls === "InputLayer") {
      previous = layer.name;
      continue;
    }
    if (previous !== undefined && (inbound.length !== 1 || inbound[0] !== previous)) return "not a chain of layers";
    if (!layer.trainable) return "a frozen layer";
    previous = layer.name;
    const c = layer.getConfig() as Config;
    if (cls === "Dense") {
      const activation = act(String(c.activation));
      const k = l1l2(c.kernelRegularizer),
        b = l1l2(c.biasRegularizer);
      if (activation < 0 || !k || !b || c.activityRegularizer) return `Dense ${layer.name} (activation ${c.activation} or its regularizers)`;
      ops.push({ kind: OP.dense, layer, activation, l1: k.l1, l2: k.l2, biasL1: b.l1, biasL2: b.l2 });
    } else if (cls === "Dropout") {
      if (c.noiseShape != null) return "dropout with a noise shape";
      ops.push({ kind: OP.dropout, activation: 0, rate: Number(c.rate) });
    } else if (cls === "Activation" && act(String(c.activation)) >= 0) {
      ops.push({ kind: OP.activation, activation: act(String(c.activation)) });
    } else if (cls === "LeakyReLU") {
      ops.push({ kind: OP.activation, activation: act("leaky"), alpha: Number(c.alpha) });
    } else {
      return `layer ${cls}`;
    }
  }
  const last = ops[ops.length - 1];
  if (!ops.some((o) => o.kind === OP.dense) || !last || last.kind === OP.dropout) return "no Dense output";
  if (ops.slice(0, -1).some((o) => o.activation === act("softmax"))) return "softmax before the output";
  // Cross-entropies are implemented on the probabilities they expect (fused with their gradient).
  const outAct = nameOf("A", last.activation);
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
  return { ops, loss: lossNumber, optimizer, metrics };
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
