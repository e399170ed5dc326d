/** The `model` field of a job: the union of the registered families' schemas (families/index.ts). */
export { ModelSpecSchema, type ModelSpec } from "../families/index.js";
