import { classicFamily } from "../../train/classic/family.js";
import { fitNeighbours, NeighboursSchema, predictNeighbours } from "./neighbours.js";
import { knnAutoMl } from "./automl.js";
import { knnSpace } from "./space.js";
import { KnnSpecSchema } from "./spec.js";

/** k nearest neighbours: keeps the training rows (MAX_KERNEL_ROWS); baseline.json only (no ONNX yet). */
export const knn = classicFamily(
  "knn",
  KnnSpecSchema,
  { keepsRows: true, spaces: { knn: knnSpace }, automl: knnAutoMl },
  {
    className: "KNeighbors",
    fit: (spec, data) => ({ kind: "classic", model: fitNeighbours(data, spec.k, spec.weights), facts: { params: data.n * data.d } }),
    stored: NeighboursSchema,
    predict: (model, x, n) => predictNeighbours(model, x, n),
  },
);
