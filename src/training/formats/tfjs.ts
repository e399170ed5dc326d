import { tf, tfl } from "../engine/tf.js";
import type { StoredArtifacts } from "./model-json.js";

export type { StoredArtifacts } from "./model-json.js";

export type { ModelSummary } from "../spec/summary.js";
import type { ModelSummary } from "../spec/summary.js";

export async function toArtifacts(model: tfl.LayersModel): Promise<StoredArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData) throw new Error("tfjs saved no artifacts");
  const data = saved.weightData;
  const bytes = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return { topology: saved.modelTopology as object, weightSpecs: saved.weightSpecs, weightData: Buffer.from(bytes) };
}

/** A stored network as a tfjs model. Custom layer classes must be registered first (job/runtime.ts does). */
export async function loadStored(a: StoredArtifacts): Promise<tfl.LayersModel> {
  const buf = a.weightData;
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: a.topology, weightSpecs: a.weightSpecs, weightData }));
}

/** Like Keras's model.summary(): each layer's output shape and parameter count. */
/**
 * A layer's output shape; a layer called more than once (a nested model has its own node and
 * its call) has no single one in tfjs, so the last call's is shown, as Keras's summary does.
 */
function outputShapeOf(l: tfl.layers.Layer): unknown {
  try {
    return l.outputShape;
  } catch {
    // tfjs keeps a layer's calls in `inboundNodes`, which its typings leave out.
    const nodes: unknown = Reflect.get(l, "inboundNodes");
    return Array.isArray(nodes) ? ((nodes.at(-1) as { outputShapes?: unknown } | undefined)?.outputShapes ?? null) : null;
  }
}

export function summarize(model: tfl.LayersModel): ModelSummary {
  const layers = model.layers.map((l) => ({
    name: l.name,
    type: l.getClassName(),
    outputShape: outputShapeOf(l),
    params: l.countParams(),
  }));
  const trainableParams = model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  return { layers, totalParams: layers.reduce((s, l) => s + l.params, 0), trainableParams };
}

/**
 * A regressor trains on the standardized target z = (y - mean) / std. Its linear output layer
 * is rescaled afterwards (W' = W std, b' = b std + mean) so the exported model predicts y itself.
 */
export function foldTargetScale(model: tfl.LayersModel, scale: { mean: number; std: number }): void {
  const last = model.layers[model.layers.length - 1]!;
  const [kernel, bias] = last.getWeights();
  if (!kernel || !bias) throw new Error("the regression output layer needs a kernel and a bias");
  const scaled = tf.tidy(() => [tf.mul(kernel, scale.std), tf.add(tf.mul(bias, scale.std), scale.mean)]);
  last.setWeights(scaled);
  tf.dispose(scaled);
}
