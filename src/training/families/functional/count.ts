/** A functional graph's parameters from its nodes' inferred shapes (spec/param-count.ts). */
import type { FieldError } from "../../../errors.js";
import { checkDims, headParams, last, layerParams, type DimLimits } from "../../spec/param-count.js";
import type { InputGroup, NetworkContext } from "../../spec/network-context.js";
import { checkGraph, isMerge } from "../../spec/graph.js";
import type { LayerSpec } from "../../spec/layers.js";
import type { FunctionalSpec } from "./spec.js";

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
    params += layerParams(
      n.layer,
      n.inputs.map((s) => graph.shapes.get(s)!),
      byName.get(n.inputs[0]!)?.vocabulary,
    );
  }
  const out = spec.nodes.find((n) => n.name === spec.outputs[0]);
  const lastLayers = out && !isMerge(out.layer) ? [out.layer as LayerSpec] : [];
  return params + headParams(lastLayers, last(graph.shapes.get(spec.outputs[0]!) ?? [1]), ctx);
}
