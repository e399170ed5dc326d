/**
 * A trained network as ONNX (opset 17, with ai.onnx.ml 3 for category lookups), its preprocessing
 * in front as ONNX ops: each feature column is a model input ([N, 1]; numbers and booleans as
 * float, NaN for missing; categories as strings), filled, scaled, one-hot encoded (LabelEncoder +
 * OneHot) or turned into an embedding's index, and laid out per model input as the service does.
 * The output is `probabilities` [N, classes] in the labels' order (a sigmoid unit as [1 - p, p],
 * as /predict answers) or `value` [N, 1]. Layers map to ONNX ops one by one (ONNX operator docs:
 * https://onnx.ai/onnx/operators/); inference-time no-ops (dropout, noise) disappear.
 */
import type { tfl } from "../engine/tf.js";
import type { FeatureEncoding, Preprocessing } from "../data/encoding.js";
import type { OutputMode } from "../spec/output-plan.js";
import { DataType, encodeModel, type Attr, type Node, type Tensor, type ValueInfo } from "./onnx-proto.js";
import { ExportError } from "./export-error.js";

export const ONNX_OPSET = 17;

interface StoredLayer {
  class_name: string;
  name?: string;
  config: Record<string, any>;
  inbound_nodes?: Array<Array<[string, number, number, unknown?]>>;
}

export class Graph {
  nodes: Node[] = [];
  initializers: Tensor[] = [];
  private n = 0;

  fresh(hint: string): string {
    return `${hint}_${this.n++}`;
  }

  constFloat(hint: string, values: ArrayLike<number>, dims: number[]): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, type: "float", values: Float32Array.from(values) });
    return name;
  }

  constDouble(hint: string, values: ArrayLike<number>, dims: number[]): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, type: "double", values: Array.from(values) });
    return name;
  }

  constInt(hint: string, values: number[]): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [values.length], type: "int64", values });
    return name;
  }

  op(op: string, inputs: string[], attrs?: Record<string, Attr>, domain?: string): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], attrs, domain });
    return out;
  }

  /** An ai.onnx.ml classifier (TreeEnsembleClassifier, SVMClassifier): its label and its scores [N, classes]. */
  classifier(op: string, x: string, attrs: Record<string, Attr>): { label: string; scores: string } {
    const label = this.fresh("label");
    const scores = this.fresh("scores");
    this.nodes.push({ op, domain: "ai.onnx.ml", inputs: [x], outputs: [label, scores], attrs });
    return { label, scores };
  }
}

/** The preprocessing of one feature, from its raw input to its encoded columns [N, k]. */
function encodeFeature(g: Graph, f: FeatureEncoding, input: string): string {
  if (f.kind === "numeric" || f.kind === "boolean") {
    const fill = f.fill ?? NaN;
    const filled = g.op("Where", [g.op("IsNaN", [input]), g.constFloat("fill", [fill], []), input]);
    if (f.kind === "boolean") return filled;
    // In float64 then rounded, as encodeValue computes it: a tree's thresholds are encoded training
    // values, so a row equal to one must encode to the same float32, not one ulp off.
    const wide = g.op("Cast", [filled], { to: DataType.DOUBLE });
    const scaled = g.op("Div", [g.op("Sub", [wide, g.constDouble("offset", [f.offset], [])]), g.constDouble("divisor", [f.divisor], [])]);
    return g.op("Cast", [scaled], { to: DataType.FLOAT });
  }
  const c = f.categories.length;
  // An empty string is a missing value: it takes the fill's category (unknown when there is none).
  const fillIndex = f.fill !== null && f.categories.includes(f.fill) ? f.categories.indexOf(f.fill) : c;
  const keys = [...f.categories, ...(f.categories.includes("") ? [] : [""])];
  const values = keys.map((_, i) => (i < c ? i : fillIndex));
  const index = g.op("LabelEncoder", [input], { keys_strings: keys, values_int64s: values, default_int64: c }, "ai.onnx.ml");
  if (f.asIndex) return g.op("Cast", [index], { to: 1 });
  const hot = g.op("OneHot", [index, g.constInt("depth", [c + 1]), g.constFloat("onoff", [0, 1], [2])], { axis: -1 });
  const flat = g.op("Squeeze", [hot, g.constInt("axis", [1])]);
  return f.unknown ? flat : g.op("Slice", [flat, g.constInt("start", [0]), g.constInt("end", [c]), g.constInt("axis", [1])]);
}

