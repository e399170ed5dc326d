/**
 * The order Keras 3 gives a functional model's layers (keras/src/ops/function.py, map_graph and
 * _build_map): a depth-first walk from each output assigns each layer its first-visit index; a
 * layer's depth is its distance from the outputs (the largest); layers are sorted by depth, deepest
 * first, ties by that index. A `.keras` file names its weight groups in this order, so an exporter
 * must list its layers the same way for Keras to find their weights.
 */
export interface GraphLayer {
  name: string;
  /** Names of the layers feeding it, in call order (none for an input). */
  inbound: string[];
}

export function kerasLayerOrder(layers: GraphLayer[], outputs: string[]): string[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const index = new Map<string, number>();
  const finished = new Set<string>();
  const postOrder: string[] = [];
  const visit = (name: string) => {
    if (finished.has(name)) return;
    if (!index.has(name)) index.set(name, index.size);
    for (const parent of byName.get(name)!.inbound) visit(parent);
    finished.add(name);
    postOrder.push(name);
  };
  for (const out of outputs) visit(out);
  const depth = new Map<string, number>();
  for (const name of [...postOrder].reverse()) {
    const d = depth.get(name) ?? 0;
    depth.set(name, d);
    for (const parent of byName.get(name)!.inbound) depth.set(parent, Math.max(d + 1, depth.get(parent) ?? 0));
  }
  return [...postOrder].sort((a, b) => depth.get(b)! - depth.get(a)! || index.get(a)! - index.get(b)!);
}

/** Keras's naming.to_snake_case: "BatchNormalization" -> "batch_normalization", "InputLayer" -> "input_layer". */
export function snakeCase(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}
