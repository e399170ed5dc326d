import type { FieldError } from "../errors.js";
import type { ColumnProfile } from "../tables/profile.js";
import type { ResolvedColumns } from "./columns.js";
import { columnSettings, type InputGroup } from "./preprocess.js";
import type { JobRequest } from "./spec/job-request.js";
import { familyOf } from "./families/index.js";

/** Configured ceilings on what one job may ask for. */
export interface SpecLimits {
  maxEpochs: number;
  maxLayers: number;
  maxUnits: number;
  maxParams: number;
  maxInputWidth: number;
}

/**
 * The input groups a job will have, their widths estimated from the profile (a categorical
 * column: its distinct values up to maxCategories, plus the unknown bucket), before any row is read.
 */
export function estimateInputGroups(resolved: ResolvedColumns, columns: ColumnProfile[], req: Pick<JobRequest, "preprocessing">): InputGroup[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const kinds = new Map(resolved.features.map((f) => [f.name, f]));
  let start = 0;
  return resolved.groups.map((g) => {
    let vocabulary: number | undefined;
    const width = g.columns.reduce((w, name) => {
      const f = kinds.get(name)!;
      if (f.type !== "categorical") return w + 1;
      const s = columnSettings(name, "categorical", req.preprocessing);
      const kept = Math.min(byName.get(name)?.distinct ?? 1, s.maxCategories);
      if (f.asIndex) {
        vocabulary = kept + 1;
        return w + 1;
      }
      return w + kept + (s.unknownBucket ? 1 : 0);
    }, 0);
    const group: InputGroup = { ...g, start, width, ...(vocabulary ? { vocabulary } : {}) };
    start += width;
    return group;
  });
}

/** Each layer of the spec with the path users wrote it at, and its units if it has any. */
function layersOf(req: JobRequest): Array<{ path: string; units?: number }> {
  return familyOf(req.model).layers(req.model);
}

/** Every limit the request breaks, each with the path of the field concerned. `params` is the built network's count. */
export function checkLimits(req: JobRequest, limits: SpecLimits, params?: number): FieldError[] {
  const errors: FieldError[] = [];
  if (req.training.epochs > limits.maxEpochs) {
    errors.push({ path: "training.epochs", message: `at most ${limits.maxEpochs} epochs (MAX_EPOCHS)` });
  }
  const layers = layersOf(req);
  if (layers.length > limits.maxLayers) {
    errors.push({ path: familyOf(req.model).layersPath, message: `at most ${limits.maxLayers} layers (MAX_LAYERS)` });
  }
  for (const l of layers) {
    if (l.units !== undefined && l.units > limits.maxUnits) errors.push({ path: l.path.endsWith("hiddenUnits") ? l.path : `${l.path}.units`, message: `at most ${limits.maxUnits} units (MAX_UNITS)` });
  }
  if (errors.length === 0 && params !== undefined && params > limits.maxParams) {
    errors.push({ path: "model", message: `${params} parameters, more than ${limits.maxParams} (MAX_PARAMS)` });
  }
  return errors;
}
