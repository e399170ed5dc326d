/**
 * Shapes and parameter counts of a normalized Keras topology, computed from its JSON alone
 * (nested Sequential/Functional models included), with each layer's Keras formula. Layers that
 * need image or sequence input are refused here with the rank they need: datasets in this
 * service are tables, so every input reaches the model as (batch, features).
 */
import type { FieldError } from "../../../errors.js";
import type { KerasTopology } from "./json.js";
import type { KerasLayer, KerasLayerConfig } from "./format.js";
import type { LayerSpec } from "../../spec/layers.js";
import type { DimLimits } from "../../spec/param-count.js";
import type { SummaryRow } from "../../spec/shape-summary.js";
import { kerasLayerOrder } from "../../formats/graph-order.js";

type Layer = KerasLayer;
type Shape = number[]; // without the batch axis

export interface KerasCount {
  params: number;
  errors: FieldError[];
  /** Width of the model's output, when it could be inferred. */
  outputWidth?: number;
  /** The last layer as our spec would write it (a Dense), to decide on an output head. */
  lastAsSpec: LayerSpec[];
  /** The top-level layers' summary rows, in the built model's order. */
  rows: SummaryRow[];
}

/** Layers with no weights that keep their input's shape. */
const SHAPE_KEEPING = new Set([
  "Dropout",
  "Activation",
  "ReLU",
  "LeakyReLU",
  "ELU",
  "Softmax",
  "ThresholdedReLU",
  "GaussianNoise",
  "GaussianDropout",
  "AlphaDropout",
  "ActivityRegularization",
  "Masking",
  "Identity",
  "InputLayer",
]);
const MERGES = new Set(["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"]);
export const NESTED_MODELS = new Set(["Sequential", "Functional", "Model"]);

/** Image and sequence layers: the input rank (batch included) each family needs. */
const RANKED: Array<[RegExp, number, string]> = [
  [
    /^(Conv1D|Conv1DTranspose|SeparableConv1D|DepthwiseConv1D|MaxPooling1D|MaxPool1D|AveragePooling1D|AvgPool1D|GlobalMaxPooling1D|GlobalMaxPool1D|GlobalAveragePooling1D|GlobalAvgPool1D|UpSampling1D|ZeroPadding1D|Cropping1D|LSTM|GRU|SimpleRNN|RNN|Bidirectional|TimeDistributed|CuDNNLSTM|CuDNNGRU|SpatialDropout1D)$/,
    3,
    "(batch, steps, features)",
  ],
  [
    /^(Conv2D|Conv2DTranspose|SeparableConv2D|DepthwiseConv2D|MaxPooling2D|MaxPool2D|AveragePooling2D|AvgPool2D|GlobalMaxPooling2D|GlobalMaxPool2D|GlobalAveragePooling2D|GlobalAvgPool2D|UpSampling2D|ZeroPadding2D|Cropping2D|ConvLSTM2D|SpatialDropout2D)$/,
    4,
    "(batch, height, width, channels)",
  ],
  [
    /^(Conv3D|Conv3DTranspose|MaxPooling3D|MaxPool3D|AveragePooling3D|AvgPool3D|GlobalMaxPooling3D|GlobalAveragePooling3D|UpSampling3D|ZeroPadding3D|Cropping3D|SpatialDropout3D)$/,
    5,
    "(batch, depth, height, width, channels)",
  ],
];

const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
const cfg = (layer: Layer): KerasLayerConfig => layer.config ?? {};
const layerName = (layer: Layer, i: number) => String(layer.name ?? cfg(layer).name ?? `layer_${i}`);
const axisWidth = (shape: Shape, axis: unknown) => {
  const a = typeof axis === "number" ? axis : Array.isArray(axis) && typeof axis[0] === "number" ? axis[0] : -1;
  return shape.at(a > 0 ? a - 1 : a) ?? 1; // Keras axes count the batch axis
};

