/**
 * What a Keras JSON may name beyond its layers' shapes: classes tfjs can deserialize (its
 * serialization registry) and initializers with known names and bounded arguments. Checked on
 * the API when a spec is described or created, so a spec the worker could not build, or whose
 * initializer would run for minutes, is a 400 and never a queued job.
 */
import type { FieldError } from "../../../errors.js";
import type { KerasLayer } from "./format.js";

/**
 * Class names tfjs 4.22 can deserialize (its serialization registry, with our ELM layers),
 * written out so that checking a spec on the API loads no TensorFlow.js (its first import holds
 * the event loop ~200 ms); keras-support.test.ts fails when the registry and this list differ.
 */
export const TFJS_CLASSES: ReadonlySet<string> = new Set([
  "Activation",
  "Adadelta",
  "Adagrad",
  "Adam",
  "Adamax",
  "Add",
  "AlphaDropout",
  "Average",
  "AveragePooling1D",
  "AveragePooling2D",
  "AveragePooling3D",
  "BatchNormalization",
  "Bidirectional",
  "CategoryEncoding",
  "CenterCrop",
  "Concatenate",
  "Constant",
  "Conv1D",
  "Conv2D",
  "Conv2DTranspose",
  "Conv3D",
  "Conv3DTranspose",
  "ConvLSTM2D",
  "ConvLSTM2DCell",
  "Cropping2D",
  "Dense",
  "DepthwiseConv2D",
  "Dot",
  "Dropout",
  "ELU",
  "ElmRbf",
  "ElmSine",
  "Embedding",
  "Flatten",
  "Functional",
  "GRU",
  "GRUCell",
  "GaussianDropout",
  "GaussianNoise",
  "GlobalAveragePooling1D",
  "GlobalAveragePooling2D",
  "GlobalMaxPooling1D",
  "GlobalMaxPooling2D",
  "GlorotNormal",
  "GlorotUniform",
  "HeNormal",
  "HeUniform",
  "Identity",
  "InputLayer",
  "L1L2",
  "LSTM",
  "LSTMCell",
  "LayerNormalization",
  "LeCunNormal",
  "LeCunUniform",
  "LeakyReLU",
  "Masking",
  "MaxNorm",
  "MaxPooling1D",
  "MaxPooling2D",
  "MaxPooling3D",
  "Maximum",
  "MinMaxNorm",
  "Minimum",
  "Model",
  "Momentum",
  "Multiply",
  "NonNeg",
  "Ones",
  "Orthogonal",
  "PReLU",
  "Permute",
  "RMSProp",
  "RNN",
  "RandomNormal",
  "RandomUniform",
  "RandomWidth",
  "ReLU",
  "RepeatVector",
  "Rescaling",
  "Reshape",
  "Resizing",
  "SGD",
  "SeparableConv2D",
  "Sequential",
  "SimpleRNN",
  "SimpleRNNCell",
  "Softmax",
  "SpatialDropout1D",
  "StackedRNNCells",
  "ThresholdedReLU",
  "TimeDistributed",
  "TruncatedNormal",
  "UnitNorm",
  "UpSampling2D",
  "VarianceScaling",
  "ZeroPadding2D",
  "Zeros",
  "elu",
  "gelu",
  "gelu_new",
  "hardSigmoid",
  "linear",
  "logSoftmax",
  "mish",
  "relu",
  "relu6",
  "selu",
  "sigmoid",
  "softmax",
  "softplus",
  "softsign",
  "swish",
  "tanh",
]);

