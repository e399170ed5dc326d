/**
 * Which compiled tfjs models the MLP fast path (native/mlp) can train, and how: a chain of
 * Dense / Dropout / Activation / LeakyReLU layers on one input, with a loss, optimizer and
 * metrics it implements exactly as tfjs does. Anything else trains through tfjs.
 */
import type { tfl } from "../tf.js";
import type { LossName, OptimizerSpec } from "../../spec/training-options.js";

export const OP = { dense: 0, dropout: 1, activation: 2 } as const;
const ACT = ["linear", "relu", "relu6", "sigmoid", "tanh", "elu", "selu", "softplus", "softsign", "swish", "softmax", "leaky"];
const LOSS: Partial<Record<LossName, number>> = {
  categorical_crossentropy: 0,
  sparse_categorical_crossentropy: 1,
  binary_crossentropy: 2,
  mean_squared_error: 3,
  mse: 3,
  mean_absolute_error: 4,
  mae: 4,
};
const OPTIMIZER = { sgd: 0, momentum: 1, adam: 2, rmsprop: 3, adagrad: 4 } as const;
/** Log names tfjs gives each metric, and which of the addon's outputs [loss, acc, mae, mse] it is. */
const METRIC_SLOT: Record<string, number> = { loss: 0, acc: 1, mae: 2, mse: 3 };
const ACCURACY_BY_LOSS: Record<number, string> = { 0: "categoricalAccuracy", 1: "sparseCategoricalAccuracy", 2: "binaryAccuracy" };

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
  const lossCode = LOSS[loss];
  if (lossCode === undefined) return `loss ${loss}`;
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
      const act = ACT.indexOf(String(c.activation));
      const k = l1l2(c.kernelRegularizer),
        b = l1l2(c.biasRegularizer);
      if (act < 0 || !k || !b || c.activityRegularizer) return `Dense ${layer.name} (activation ${c.activation} or its regularizers)`;
      ops.push({ kind: OP.dense, layer, activation: act, l1: k.l1, l2: k.l2, biasL1: b.l1, biasL2: b.l2 });
    } else if (cls === "Dropout") {
      if (c.noiseShape != null) return "dropout with a noise shape";
      ops.push({ kind: OP.dropout, activation: 0, rate: Number(c.rate) });
    } else if (cls === "Activation" && ACT.indexOf(String(c.activation)) >= 0) {
      ops.push({ kind: OP.activation, activation: ACT.indexOf(String(c.activation)) });
    } else if (cls === "LeakyReLU") {
      ops.push({ kind: OP.activation, activation: ACT.indexOf("leaky"), alpha: Number(c.alpha) });
    } else {
      return `layer ${cls}`;
    }
  }
  const last = ops[ops.length - 1];
  if (!ops.some((o) => o.kind === OP.dense) || !last || last.kind === OP.dropout) return "no Dense output";
  if (ops.slice(0, -1).some((o) => o.activation === ACT.indexOf("softmax"))) return "softmax before the output";
  // Cross-entropies are implemented on the probabilities they expect (fused with their gradient).
  const outAct = ACT[last.activation];
  if ((lossCode <= 1 && outAct !== "softmax") || (lossCode === 2 && outAct !== "sigmoid")) return `${loss} on a ${outAct} output`;
  if (lossCode > 2 && outAct === "softmax") return `${loss} on a softmax output`;

  const metrics: Array<[string, number]> = [];
  for (const name of model.metricsNames) {
    const slot = name === ACCURACY_BY_LOSS[lossCode] ? 1 : METRIC_SLOT[name];
    if (slot === undefined || (slot === 1 && lossCode > 2)) return `metric ${name}`;
    metrics.push([name, slot]);
  }
  const optimizer = optimizerPlan(opt);
  if (typeof optimizer === "string") return optimizer;
  return { ops, loss: lossCode, optimizer, metrics };
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
