/** What loads TensorFlow.js; reached through `runtime()` in index.ts. */
export { initBackend, type BackendPreference } from "./backend.js";
export { describeNetwork } from "./describe.js";
export { trainJob } from "./train-job.js";
export { predictMatrix, argmax } from "./predict.js";
export { loadStored } from "./export.js";
export { setFastPath } from "./native.js";