const registered = (className: string) => TFJS_CLASSES.has(className);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Initializers and the numeric arguments each takes (keras.io/api/layers/initializers). */
const INITIALIZERS: Record<string, string[]> = {
  Zeros: [],
  Ones: [],
  Constant: ["value"],
  RandomNormal: ["mean", "stddev"],
  RandomUniform: ["minval", "maxval"],
  TruncatedNormal: ["mean", "stddev"],
  VarianceScaling: ["scale"],
  GlorotUniform: [],
  GlorotNormal: [],
  HeNormal: [],
  HeUniform: [],
  LeCunNormal: [],
  LeCunUniform: [],
  Orthogonal: ["gain"],
  Identity: ["gain"],
};
/** String forms Keras and tfjs accept for the same initializers. */
const BY_STRING = new Map(
  Object.keys(INITIALIZERS).flatMap((c) => {
    const snake = c
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .toLowerCase()
      .replace("le_cun", "lecun");
    return [
      [c, c],
      [snake, c],
      [c[0]!.toLowerCase() + c.slice(1), c],
    ] as Array<[string, string]>;
  }),
);
const MODES = new Set(["fan_in", "fan_out", "fan_avg", "fanIn", "fanOut", "fanAvg"]);
const DISTRIBUTIONS = new Set(["normal", "uniform", "truncated_normal", "untruncated_normal", "truncatedNormal"]);
/** Largest magnitude of an initializer's numeric argument. */
const MAX_ARG = 1e6;

/** Why an initializer value is refused, or undefined when it is fine. */
export function initializerProblem(value: unknown): string | undefined {
  const known = Object.keys(INITIALIZERS).join(", ");
  if (typeof value === "string") return BY_STRING.has(value) ? undefined : `"${value.slice(0, 60)}" is not supported: use one of ${known}`;
  if (!isObject(value) || typeof value.class_name !== "string") return `must be an initializer's name or {class_name, config}`;
  const cls = BY_STRING.get(value.class_name);
  if (!cls) return `${value.class_name.slice(0, 60)} is not supported: use one of ${known}`;
  const config = isObject(value.config) ? value.config : {};
  for (const arg of INITIALIZERS[cls]!) {
    const v = config[arg];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > MAX_ARG) return `${cls}.${arg} must be a finite number within ±${MAX_ARG}`;
    if ((arg === "stddev" || arg === "scale") && v <= 0) return `${cls}.${arg} must be positive`;
  }
  if (cls === "RandomUniform" && typeof config.minval === "number" && typeof config.maxval === "number" && config.minval > config.maxval)
    return "RandomUniform.minval must not exceed maxval";
  const seed = config.seed;
  if (seed !== undefined && seed !== null && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) < 2 ** 32))
    return `${cls}.seed must be an integer from 0 to 2^32-1, or null`;
  if (cls === "VarianceScaling") {
    if (config.mode !== undefined && !MODES.has(String(config.mode))) return "VarianceScaling.mode must be fan_in, fan_out or fan_avg";
    if (config.distribution !== undefined && !DISTRIBUTIONS.has(String(config.distribution)))
      return "VarianceScaling.distribution must be normal, uniform, truncated_normal or untruncated_normal";
  }
  return undefined;
}

/**
 * Every class a layer's config names (initializers, regularizers, constraints; the layers of a
 * nested model, recursively) that tfjs cannot deserialize, and every initializer that is not a
 * known one with bounded arguments, with the layer it sits in.
 */
export function unsupportedClasses(layers: KerasLayer[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  layers.forEach((layer, i) => {
    const name = String(layer.name ?? layer.config?.name ?? `layer_${i}`);
    const at = `${path}[${i}]`;
    const cls = String(layer.class_name);
    if (cls !== "InputLayer" && !registered(cls)) errors.push({ path: at, message: `layer "${name}" is a ${cls}, which TensorFlow.js does not support` });
    const config = layer.config ?? {};
    if (Array.isArray(config.layers)) return void errors.push(...unsupportedClasses(config.layers, `${at}.config.layers`));
    for (const [key, value] of Object.entries(config)) {
      if (key.endsWith("_initializer") && value !== null && value !== undefined) {
        const problem = initializerProblem(value);
        if (problem) errors.push({ path: `${at}.config.${key}`, message: `layer "${name}": ${key} ${problem}` });
        continue;
      }
      const inner = value as { class_name?: unknown } | null;
      if (inner && typeof inner === "object" && typeof inner.class_name === "string" && !registered(inner.class_name)) {
        errors.push({ path: `${at}.config.${key}`, message: `layer "${name}": ${key} ${inner.class_name} is not supported by TensorFlow.js` });
      }
    }
  });
  return errors;
}
