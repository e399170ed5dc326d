/**
 * TensorFlow.js objects from our specs: layers, optimizers, losses and metrics by their Keras
 * names. (The network itself is put together in network.ts, from the families.)
 */
import { tf, tfl } from "./tf.js";
import type { Activation, LayerSpec, MergeSpec, NodeLayerSpec, RegularizerSpec } from "../spec/layers.js";
import type { z } from "zod";
import type { LossName, MetricSchema, OptimizerSpec } from "../spec/training-options.js";
import type { OutputPlan } from "../spec/output-plan.js";
import { namer } from "../spec/shape-summary.js";

type MetricName = z.infer<typeof MetricSchema>;

const ACTIVATION_ALIASES: Partial<Record<Activation, string>> = { silu: "swish", hard_sigmoid: "hardSigmoid" };
function activation(a: Activation): any {
  return ACTIVATION_ALIASES[a] ?? a;
}
/** tfjs has no leaky-ReLU activation function, only the layer: such a layer gets one after it. */
const isLeaky = (a: Activation | undefined) => a === "leakyRelu" || a === "leaky_relu";

function regularizer(r: RegularizerSpec | undefined) {
  return r && (r.l1 > 0 || r.l2 > 0) ? tfl.regularizers.l1l2({ l1: r.l1, l2: r.l2 }) : undefined;
}

function initializer(name: string, seed: number): any {
  // Keras's initializer names are tfjs's factory names (keras-support.ts checks each spec's).
  const make = Reflect.get(tfl.initializers, name) as (args: object) => unknown;
  return make(name === "zeros" || name === "ones" ? {} : { seed });
}

/**
 * The tfjs layers for one spec layer, in order (usually one; a leaky-ReLU activation adds a
 * LeakyReLU layer, as Keras users write `Dense(..., activation=LeakyReLU())`).
 */
/** Keras merge layers by our spec's name. */
const MERGES: Record<MergeSpec["type"], (args: { name: string }) => tfl.layers.Layer> = {
  concatenate: (a) => tfl.layers.concatenate(a),
  add: (a) => tfl.layers.add(a),
  multiply: (a) => tfl.layers.multiply(a),
  average: (a) => tfl.layers.average(a),
  maximum: (a) => tfl.layers.maximum(a),
  minimum: (a) => tfl.layers.minimum(a),
};

export function buildLayers(spec: NodeLayerSpec, name: string, seed: number, inputShape?: number[]): tfl.layers.Layer[] {
  if ((spec.type === "dense" || spec.type === "activation") && isLeaky(spec.activation)) {
    const main = spec.type === "dense" ? buildLayer({ ...spec, activation: "linear" }, name, seed, inputShape) : undefined;
    const leaky = tfl.layers.leakyReLU({ name: main ? `${name}_leaky_relu` : name, alpha: 0.3, inputShape: main ? undefined : inputShape });
    return main ? [main, leaky] : [leaky];
  }
  return [buildLayer(spec, name, seed, inputShape)];
}

function buildLayer(spec: NodeLayerSpec, name: string, seed: number, inputShape?: number[]): tfl.layers.Layer {
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
      // No seed: tfjs reuses a seeded dropout mask on every step. Masks come from Math.random,
      // which trainJob seeds for the job (withSeededRandom), so runs stay reproducible.
      return tfl.layers.dropout({ ...base, rate: spec.rate });
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
    case "leakyRelu":
      return tfl.layers.leakyReLU({ ...base, alpha: spec.alpha });
    case "flatten":
      return tfl.layers.flatten(base);
    case "reshape":
      return tfl.layers.reshape({ ...base, targetShape: spec.targetShape });
    case "embedding":
      return tfl.layers.embedding({
        ...base,
        inputDim: spec.inputDim ?? 2,
        outputDim: spec.outputDim,
        embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
        embeddingsRegularizer: regularizer(spec.embeddingsRegularizer),
      });
    default:
      return MERGES[spec.type]({ name });
  }
}

