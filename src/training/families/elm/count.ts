import type { FieldError } from "../../../errors.js";
import type { DimLimits } from "../../spec/param-count.js";
import type { InputGroup, NetworkContext } from "../../spec/network-context.js";
import { elmOutput } from "../../spec/output-plan.js";
import { candidateSizes, type ElmSpec } from "./spec.js";

/** Random layers (kernel and bias, or RBF centres and widths: the same count) and the output. */
export function countElm(spec: ElmSpec, groups: InputGroup[], ctx: NetworkContext, dims: DimLimits, errors: FieldError[]): number {
  const hidden = [
    ...spec.layers.map((l, i) => ({ units: l.units, path: `model.layers[${i}].units` })),
    { units: candidateSizes(spec).at(-1)!, path: "model.hiddenUnits" },
  ];
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
