/**
 * Parameter counts from the spec alone, before any tensor exists: what job creation and the dry
 * run check MAX_PARAMS and every dimension against, so a hostile spec costs arithmetic, not
 * gigabytes. Counts match tfjs's `countParams()` (trainable and non-trainable weights), which
 * the unit tests check layer kind by layer kind.
 */
import type { FieldError } from "../../errors.js";
import { checkGraph, isMerge, outputShape } from "./graph.js";
import { elmOutput, planOutput } from "./output-plan.js";
import type { InputGroup } from "../data/preprocess.js";
import { candidateSizes, type ElmSpec } from "../families/elm/spec.js";
import type { FunctionalSpec } from "../families/functional/spec.js";
import type { LayerSpec, NodeLayerSpec } from "./layers.js";
import type { SequentialSpec } from "../families/sequential/spec.js";
import type { NetworkContext } from "./network-context.js";

/** Ceilings on single dimensions, from the configuration. */
export interface DimLimits {
  /** Widest layer output (units, embedding size, reshape axis). MAX_UNITS. */
  maxUnits: number;
  /** Widest input, and largest embedding vocabulary. MAX_INPUT_WIDTH. */
  maxInputWidth: number;
}

export interface SpecCount {
  params: number;
  errors: FieldError[];
}

const last = (shape: number[]) => shape.at(-1) ?? 1;

/** Weights of one layer of our own spec (Keras's formulas, as tfjs counts them). */
export function layerParams(layer: NodeLayerSpec, ins: number[][], vocabulary?: number): number {
  const width = last(ins[0] ?? [1]);
  switch (layer.type) {
    case "dense":
      return (width + (layer.useBias ? 1 : 0)) * layer.units;
    case "batchNormalization": // gamma, beta (when center/scale), moving mean and variance
      return width * (2 + (layer.center ? 1 : 0) + (layer.scale ? 1 : 0));
    case "layerNormalization": // gamma and beta
      return 2 * width;
    case "embedding":
      return (layer.inputDim ?? vocabulary ?? 1) * layer.outputDim;
    default:
      return 0;
  }
}

/** Dimensions of one layer over the limits, at `path`. */
function checkDims(layer: NodeLayerSpec, path: string, dims: DimLimits, errors: FieldError[]): void {
  const over = (field: string, value: number, max: number, name: string) => {
    if (value > max) errors.push({ path: `${path}.${field}`, message: `at most ${max} (${name})` });
  };
  if (layer.type === "dense") over("units", layer.units, dims.maxUnits, "MAX_UNITS");
  if (layer.type === "embedding") {
    over("outputDim", layer.outputDim, dims.maxUnits, "MAX_UNITS");
    if (layer.inputDim !== undefined) over("inputDim", layer.inputDim, dims.maxInputWidth, "MAX_INPUT_WIDTH");
  }
  if (layer.type === "reshape") layer.targetShape.forEach((d, i) => over(`targetShape[${i}]`, d, dims.maxUnits, "MAX_UNITS"));
}


/** The output head appended for the target, if any: (width + 1) x units. */
export function headParams(layers: LayerSpec[], width: number, ctx: NetworkContext): number {
  if (ctx.keepOutput) return 0;
  const plan = planOutput(layers, ctx.task, ctx.classes, ctx.loss);
  return plan.append ? (width + 1) * plan.units : 0;
}

export function countSequential(spec: SequentialSpec, groups: InputGroup[], ctx: NetworkContext, dims: DimLimits, errors: FieldError[]): number {
  let shape = [groups[0]?.width ?? 1];
  let params = 0;
  spec.layers.forEach((layer, i) => {
    checkDims(layer, `model.layers[${i}]`, dims, errors);
    params += layerParams(layer, [shape]);
    const next = outputShape(layer, [shape]);
    if (typeof next === "string") errors.push({ path: `model.layers[${i}]`, message: next });
    else shape = next;
  });
  return params + headParams(spec.layers, last(shape), ctx);
}

export function countFunctional(spec: FunctionalSpec, groups: InputGroup[], ctx: NetworkContext, dims: DimLimits, errors: FieldError[]): number {
  spec.nodes.forEach((n, i) => checkDims(n.layer, `model.nodes[${i}].layer`, dims, errors));
  if (errors.length) return 0;
  const byName = new Map(groups.map((g) => [g.name, g]));
  const graph = checkGraph(spec, new Map(groups.map((g) => [g.name, g.width])));
  if (graph.errors.length) {
    errors.push(...graph.errors);
    return 0;
  }
  let params = 0;
  for (const n of spec.nodes) {
    params += layerParams(n.layer, n.inputs.map((s) => graph.shapes.get(s)!), byName.get(n.inputs[0]!)?.vocabulary);
  }
  const out = spec.nodes.find((n) => n.name === spec.outputs[0]);
  const lastLayers = out && !isMerge(out.layer) ? [out.layer as LayerSpec] : [];
  return params + headParams(lastLayers, last(graph.shapes.get(spec.outputs[0]!) ?? [1]), ctx);
}

/** Random layers (kernel and bias, or RBF centres and widths: the same count) and the output. */
export function countElm(spec: ElmSpec, groups: InputGroup[], ctx: NetworkContext, dims: DimLimits, errors: FieldError[]): number {
  const hidden = [...spec.layers.map((l, i) => ({ units: l.units, path: `model.layers[${i}].units` })), { units: candidateSizes(spec).at(-1)!, path: "model.hiddenUnits" }];
  let width = groups[0]?.width ?? 1;
  let params = 0;
  for (const h of hidden) {
    if (h.units > dims.maxUnits) errors.push({ path: h.path, message: `at most ${dims.maxUnits} (MAX_UNITS)` });
    params += (width + 1) * h.units;
    width = h.units;
  }
  const outputs = elmOutput(ctx.task, ctx.classes).units;
  return params + (width + 1) * outputs;
}