/** Builds the Sequential network over `inputs` encoded features, output layer included. */
export function buildSequential(spec: { layers: LayerSpec[] }, inputs: number, plan: OutputPlan, seed: number): tfl.Sequential {
  const model = tfl.sequential();
  const name = namer();
  spec.layers.forEach((layer, i) => {
    for (const l of buildLayers(layer, name(layer.type, layer.name), seed + 101 * i, i === 0 ? [inputs] : undefined)) model.add(l);
  });
  if (plan.append) {
    const out: LayerSpec = {
      type: "dense",
      units: plan.units,
      activation: plan.mode,
      useBias: true,
      kernelInitializer: "glorotUniform",
      biasInitializer: "zeros",
    };
    model.add(buildLayer(out, "output", seed + 101 * spec.layers.length, spec.layers.length === 0 ? [inputs] : undefined));
  }
  return model;
}

/** Keras's optimizers with Keras's default learning rates (https://keras.io/api/optimizers/). */
export function buildOptimizer(spec: OptimizerSpec): tf.Optimizer {
  const lr = spec.learningRate ?? (spec.type === "sgd" ? 0.01 : 0.001);
  switch (spec.type) {
    case "adam":
      return tf.train.adam(lr, spec.beta1, spec.beta2, spec.epsilon);
    case "adamax":
      return tf.train.adamax(lr, spec.beta1, spec.beta2, spec.epsilon);
    case "sgd":
      return spec.momentum > 0 || spec.nesterov ? tf.train.momentum(lr, spec.momentum, spec.nesterov) : tf.train.sgd(lr);
    case "rmsprop":
      return tf.train.rmsprop(lr, spec.rho, spec.momentum, spec.epsilon, spec.centered);
    case "adagrad":
      return tf.train.adagrad(lr, spec.initialAccumulatorValue);
    case "adadelta":
      return tf.train.adadelta(lr, spec.rho, spec.epsilon);
  }
}

/** The optimizer's current learning rate. */
export function learningRate(opt: tf.Optimizer): number {
  // Every tfjs optimizer keeps its rate in `learningRate`; the base class's typings leave it out.
  return Number(Reflect.get(opt, "learningRate"));
}

/** Changes the rate of a live optimizer (SGD and momentum cache it as a tensor). */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const set: unknown = Reflect.get(opt, "setLearningRate");
  if (typeof set === "function") set.call(opt, lr);
  else Reflect.set(opt, "learningRate", lr);
}

/** Huber loss, delta 1 as Keras's default: quadratic below delta, linear above (Huber 1964). */
function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const abs = tf.abs(tf.sub(yPred, yTrue));
    const quadratic = tf.minimum(abs, 1);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.sub(abs, quadratic)), -1);
  });
}

const TFJS_LOSS: Record<LossName, string | ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor)> = {
  binary_crossentropy: "binaryCrossentropy",
  categorical_crossentropy: "categoricalCrossentropy",
  sparse_categorical_crossentropy: "sparseCategoricalCrossentropy",
  kl_divergence: "kullbackLeiblerDivergence",
  mean_squared_error: "meanSquaredError",
  mse: "meanSquaredError",
  mean_absolute_error: "meanAbsoluteError",
  mae: "meanAbsoluteError",
  huber,
  log_cosh: "logcosh",
  mean_absolute_percentage_error: "meanAbsolutePercentageError",
  mape: "meanAbsolutePercentageError",
  mean_squared_logarithmic_error: "meanSquaredLogarithmicError",
  msle: "meanSquaredLogarithmicError",
  poisson: "poisson",
};

export function tfjsLoss(name: LossName) {
  return TFJS_LOSS[name];
}

/** Regression losses that stay meaningful on a standardized target (others see raw values). */

const TFJS_METRIC: Record<MetricName, string> = {
  accuracy: "accuracy",
  binary_accuracy: "binaryAccuracy",
  categorical_accuracy: "categoricalAccuracy",
  sparse_categorical_accuracy: "sparseCategoricalAccuracy",
  precision: "precision",
  recall: "recall",
  mae: "mae",
  mean_absolute_error: "mae",
  mse: "mse",
  mean_squared_error: "mse",
  mape: "mape",
  cosine_similarity: "cosineProximity",
};

export function tfjsMetrics(names: MetricName[]): string[] {
  return [...new Set(names.map((n) => TFJS_METRIC[n]))];
}