interface Ctx {
  dims: DimLimits;
  errors: FieldError[];
  params: number;
  /** Weights not trained: batch normalization's moving statistics, layers with trainable false. */
  frozen: number;
  /** The top-level layers' summary rows, with the layers feeding each (for tfjs's order). */
  rows: Array<SummaryRow & { inbound: string[] }>;
}

/** One layer: its output shape (or undefined after an error) and its weights added to ctx.params. */
function applyLayer(layer: Layer, ins: Shape[], path: string, name: string, ctx: Ctx): Shape | undefined {
  const className = String(layer.class_name);
  const c = cfg(layer);
  const input = ins[0] ?? [1];
  const fail = (message: string) => void ctx.errors.push({ path, message: `layer "${name}" (${className}): ${message}` });
  const dim = (field: string, value: unknown, max: number, limit: string): number | undefined => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) return fail(`${field} must be a positive integer`);
    if (n > max) return fail(`${field} ${n} is more than ${max} (${limit})`);
    return n;
  };
  const ranked = RANKED.find(([re]) => re.test(className));
  if (ranked) {
    return fail(
      `needs input of rank ${ranked[1]} ${ranked[2]}; datasets here are tables, so every input reaches the model as (batch, features), rank 2. Image and sequence layers cannot be trained on them`,
    );
  }
  if (SHAPE_KEEPING.has(className)) return input;
  if (NESTED_MODELS.has(className)) {
    const inner = countModel(layer, ins, path, ctx);
    return inner;
  }
  if (MERGES.has(className)) {
    if (ins.length < 2) return fail("a merge needs two or more inputs");
    if (className === "Concatenate") {
      const lead = input.slice(0, -1).join("x");
      if (ins.some((s) => s.slice(0, -1).join("x") !== lead)) return fail(`inputs ${ins.map((s) => `[${s}]`).join(", ")} differ in more than the last axis`);
      return [...input.slice(0, -1), ins.reduce((a, s) => a + (s.at(-1) ?? 1), 0)];
    }
    if (ins.some((s) => s.join("x") !== input.join("x"))) return fail(`needs inputs of one shape, got ${ins.map((s) => `[${s}]`).join(", ")}`);
    return input;
  }
  switch (className) {
    case "Dense": {
      const units = dim("units", c.units, ctx.dims.maxUnits, "MAX_UNITS");
      if (units === undefined) return undefined;
      ctx.params += ((input.at(-1) ?? 1) + (c.use_bias === false ? 0 : 1)) * units;
      return [...input.slice(0, -1), units];
    }
    case "Embedding": {
      const vocabulary = dim("input_dim", c.input_dim, ctx.dims.maxInputWidth, "MAX_INPUT_WIDTH");
      const out = dim("output_dim", c.output_dim, ctx.dims.maxUnits, "MAX_UNITS");
      if (vocabulary === undefined || out === undefined) return undefined;
      ctx.params += vocabulary * out;
      return [...input, out];
    }
    case "BatchNormalization": {
      const w = axisWidth(input, c.axis);
      ctx.params += w * (2 + (c.center === false ? 0 : 1) + (c.scale === false ? 0 : 1));
      ctx.frozen += 2 * w;
      return input;
    }
    case "LayerNormalization": {
      const w = axisWidth(input, c.axis);
      ctx.params += w * ((c.center === false ? 0 : 1) + (c.scale === false ? 0 : 1));
      return input;
    }
    case "PReLU":
      ctx.params += size(input);
      return input;
    case "Flatten":
      return [size(input)];
    case "Reshape": {
      const target = (Array.isArray(c.target_shape) ? c.target_shape : []).map(Number);
      if (!target.length || target.some((d) => !Number.isInteger(d) || d === 0 || d < -1 || d > ctx.dims.maxUnits))
        return fail(`target_shape must be positive integers up to ${ctx.dims.maxUnits} (MAX_UNITS), one of them -1 at most`);
      const known = size(target.filter((d) => d !== -1));
      const resolved = target.map((d) => (d === -1 ? size(input) / known : d));
      if (size(resolved) !== size(input) || !resolved.every(Number.isInteger))
        return fail(`target_shape [${target}] needs ${known} values per -1, its input [${input}] has ${size(input)}`);
      return resolved;
    }
    default:
      ctx.errors.push({
        path,
        message: `layer "${name}" is a ${className}, which is not supported here (tables in, dense networks: README lists the Keras layers)`,
      });
      return undefined;
  }
}

