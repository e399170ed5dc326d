import type { Task } from "../../spec/network-context.js";

/** `modelTopology.format` of a stored classic model (its bytes are the JSON below, not TF.js weights). */
export const BASELINE_FORMAT = "treino-baseline";

/**
 * A trained classic model as downloaded (`GET /v1/models/:id/baseline.json`): the inputs are the
 * encoded features in `preprocessing.inputs` order; classification outputs class probabilities in
 * `labels` order; regression outputs value * targetScale.std + targetScale.mean. `model` is the
 * family's own (svm: libsvm's model text, trees: flat node arrays, ...), as JSON.
 */
export interface ClassicArtifact<M = unknown> {
  format: typeof BASELINE_FORMAT;
  version: 1;
  /** The model's family (its spec's `type`). */
  family: string;
  model: M;
  task: Task;
  inputs: number;
  targetScale?: { mean: number; std: number };
}

export const isClassicTopology = (topology: object): boolean => (topology as { format?: unknown }).format === BASELINE_FORMAT;

/** Typed arrays as plain number arrays (kNN's rows as base64 float32: they are most of its size). */
export function encodeClassic(a: ClassicArtifact): Buffer {
  return Buffer.from(
    JSON.stringify(a, (key, value) => {
      if (key === "x" && value instanceof Float32Array) return { float32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
      return ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value;
    }),
  );
}

/** The stored artifact; its `model` is left for the family's `predict` and `onnx` to read. */
export function decodeClassic(bytes: Buffer): ClassicArtifact {
  const a: unknown = JSON.parse(bytes.toString("utf8"), (key, value) => {
    if (key === "x" && value && typeof value.float32 === "string") {
      const raw = Buffer.from(value.float32, "base64");
      return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    }
    return value;
  });
  if (!a || typeof a !== "object" || !("format" in a) || a.format !== BASELINE_FORMAT || !("model" in a) || !("inputs" in a)) {
    throw new Error("not a stored classic model");
  }
  return a as ClassicArtifact;
}
