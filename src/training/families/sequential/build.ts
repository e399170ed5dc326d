import { buildSequential } from "../../engine/tfjs-builders.js";
import { planOutput } from "../../spec/output-plan.js";
import { asWritten } from "../../spec/shape-summary.js";
import type { InputGroup, NetworkContext } from "../../spec/network-context.js";
import type { Network } from "../../train/network.js";
import type { SequentialSpec } from "./spec.js";

export function buildSequentialNetwork(spec: SequentialSpec, groups: InputGroup[], ctx: NetworkContext): Network {
  const last = spec.layers.at(-1);
  const plan = ctx.keepOutput
    ? asWritten(last?.type === "dense" ? last.units : undefined, last?.type === "dense" ? last.activation : undefined)
    : planOutput(spec.layers, ctx.task, ctx.classes, ctx.loss);
  return { model: buildSequential(spec, groups[0]!.width, plan, ctx.seed), plan, warnings: [] };
}