/** Declared per-sample input shape of an InputLayer (or a first layer's batch_input_shape). */
function declaredShape(layer: Layer): Shape | undefined {
  const c = cfg(layer);
  const shape = (c.batch_input_shape ?? c.batch_shape) as Array<number | null> | undefined;
  return Array.isArray(shape) ? shape.slice(1).map((d) => Number(d ?? 1)) : undefined;
}

/** Refs `[[name, node, tensor, kwargs], ...]` of one inbound node. */
function refsOf(node: unknown): Array<[string, number, number]> {
  if (!Array.isArray(node)) return [];
  return node.filter(Array.isArray).map((r) => [String(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0)]);
}

/**
 * A (possibly nested) model: `ins` are the shapes fed to its inputs (for the top level, taken
 * from the dataset's widths; for a nested one, from the tensors it is called on).
 */
function countModel(model: Layer, ins: Shape[], path: string, ctx: Ctx, top = false): Shape | undefined {
  const config = cfg(model);
  /** Applies one layer, keeping its summary row at the top level (a nested model is one row). */
  const apply = (layer: Layer, xs: Shape[], at: string, name: string, inbound: string[]): Shape | undefined => {
    const [params, frozen] = [ctx.params, ctx.frozen];
    const out = applyLayer(layer, xs, at, name, ctx);
    if (cfg(layer).trainable === false) ctx.frozen = frozen + (ctx.params - params);
    if (top && out)
      ctx.rows.push({ name, type: String(layer.class_name), outputShape: [null, ...out], params: ctx.params - params, frozen: ctx.frozen - frozen, inbound });
    return out;
  };
  const layers = Array.isArray(config.layers) ? config.layers : [];
  const className = String(model.class_name);
  if (className === "Sequential") {
    let shape: Shape | undefined = ins[0] ?? (layers[0] ? declaredShape(layers[0]) : undefined) ?? [1];
    for (const [i, layer] of layers.entries()) {
      if (!shape) return undefined;
      if (layer.class_name === "InputLayer") {
        // tfjs's Sequential lists an InputLayer the JSON writes (Keras 2.2+), as a layer of its own.
        if (top) ctx.rows.push({ name: layerName(layer, i), type: "InputLayer", outputShape: [null, ...shape], params: 0, inbound: [] });
        continue;
      }
      shape = apply(layer, [shape], `${path}.config.layers[${i}]`, layerName(layer, i), []);
    }
    return shape;
  }
  // Functional: each layer node's outputs, by layer name and node index; a layer's weights once.
  const inputNames = ((config.input_layers ?? []) as unknown[]).map((r) => (Array.isArray(r) ? String(r[0]) : String(r)));
  const outputs = new Map<string, Shape[]>();
  inputNames.forEach((n, k) => {
    const layer = layers.find((l, i) => layerName(l, i) === n);
    const shape = ins[k] ?? (layer && declaredShape(layer)) ?? [1];
    outputs.set(n, [shape]);
    if (top) ctx.rows.push({ name: n, type: "InputLayer", outputShape: [null, ...shape], params: 0, inbound: [] });
  });
  const pending = layers.map((l, i) => ({ l, i })).filter(({ l, i }) => !outputs.has(layerName(l, i)));
  // Keras writes layers in topological order; a few passes tolerate a file that does not.
  for (let pass = 0; pending.length && pass <= layers.length; pass++) {
    for (let k = 0; k < pending.length; k++) {
      const { l, i } = pending[k]!;
      const nodes = (Array.isArray(l.inbound_nodes) ? l.inbound_nodes : []) as unknown[];
      const nodeIns = nodes.map((node) => refsOf(node).map(([src, n]) => outputs.get(src)?.[n]));
      if (nodeIns.some((xs) => xs.some((x) => x === undefined))) continue;
      pending.splice(k--, 1);
      const before = ctx.params;
      const inbound = nodes.flatMap((node) => refsOf(node).map(([src]) => src));
      const at = `${path}.config.layers[${i}]`;
      // A shared layer (called more than once) is one row, shown with its first call's shape.
      const shapes = nodeIns.map((xs, j) =>
        j === 0 ? apply(l, xs as Shape[], at, layerName(l, i), inbound) : applyLayer(l, xs as Shape[], at, layerName(l, i), ctx),
      );
      if (shapes.length > 1) ctx.params = before + (ctx.params - before) / shapes.length; // a shared layer's weights count once
      if (shapes.some((s) => s === undefined)) return undefined;
      // A nested model's calls are numbered from 1 (its own internal node is 0), as tfjs reads them.
      outputs.set(layerName(l, i), NESTED_MODELS.has(String(l.class_name)) ? [shapes[0]!, ...(shapes as Shape[])] : (shapes as Shape[]));
    }
  }
  if (pending.length) {
    ctx.errors.push({
      path: `${path}.config.layers[${pending[0]!.i}]`,
      message: `layer "${layerName(pending[0]!.l, pending[0]!.i)}" reads a layer that does not exist or sits on a cycle`,
    });
    return undefined;
  }
  const out = ((config.output_layers ?? []) as unknown[])[0];
  const ref = Array.isArray(out) ? out : [];
  return outputs.get(String(ref[0]))?.[Number(ref[1] ?? 0)];
}

