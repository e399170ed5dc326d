/**
 * Builds a model's export file (Keras 3 archive, ONNX) from its stored artifacts. Runs in a
 * worker thread (export-thread.ts), never on the API's event loop: a 1M-parameter model's first
 * .onnx took ~1 s of it. The thread uses tfjs's pure-JS CPU backend: an export only reads weights.
 */
import {
  configureFamilies,
  ExportError,
  onnxGraph,
  readStoredPreprocessing,
  runtime,
  servingOf,
  type ExportFormat,
  type StoredArtifacts,
  type StoredPreprocessing,
} from "../training/index.js";

export interface ExportTask {
  format: ExportFormat;
  /** The model's type (its family asks nothing else of the service). */
  type: string;
  artifacts: Omit<StoredArtifacts, "weightData">;
  /** The weights' bytes in their stored pieces (joined here, in the thread). */
  pieces: Uint8Array[];
  preprocessing: unknown;
  meta: { modelId: string; jobId: string; target: string };
  /** The service's configuration for the families (the thread has no config of its own). */
  config?: Readonly<Record<string, unknown>>;
  /** An AutoML ensemble's ONNX: its member models (each fold model with its share of the weight), in one graph. */
  members?: Array<{ type: string; artifacts: Omit<StoredArtifacts, "weightData">; pieces: Uint8Array[]; preprocessing: unknown; weight: number }>;
}

/** The file, or why the model has none in this format (an ExportError's message). */
export type ExportOutcome = { file: Uint8Array } | { refused: string };

export async function buildExportFile(task: ExportTask): Promise<ExportOutcome> {
  const weightData = Buffer.concat(task.pieces);
  if (task.config) configureFamilies(task.config);
  try {
    const { initBackend, quietCpuBackend } = await runtime();
    quietCpuBackend();
    await initBackend("cpu");
    if (task.members) return { file: await ensembleOnnx(task.members, readStoredPreprocessing(task.preprocessing), task.meta) };
    const file = await servingOf(task.type).export(task.format, { ...task.artifacts, weightData }, readStoredPreprocessing(task.preprocessing), task.meta);
    return { file };
  } catch (err) {
    if (err instanceof ExportError) return { refused: err.message };
    throw err;
  }
}

/**
 * One ONNX graph of every member model, each behind its own preprocessing over the same raw
 * inputs, their outputs weighted and summed: what /predict computes for an ensemble.
 */
async function ensembleOnnx(members: NonNullable<ExportTask["members"]>, prep: StoredPreprocessing, meta: Record<string, string>): Promise<Uint8Array> {
  const { Graph, onnxFile } = onnxGraph;
  const g = new Graph();
  const outs: string[] = [];
  for (const m of members) {
    const out = await servingOf(m.type).writeOnnx(g, { ...m.artifacts, weightData: Buffer.concat(m.pieces) }, readStoredPreprocessing(m.preprocessing));
    outs.push(g.op("Mul", [out, g.constFloat("weight", [m.weight], [])]));
  }
  return onnxFile(g, prep, outs.length === 1 ? outs[0]! : g.op("Sum", outs), meta);
}
