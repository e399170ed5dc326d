import { buildNetwork, type NetworkContext } from "./network.js";
import { summarize, type ModelSummary } from "./export.js";
import type { InputGroup } from "./preprocess.js";
import type { ModelSpec } from "./spec/model-spec.js";
import { familyOf } from "./families/index.js";

export interface NetworkDescription {
  summary: ModelSummary;
  outputMode: string;
  warnings: string[];
}

/** Builds the network once (no training) for its Keras-style summary, then frees it. */
export async function describeNetwork(spec: ModelSpec, groups: InputGroup[], ctx: NetworkContext): Promise<NetworkDescription> {
  const own = familyOf(spec).describe?.(spec, groups, ctx);
  if (own) return own;
  const network = await buildNetwork(spec, groups, ctx);
  try {
    return { summary: summarize(network.model), outputMode: network.plan.mode, warnings: network.warnings };
  } finally {
    network.model.dispose();
  }
}
