import type { FieldError } from "../errors.js";
import type { ColumnProfile } from "../datasets/profile.js";
import type { ResolvedColumns } from "./columns.js";
import type { JobRequest } from "./spec/job-request.js";

/** Configured ceilings on what one job may ask for. */
export interface SpecLimits {
  maxEpochs: number;
  maxLayers: number;
  maxUnits: number;
  maxParams: number;
}

/** Width of the encoded input: one per numeric/boolean column, one per kept category. */
export function encodedWidth(resolved: ResolvedColumns, columns: ColumnProfile[]): number {
  const byName = new Map(columns.map((c) => [c.name, c]));
  return resolved.features.reduce((w, f) => w + (f.type === "categorical" ? Math.min(100, byName.get(f.name)?.distinct ?? 1) : 1), 0);
}

/** Parameters of the network as Keras counts them (dense (in+1)*units, normalization 2 or 4 per unit). */
export function estimateParams(req: JobRequest, inputs: number, outputs: number): number {
  let width = inputs;
  let params = 0;
  for (const layer of req.model.layers) {
    if (layer.type === "dense") {
      params += width * layer.units + (layer.useBias ? layer.units : 0);
      width = layer.units;
    } else if (layer.type === "batchNormalization") params += 4 * width;
    else if (layer.type === "layerNormalization") params += 2 * width;
  }
  return params + (width + 1) * outputs;
}

/** Every limit the request breaks, each with the path of the field concerned. */
export function checkLimits(req: JobRequest, limits: SpecLimits, inputs: number, outputs: number): FieldError[] {
  const errors: FieldError[] = [];
  if (req.training.epochs > limits.maxEpochs) {
    errors.push({ path: "training.epochs", message: `at most ${limits.maxEpochs} epochs (MAX_EPOCHS)` });
  }
  if (req.model.layers.length > limits.maxLayers) {
    errors.push({ path: "model.layers", message: `at most ${limits.maxLayers} layers (MAX_LAYERS)` });
  }
  req.model.layers.forEach((layer, i) => {
    if (layer.type === "dense" && layer.units > limits.maxUnits) {
      errors.push({ path: `model.layers[${i}].units`, message: `at most ${limits.maxUnits} units (MAX_UNITS)` });
    }
  });
  const params = estimateParams(req, inputs, outputs);
  if (errors.length === 0 && params > limits.maxParams) {
    errors.push({ path: "model", message: `${params} parameters, more than ${limits.maxParams} (MAX_PARAMS)` });
  }
  return errors;
}
