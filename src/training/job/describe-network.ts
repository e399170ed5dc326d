import type { InputGroup } from "../data/encoding.js";
import type { ModelSpec } from "../families/index.js";
import type { NetworkContext } from "../spec/network-context.js";
import { familyOf } from "../families/index.js";
import type { NetworkDescription } from "../spec/shape-summary.js";

export type { NetworkDescription } from "../spec/shape-summary.js";

/**
 * A network's Keras-style summary from its spec's shapes (each family describes its own kind):
 * nothing is built, so no tensor is allocated and no initializer runs where this is called (the
 * API, per request and per experiment candidate).
 */
export async function describeNetwork(spec: ModelSpec, groups: InputGroup[], ctx: NetworkContext): Promise<NetworkDescription> {
  return familyOf(spec).describe(spec, groups, ctx);
}
