/** What loads TensorFlow.js; reached through `runtime()` in index.ts. */
export { initBackend, type BackendPreference } from "../engine/backend.js";
export { trainJob } from "./train-job.js";
export { predictMatrix, argmax } from "../evaluate/predict.js";
export { kerasArchive, ExportError } from "../formats/keras3.js";
export { onnxModel } from "../formats/onnx.js";
export { setFastPath } from "../engine/native.js";
import { nativeAddon } from "../engine/native.js";
import { tf } from "../engine/tf.js";

/** Tensors tfjs holds right now (after a job: zero, or a constant the backend keeps). */
export const liveTensors = (): number => tf.memory().numTensors;

/** Whether the native addon is built and in use (FAST_PATH not off). */
export const nativeAvailable = (): boolean => nativeAddon() !== null;

/** Silences tfjs's advice to install tfjs-node, for a thread that builds exports on the pure-JS CPU backend by design. */
export const quietCpuBackend = (): void => void tf.env().set("PROD", true);
