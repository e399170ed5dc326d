/**
 * Builds a model's export file (Keras 3 archive, ONNX) from its stored artifacts. Runs in a
 * worker thread (export-thread.ts), never on the API's event loop: a 1M-parameter model's first
 * .onnx took ~1 s of it. The thread uses tfjs's pure-JS CPU backend: an export only reads weights.
 */
import { decodeBaseline, ExportError, onnxBaseline, runtime, type StoredArtifacts } from "../training/index.js";

export interface ExportTask {
  format: "keras" | "onnx";
  baseline: boolean;
  artifacts: Omit<StoredArtifacts, "weightData">;
  /** The weights' bytes in their stored pieces (joined here, in the thread). */
  pieces: Uint8Array[];
  preprocessing: unknown;
  meta: { modelId: string; jobId: string; target: string };
}

/** The file, or why the model has none in this format (an ExportError's message). */
export type ExportOutcome = { file: Uint8Array } | { refused: string };

export async function buildExportFile(task: ExportTask): Promise<ExportOutcome> {
  const weightData = Buffer.concat(task.pieces);
  try {
    if (task.baseline) return { file: onnxBaseline(decodeBaseline(weightData), task.preprocessing as never, task.meta) };
    const { initBackend, loadStored, kerasArchive, onnxModel, quietCpuBackend } = await runtime();
    quietCpuBackend();
    await initBackend("cpu");
    const net = await loadStored({ ...task.artifacts, weightData });
    try {
      return { file: task.format === "keras" ? await kerasArchive(net, task.artifacts.topology as never) : onnxModel(net, task.artifacts.topology as never, task.preprocessing as never, task.meta) };
    } finally {
      net.dispose();
    }
  } catch (err) {
    if (err instanceof ExportError) return { refused: err.message };
    throw err;
  }
}
