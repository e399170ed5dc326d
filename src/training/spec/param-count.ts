/**
 * Parameter counts from the spec alone, before any tensor exists: what job creation and the dry
 * run check MAX_PARAMS and every dimension against, so a hostile spec costs arithmetic, not
 * gigabytes. Counts match tfjs's `countParams()` (trainable and non-trainable weights), which
 * families/param-count.test.ts checks layer kind by layer kind. Each family counts its own
 * spec with these (families/<name>/count.ts).
 */
import type { FieldError } from "../../errors.js";
import { planOutput } from "./output-plan.js";
import type { LayerSpec, NodeLayerSpec } from "./layers.js";
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

export const last = (shape: number[]) => shape.at(-1) ?? 1;

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
export function checkDims(layer: NodeLayerSpec, path: string, dims: DimLimits, errors: FieldError[]): void {
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
