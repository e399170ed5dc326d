import { tfl } from "../engine/tf.js";
import type { OutputPlan } from "../spec/output-plan.js";

/** A built tfjs network, the output it ends in, and what building it found worth saying. */
export interface Network {
  model: tfl.LayersModel;
  plan: OutputPlan;
  warnings: string[];
}

export type { NetworkContext } from "../spec/network-context.js";

/** A Dense output head for the target, Keras's default initializers. */
export function outputHead(plan: OutputPlan, seed: number): tfl.layers.Layer {
  return tfl.layers.dense({ name: "output", units: plan.units, activation: plan.mode, kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
}
