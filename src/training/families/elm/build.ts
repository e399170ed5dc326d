import type { OutputPlan } from "../../spec/output-plan.js";
import { elmOutput } from "../../spec/output-plan.js";
import type { NetworkContext } from "../../spec/network-context.js";
import type { Network } from "../../train/network.js";
import { elmModel } from "./hidden.js";
import type { RandomLayer } from "./random-layers.js";
import { candidateSizes, type ElmSpec } from "./spec.js";

/** An ELM's shape for its summary: the random layers (zero weights: they are drawn at fit time) and the output. */
export function describeElm(spec: ElmSpec, inputs: number, ctx: NetworkContext): Network {
  const plan: OutputPlan = { ...elmOutput(ctx.task, ctx.classes), append: false };
  let width = inputs;
  const layers = [
    ...spec.layers.map((l) => ({ units: l.units, activation: l.activation ?? spec.activation })),
    { units: candidateSizes(spec).at(-1)!, activation: spec.activation },
  ].map((l): RandomLayer => {
    const layer = { activation: l.activation, inputs: width, units: l.units, weights: new Float32Array(width * l.units), bias: new Float32Array(l.units) };
    width = l.units;
    return layer;
  });
  return { model: elmModel(layers, plan.units, plan.mode).model, plan, warnings: [] };
}
