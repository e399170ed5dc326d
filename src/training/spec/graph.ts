import type { FieldError } from "../../errors.js";
import type { NodeLayerSpec } from "./layers.js";

/** The name of a single-input model's input (a sequential stack, a classic model, an ELM). */
export const SINGLE_INPUT = "input";
const MERGES = new Set(["concatenate", "add", "multiply", "average", "maximum", "minimum"]);

export function isMerge(layer: NodeLayerSpec): boolean {
  return MERGES.has(layer.type);
}

/** A layer graph as a functional spec writes it (the functional family's spec is one). */
export interface GraphSpec {
  inputs: Array<{ name: string; encoding?: "onehot" | "index"; width?: number }>;
  nodes: Array<{ name: string; layer: NodeLayerSpec; inputs: string[] }>;
  outputs: string[];
}

/**
 * Checks a functional spec's graph and infers every node's output shape (without the batch
 * axis) from the input widths: unknown names, duplicates, cycles, dangling nodes, arity and
 * shape mismatches, each reported at the node. Returns the shapes when there are no errors.
 */
export function checkGraph(spec: GraphSpec, widths?: Map<string, number>): { errors: FieldError[]; shapes: Map<string, number[]> } {
  const errors: FieldError[] = [];
  const seen = new Map<string, string>();
  const all = [
    ...spec.inputs.map((x, i) => ({ name: x.name, path: `model.inputs[${i}].name` })),
    ...spec.nodes.map((n, i) => ({ name: n.name, path: `model.nodes[${i}].name` })),
  ];
  for (const { name, path } of all) {
    if (seen.has(name)) errors.push({ path, message: `"${name}" is already the name of ${seen.get(name)}` });
    else seen.set(name, path.replace(/\.name$/, ""));
  }
  const byName = new Map(spec.nodes.map((n, i) => [n.name, { node: n, i }]));
  const inputNames = new Set(spec.inputs.map((x) => x.name));
  spec.nodes.forEach((n, i) => {
    n.inputs.forEach((src, j) => {
      if (!byName.has(src) && !inputNames.has(src)) errors.push({ path: `model.nodes[${i}].inputs[${j}]`, message: `no input or node is named "${src}"` });
    });
    if (isMerge(n.layer) && n.inputs.length < 2) errors.push({ path: `model.nodes[${i}].inputs`, message: `${n.layer.type} merges two or more inputs` });
    if (!isMerge(n.layer) && n.inputs.length !== 1)
      errors.push({ path: `model.nodes[${i}].inputs`, message: `${n.layer.type} takes exactly one input; merge them first (concatenate, add, ...)` });
  });
  spec.outputs.forEach((o, k) => {
    if (!byName.has(o) && !inputNames.has(o)) errors.push({ path: `model.outputs[${k}]`, message: `no node is named "${o}"` });
  });
  if (spec.outputs.length > 1) errors.push({ path: "model.outputs", message: "one output per target: this service trains one target per job" });
  if (errors.length) return { errors, shapes: new Map() };

  // Topological order (Kahn); nodes left over sit on a cycle.
  const order: string[] = [];
  const pending = new Map(spec.nodes.map((n) => [n.name, n.inputs.filter((s) => byName.has(s)).length]));
  const ready = spec.nodes.filter((n) => pending.get(n.name) === 0).map((n) => n.name);
  while (ready.length) {
    const name = ready.shift()!;
    order.push(name);
    for (const n of spec.nodes) {
      if (!n.inputs.includes(name)) continue;
      const left = pending.get(n.name)! - n.inputs.filter((s) => s === name).length;
      pending.set(n.name, left);
      if (left === 0) ready.push(n.name);
    }
  }
  for (const n of spec.nodes) {
    if (!order.includes(n.name)) errors.push({ path: `model.nodes[${byName.get(n.name)!.i}].inputs`, message: `"${n.name}" is on a cycle` });
  }
  // Every input and node must lead to the output.
  const used = new Set<string>();
  const visit = (name: string) => {
    if (used.has(name)) return;
    used.add(name);
    byName.get(name)?.node.inputs.forEach(visit);
  };
  spec.outputs.forEach(visit);
  spec.nodes.forEach((n, i) => !used.has(n.name) && errors.push({ path: `model.nodes[${i}]`, message: `"${n.name}" does not lead to the output (dangling)` }));
  spec.inputs.forEach(
    (x, i) => !used.has(x.name) && errors.push({ path: `model.inputs[${i}]`, message: `input "${x.name}" is not used on the way to the output` }),
  );
  if (errors.length || !widths) return { errors, shapes: new Map() };

  const shapes = new Map<string, number[]>(spec.inputs.map((x) => [x.name, [widths.get(x.name) ?? x.width ?? 1]]));
  for (const name of order) {
    const { node, i } = byName.get(name)!;
    const ins = node.inputs.map((s) => shapes.get(s)!);
    const result = outputShape(node.layer, ins);
    if (typeof result === "string") {
      errors.push({ path: `model.nodes[${i}]`, message: result });
      return { errors, shapes };
    }
    shapes.set(name, result);
  }
  return { errors, shapes };
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A layer's output shape (batch axis left out), or why it cannot take its inputs. */
export function outputShape(layer: NodeLayerSpec, ins: number[][]): number[] | string {
  const [first] = ins;
  switch (layer.type) {
    case "dense":
      return [...first!.slice(0, -1), layer.units];
    case "concatenate": {
      const lead = first!.slice(0, -1).join("x");
      if (ins.some((s) => s.slice(0, -1).join("x") !== lead))
        return `concatenate needs inputs that differ only in the last axis, got ${ins.map((s) => `[${s}]`).join(", ")}`;
      return [...first!.slice(0, -1), ins.reduce((a, s) => a + s.at(-1)!, 0)];
    }
    case "add":
    case "multiply":
    case "average":
    case "maximum":
    case "minimum": {
      if (ins.some((s) => s.join("x") !== first!.join("x"))) return `${layer.type} needs inputs of one shape, got ${ins.map((s) => `[${s}]`).join(", ")}`;
      return first!;
    }
    case "flatten":
      return [size(first!)];
    case "reshape":
      return size(layer.targetShape) === size(first!)
        ? layer.targetShape
        : `reshape to [${layer.targetShape}] needs ${size(layer.targetShape)} values, its input has ${size(first!)}`;
    case "embedding":
      return [...first!, layer.outputDim];
    default:
      return first!;
  }
}
