import type { FieldError } from "../../errors.js";
import { familyOf } from "../families/index.js";
import type { NetworkContext } from "../spec/network-context.js";
import type { DimLimits, SpecCount } from "../spec/param-count.js";
import type { InputGroup } from "../data/preprocess.js";
import type { ModelSpec } from "../families/index.js";

function checkInputs(groups: InputGroup[], dims: DimLimits, errors: FieldError[]): void {
  for (const g of groups) {
    if (g.width > dims.maxInputWidth) {
      errors.push({
        path: g.columns.length ? "features" : "inputWidth",
        message: `input "${g.name}" is ${g.width} wide once encoded, more than ${dims.maxInputWidth} (MAX_INPUT_WIDTH): use fewer columns or cap categories`,
      });
    }
  }
}

/**
 * Counts a spec's parameters over the given input groups and checks every dimension against
 * the limits, with no tfjs involved (each family counts its own kind: families/).
 */
export function countSpecParams(spec: ModelSpec, groups: InputGroup[], ctx: NetworkContext, dims: DimLimits): SpecCount {
  const errors: FieldError[] = [];
  checkInputs(groups, dims, errors);
  const params = familyOf(spec).countParams(spec, groups, ctx, dims, errors);
  return { params, errors };
}