const ACT: Record<string, (g: Graph, x: string) => string> = {
  linear: (_g, x) => x,
  relu: (g, x) => g.op("Relu", [x]),
  relu6: (g, x) => g.op("Clip", [x, g.constFloat("lo", [0], []), g.constFloat("hi", [6], [])]),
  sigmoid: (g, x) => g.op("Sigmoid", [x]),
  tanh: (g, x) => g.op("Tanh", [x]),
  softmax: (g, x) => g.op("Softmax", [x], { axis: -1 }),
  elu: (g, x) => g.op("Elu", [x], { alpha: { f: 1 } }),
  selu: (g, x) => g.op("Selu", [x], { alpha: { f: 1.6732632423543772 }, gamma: { f: 1.0507009873554805 } }),
  softplus: (g, x) => g.op("Softplus", [x]),
  softsign: (g, x) => g.op("Softsign", [x]),
  hardSigmoid: (g, x) => g.op("HardSigmoid", [x], { alpha: { f: 0.2 }, beta: { f: 0.5 } }),
  swish: (g, x) => g.op("Mul", [x, g.op("Sigmoid", [x])]),
  mish: (g, x) => g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [x])])]),
  // gelu(x) = x / 2 (1 + erf(x / sqrt 2)), as tfjs computes it.
  gelu: (g, x) =>
    g.op("Mul", [
      g.op("Mul", [x, g.constFloat("half", [0.5], [])]),
      g.op("Add", [g.op("Erf", [g.op("Div", [x, g.constFloat("sqrt2", [Math.SQRT2], [])])]), g.constFloat("one", [1], [])]),
    ]),
};

const activate = (g: Graph, name: string | undefined, x: string, at: string) => {
  const f = ACT[name ?? "linear"];
  if (!f) throw new ExportError(`${at}: activation ${name} has no ONNX export`);
  return f(g, x);
};

/** One layer's ONNX ops: from its inputs' names to its output's. */
/** A stored weight of the layer being written, by its suffix (`kernel`, `bias`, ...). */
export type LayerWeight = (suffix: string) => { values: Float32Array; shape: number[] };

/** Writes a custom layer's ops (a family's own tfjs layer classes) from its input `x`; returns the output. */
export type LayerWriter = (g: Graph, x: string, weight: LayerWeight) => string;

function layerOps(g: Graph, l: StoredLayer, inputs: string[], weight: LayerWeight, custom: Record<string, LayerWriter>): string {
  const c = l.config;
  const at = `layer ${c.name}`;
  const w = (suffix: string) => {
    const t = weight(suffix);
    return g.constFloat(suffix, t.values, t.shape);
  };
  const x = inputs[0]!;
  switch (l.class_name) {
    case "Dense": {
      let y = g.op("MatMul", [x, w("kernel")]);
      if (c.use_bias) y = g.op("Add", [y, w("bias")]);
      return activate(g, c.activation, y, at);
    }
    case "Dropout":
    case "GaussianNoise":
    case "GaussianDropout":
    case "AlphaDropout":
      return x; // inference: the identity
    case "Activation":
      return activate(g, c.activation, x, at);
    case "LeakyReLU":
      return g.op("LeakyRelu", [x], { alpha: { f: c.alpha ?? 0.3 } });
    case "BatchNormalization": {
      // y = (x - mean) / sqrt(var + eps) * gamma + beta, folded into one scale and one shift.
      const mean = weight("moving_mean").values,
        variance = weight("moving_variance").values;
      const gamma = c.scale ? weight("gamma").values : mean.map(() => 1),
        beta = c.center ? weight("beta").values : mean.map(() => 0);
      const scale = variance.map((v, i) => gamma[i]! / Math.sqrt(v + c.epsilon));
      const shift = mean.map((m, i) => beta[i]! - m * scale[i]!);
      return g.op("Add", [g.op("Mul", [x, g.constFloat("bn_scale", scale, [scale.length])]), g.constFloat("bn_shift", shift, [shift.length])]);
    }
    case "LayerNormalization": {
      const width = (c.scale ? weight("gamma") : weight("beta")).shape;
      const ones = new Float32Array(width[0]!).fill(1);
      return g.op(
        "LayerNormalization",
        [
          x,
          c.scale ? w("gamma") : g.constFloat("ones", ones, width),
          c.center
            ? w("beta")
            : g.constFloat(
                "zeros",
                ones.map(() => 0),
                width,
              ),
        ],
        { axis: -1, epsilon: { f: c.epsilon } },
      );
    }
    case "Flatten":
      return g.op("Flatten", [x], { axis: 1 });
    case "Reshape":
      return g.op("Reshape", [x, g.constInt("shape", [-1, ...(c.target_shape as number[])])]);
    case "Embedding":
      return g.op("Gather", [w("embeddings"), g.op("Cast", [x], { to: 7 })]);
    case "Concatenate":
      return g.op("Concat", inputs, { axis: c.axis ?? -1 });
    case "Add":
      return g.op("Sum", inputs);
    case "Multiply":
      return g.op("Mul", inputs);
    case "Average":
      return g.op("Mean", inputs);
    case "Maximum":
      return g.op("Max", inputs);
    case "Minimum":
      return g.op("Min", inputs);
    default: {
      const writer = Object.hasOwn(custom, l.class_name) ? custom[l.class_name] : undefined;
      if (!writer) throw new ExportError(`${at}: ${l.class_name} has no ONNX export`);
      return writer(g, x, weight);
    }
  }
}

/** The model's raw inputs: one per feature column, [N, 1] (float: numbers and booleans, NaN when missing; string: categories). */
const rawInputs = (prep: Preprocessing): ValueInfo[] =>
  prep.features.map((f) => ({ name: f.name, type: f.kind === "categorical" ? "string" : "float", shape: ["N", 1] }));

