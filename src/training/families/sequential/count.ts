/** A sequential spec's parameters from its layers' shapes (spec/param-count.ts has the formulas). */
import type { FieldError } from "../../../errors.js";
import { checkDims, headParams, last, layerParams, type DimLimits } from "../../spec/param-count.js";
import type { InputGroup, NetworkContext } from "../../spec/network-context.js";
import { outputShape } from "../../spec/graph.js";
import type { SequentialSpec } from "./spec.js";

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
