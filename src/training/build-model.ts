import { tf, tfl } from "./tf.js";
import type { Activation, LayerSpec, RegularizerSpec } from "./spec/layers.js";
import type { SequentialSpec } from "./spec/sequential.js";
import type { OptimizerSpec } from "./spec/training-options.js";
import type { Task } from "./columns.js";

/** How the network's last layer maps to the target. */
export type OutputMode = "sigmoid" | "softmax" | "linear";

export interface OutputPlan {
  mode: OutputMode;
  units: number;
  /** False when the spec's own last layer already is a fitting output layer. */
  append: boolean;
}

/**
 * Keras users end a classifier with Dense(1, sigmoid) or Dense(K, softmax) and a regressor with
 * Dense(1). When the spec's last layer is such a layer it is the output; otherwise one is appended.
 */
export function planOutput(layers: LayerSpec[], task: Task, classes: number): OutputPlan {
  const last = layers[layers.length - 1];
  if (task === "regression") {
    const own = last?.type === "dense" && last.units === 1;
    return { mode: "linear", units: 1, append: !own };
  }
  if (last?.type === "dense") {
    if (last.activation === "softmax" && last.units === classes) return { mode: "softmax", units: classes, append: false };
    if (classes === 2 && last.activation === "sigmoid" && last.units === 1) return { mode: "sigmoid", units: 1, append: false };
  }
  return classes === 2 ? { mode: "sigmoid", units: 1, append: true } : { mode: "softmax", units: classes, append: true };
}

const ACTIVATION_ALIASES: Partial<Record<Activation, string>> = { silu: "swish", hard_sigmoid: "hardSigmoid" };
function activation(a: Activation): any {
  return ACTIVATION_ALIASES[a] ?? a;
}

function regularizer(r: RegularizerSpec | undefined) {
  return r && (r.l1 > 0 || r.l2 > 0) ? tfl.regularizers.l1l2({ l1: r.l1, l2: r.l2 }) : undefined;
}

function initializer(name: string, seed: number): any {
  const init = tfl.initializers as unknown as Record<string, (args: object) => unknown>;
  if (name === "zeros" || name === "ones") return init[name]!({});
  return init[name]!({ seed });
}

/** Keras-style names: dense, dense_1, dense_2, ... (deterministic, so weight names are too). */
function namer() {
  const seen = new Map<string, number>();
  return (type: string, given?: string) => {
    if (given) return given;
    const n = seen.get(type) ?? 0;
    seen.set(type, n + 1);
    return n === 0 ? type : `${type}_${n}`;
  };
}

function buildLayer(spec: LayerSpec, name: string, seed: number, inputShape?: number[]): tfl.layers.Layer {
  const base = { name, inputShape };
  switch (spec.type) {
    case "dense":
      return tfl.layers.dense({
        ...base,
        units: spec.units,
        activation: activation(spec.activation),
        useBias: spec.useBias,
        kernelInitializer: initializer(spec.kernelInitializer, seed),
        biasInitializer: initializer(spec.biasInitializer, seed + 1),
        kernelRegularizer: regularizer(spec.kernelRegularizer),
        biasRegularizer: regularizer(spec.biasRegularizer),
        activityRegularizer: regularizer(spec.activityRegularizer),
      });
    case "dropout":
      return tfl.layers.dropout({ ...base, rate: spec.rate, seed });
    case "activation":
      return tfl.layers.activation({ ...base, activation: activation(spec.activation) });
    case "batchNormalization":
      return tfl.layers.batchNormalization({ ...base, momentum: spec.momentum, epsilon: spec.epsilon, center: spec.center, scale: spec.scale });
    case "layerNormalization":
      return tfl.layers.layerNormalization({ ...base, epsilon: spec.epsilon });
    case "gaussianNoise":
      return tfl.layers.gaussianNoise({ ...base, stddev: spec.stddev });
    case "gaussianDropout":
      return tfl.layers.gaussianDropout({ ...base, rate: spec.rate });
    case "alphaDropout":
      return tfl.layers.alphaDropout({ ...base, rate: spec.rate });
  }
}

/** Builds the Sequential network over `inputs` encoded features, output layer included. */
export function buildSequential(spec: SequentialSpec, inputs: number, plan: OutputPlan, seed: number): tfl.Sequential {
  const model = tfl.sequential();
  const name = namer();
  spec.layers.forEach((layer, i) => {
    model.add(buildLayer(layer, name(layer.type, layer.name), seed + 101 * i, i === 0 ? [inputs] : undefined));
  });
  if (plan.append) {
    const out: LayerSpec = {
      type: "dense", units: plan.units, activation: plan.mode, useBias: true,
      kernelInitializer: "glorotUniform", biasInitializer: "zeros",
    };
    model.add(buildLayer(out, "output", seed + 101 * spec.layers.length, spec.layers.length === 0 ? [inputs] : undefined));
  }
  return model;
}

/** Keras's optimizers with Keras's default learning rates (https://keras.io/api/optimizers/). */
export function buildOptimizer(spec: OptimizerSpec): tf.Optimizer {
  const lr = spec.learningRate;
  switch (spec.type) {
    case "adam":
      return tf.train.adam(lr ?? 0.001, 0.9, 0.999, 1e-7);
    case "sgd":
      return spec.momentum ? tf.train.momentum(lr ?? 0.01, spec.momentum) : tf.train.sgd(lr ?? 0.01);
    case "rmsprop":
      return tf.train.rmsprop(lr ?? 0.001, 0.9, spec.momentum ?? 0, 1e-7);
    case "adagrad":
      return tf.train.adagrad(lr ?? 0.001, 0.1);
    case "adadelta":
      return tf.train.adadelta(lr ?? 0.001, 0.95, 1e-7);
    case "adamax":
      return tf.train.adamax(lr ?? 0.001, 0.9, 0.999, 1e-7);
  }
}

export const LOSS_BY_MODE: Record<OutputMode, string> = {
  sigmoid: "binaryCrossentropy",
  softmax: "categoricalCrossentropy",
  linear: "meanSquaredError",
};