/**
 * The service's preprocessing as ops reading the raw inputs (by column name), then `body` on the
 * encoded model inputs: its output's name. Several models may be written into one graph this way
 * (an AutoML ensemble: each member with its own preprocessing over the same raw inputs).
 */
export function writeWithPreprocessing(g: Graph, prep: Preprocessing, body: (g: Graph, groups: string[], labels: string[]) => string): string {
  const encoded = new Map(prep.features.map((f) => [f.name, encodeFeature(g, f, f.name)]));
  // Each model input: its columns' encodings side by side (one column needs no Concat).
  const groups = prep.groups.map((grp) =>
    grp.columns.length === 1
      ? encoded.get(grp.columns[0]!)!
      : g.op(
          "Concat",
          grp.columns.map((c) => encoded.get(c)!),
          { axis: 1 },
        ),
  );
  return body(g, groups, prep.target.task === "classification" ? prep.target.labels : []);
}

/** The ONNX file of a graph whose `out` is the model's output: raw columns in (as `prep` reads them), probabilities or value out. */
export function onnxFile(g: Graph, prep: Preprocessing, out: string, meta: Record<string, string>): Buffer {
  const labels = prep.target.task === "classification" ? prep.target.labels : [];
  const classify = prep.target.task === "classification";
  const outputName = classify ? "probabilities" : "value";
  g.nodes.push({ op: "Identity", inputs: [out], outputs: [outputName] });
  return encodeModel({
    graphName: "treino",
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: rawInputs(prep),
    outputs: [{ name: outputName, type: "float", shape: ["N", classify ? labels.length : 1] }],
    opsets: [
      { domain: "", version: ONNX_OPSET },
      { domain: "ai.onnx.ml", version: 3 },
    ],
    producer: "treino",
    docString: "Inputs: one per feature column ([N, 1]; float, NaN when missing; categories as strings). Output: probabilities in labels order, or value.",
    metadata: { ...meta, labels: JSON.stringify(labels), preprocessing: JSON.stringify(prep) },
  });
}

/**
 * An ONNX model of the service's preprocessing followed by `body`: the raw columns in, the
 * encoded model inputs handed to `body`, whose result is the output (probabilities or value).
 */
export function onnxWithPreprocessing(
  prep: Preprocessing,
  meta: Record<string, string>,
  body: (g: Graph, groups: string[], labels: string[]) => string,
): Buffer {
  const g = new Graph();
  return onnxFile(g, prep, writeWithPreprocessing(g, prep, body), meta);
}

/** The ONNX model's bytes for a loaded TF.js network, its stored topology and its preprocessing. */
export function onnxModel(
  model: tfl.LayersModel,
  topology: Parameters<typeof writeNetwork>[2],
  prep: Preprocessing & { outputMode: OutputMode },
  meta: Record<string, string>,
  custom: Record<string, LayerWriter> = {},
): Buffer {
  const g = new Graph();
  return onnxFile(g, prep, writeNetwork(g, model, topology, prep, custom), meta);
}

/** A loaded TF.js network, its preprocessing first, written into `g`: its output's name. */
export function writeNetwork(
  g: Graph,
  model: tfl.LayersModel,
  topology: {
    class_name: string;
    config: { layers: StoredLayer[]; input_layers?: Array<[string, number, number]>; output_layers?: Array<[string, number, number]> };
  },
  prep: Preprocessing & { outputMode: OutputMode },
  /** Writers of a family's own layer classes, by class name. */
  custom: Record<string, LayerWriter> = {},
): string {
  const weights = new Map(model.weights.map((w) => [w.originalName ?? w.name, w]));
  const weightOf = (layer: string) => (suffix: string) => {
    const v = weights.get(`${layer}/${suffix}`);
    if (!v) throw new ExportError(`layer ${layer}: weight ${suffix} not found`);
    return { values: v.read().dataSync() as Float32Array, shape: v.shape as number[] };
  };
  return writeWithPreprocessing(g, prep, (g, groups) => {
    const stored = topology.config.layers;
    const out = new Map<string, string>();
    let last: string;
    if (topology.class_name === "Sequential") {
      last = groups[0]!;
      for (const l of stored) last = layerOps(g, l, [last], weightOf(l.config.name), custom);
    } else {
      topology.config.input_layers!.forEach(([name], i) => out.set(name, groups[i]!));
      for (const l of stored) {
        const name = (l.name ?? l.config.name) as string;
        if (l.class_name === "InputLayer") continue;
        out.set(
          name,
          layerOps(
            g,
            l,
            (l.inbound_nodes?.[0] ?? []).map((n) => out.get(n[0])!),
            weightOf(name),
            custom,
          ),
        );
      }
      last = out.get(topology.config.output_layers![0]![0])!;
    }
    // A sigmoid unit answers [1 - p, p], as /predict does.
    return prep.target.task === "classification" && prep.outputMode === "sigmoid"
      ? g.op("Concat", [g.op("Sub", [g.constFloat("one", [1], []), last]), last], { axis: 1 })
      : last;
  });
}