/** The last layer that produces the output, as a spec for deciding on an output head. */
function lastLayer(t: KerasTopology): LayerSpec[] {
  const config = t.json.config;
  const layers = config.layers;
  let last: Layer | undefined = layers.at(-1);
  if (t.className !== "Sequential") {
    const out = ((config.output_layers ?? []) as unknown[])[0];
    const name = Array.isArray(out) ? String(out[0]) : undefined;
    last = layers.find((l, i) => layerName(l, i) === name);
  }
  if (!last || last.class_name !== "Dense") return [];
  const c = cfg(last);
  return [
    {
      type: "dense",
      units: Number(c.units),
      activation: c.activation === "softmax" ? "softmax" : c.activation === "sigmoid" ? "sigmoid" : "linear",
    } as LayerSpec,
  ];
}

/** Counts a normalized topology's parameters with its inputs set to the dataset's widths. */
export function countKerasParams(t: KerasTopology, widths: Map<string, number>, dims: DimLimits): KerasCount {
  const ctx: Ctx = { dims, errors: [], params: 0, frozen: 0, rows: [] };
  const ins = t.inputNames.map((n) => {
    const w = widths.get(n);
    return w === undefined ? undefined : [w];
  });
  const out = countModel(t.json, ins.every((x) => x) ? (ins as Shape[]) : [], "model.modelTopology", ctx, true);
  return { params: Math.round(ctx.params), errors: ctx.errors, outputWidth: out?.at(-1), lastAsSpec: lastLayer(t), rows: summaryRows(t, ctx.rows) };
}

/**
 * The top-level layers in tfjs's order: a Sequential's as written, a functional model's as
 * Keras's map_graph orders them (tfjs's Container does the same walk).
 */
function summaryRows(t: KerasTopology, rows: Ctx["rows"]): SummaryRow[] {
  const strip = ({ inbound: _, ...r }: Ctx["rows"][number]): SummaryRow => r;
  if (t.className === "Sequential") return rows.map(strip);
  const out = ((t.json.config.output_layers ?? []) as unknown[]).map((r) => String(Array.isArray(r) ? r[0] : r));
  const byName = new Map(rows.map((r) => [r.name, r]));
  if (!out.every((n) => byName.has(n))) return rows.map(strip);
  return kerasLayerOrder(
    rows.map((r) => ({ name: r.name, inbound: r.inbound.filter((n) => byName.has(n)) })),
    out,
  ).map((n) => strip(byName.get(n)!));
}
