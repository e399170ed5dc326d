import { SpecError } from "../spec/training-error.js";
import { isMissing, parseNumber } from "../../tables/profile.js";
import type { Table } from "../../tables/read-table.js";
import type { ResolvedColumns, Task } from "./columns.js";
import { columnSettings, encodeRows, fitFeatures, inputNames, layoutGroups, sortLabels, type Preprocessing, type Rows } from "./encoding.js";
import type { SplitIndices } from "./split.js";
import type { PreprocessingSpec } from "../spec/preprocessing.js";

/** One part of the data, encoded: x is row-major [n, inputs]. */
export interface Part {
  n: number;
  x: Float32Array;
  /** Class index per row (classification) or the raw target value (regression). */
  truth: Float64Array;
  /** Per-row weights from `training.sampleWeight`, when given. */
  weight?: Float32Array;
  /** The part's rows in the table (an AutoML trial's held-out rows line up across trials by them, and its winner is explained on them). */
  rows?: ArrayLike<number>;
}

/** Training rows a job's training metrics are computed on, at most: enough for a score's second decimal, cheap beside the fit. */
export const TRAIN_SCORE_ROWS = 2_000;

/**
 * At most `max` rows of a part, evenly spaced (the same rows every run): what the training score
 * is estimated on, so that a kNN or an SVM does not predict its whole training set again.
 */
export function sampleOf(p: Part, max = TRAIN_SCORE_ROWS): Part {
  if (p.n <= max) return { n: p.n, x: p.x, truth: p.truth, ...(p.weight ? { weight: p.weight } : {}) };
  const width = p.x.length / p.n;
  const x = new Float32Array(max * width);
  const truth = new Float64Array(max);
  for (let i = 0; i < max; i++) {
    const r = Math.floor((i * p.n) / max);
    x.set(p.x.subarray(r * width, (r + 1) * width), i * width);
    truth[i] = p.truth[r]!;
  }
  return { n: max, x, truth };
}

/** The rows a job can learn from, with their targets, before any split. */
export interface Selected {
  task: Task;
  target: string;
  /** `numbersAt(name, idx)`: a numeric column at these selected rows, in one gather from the table. */
  rows: Rows & { numbersAt?(name: string, idx: number[]): Float64Array | undefined; tableRows?(idx: number[]): Int32Array };
  /** Class index per row (classification) or the target value (regression). */
  truth: Float64Array;
  labels: string[];
  weight?: Float32Array;
  warnings: string[];
}

export interface PreparedData {
  task: Task;
  preprocessing: Preprocessing;
  inputs: number;
  train: Part;
  validation: Part;
  test: Part;
  /** Regression trains on a standardized target; the model's last layer is rescaled after. */
  targetScale?: { mean: number; std: number };
}

/** The values at `idx`, in order (a typed column seen through a row selection). */
function gather(values: Float64Array | undefined, idx: Int32Array): Float64Array | undefined {
  if (!values) return undefined;
  const out = new Float64Array(idx.length); // a loop: Float64Array.from with a map function is several times slower
  for (let k = 0; k < idx.length; k++) out[k] = values[idx[k]!]!;
  return out;
}

/** Keeps the rows with a usable target (and, for `missing: drop` columns, a value there). */
export function selectRows(table: Table, target: string, resolved: ResolvedColumns, spec: PreprocessingSpec, weightColumn?: string): Selected {
  const column = (name: string) => {
    const c = table.column(name);
    if (!c) throw new Error(`column "${name}" was not read`);
    return c;
  };
  const t = column(target);
  const dropIf = resolved.features.filter((f) => columnSettings(f.name, f.type, spec).missing === "drop").map((f) => column(f.name));
  const warnings: string[] = [];
  const kept: number[] = [];
  let usable = 0;
  for (let i = 0; i < table.rowCount; i++) {
    const y = t.get(i);
    if (isMissing(y) || (resolved.task === "regression" && parseNumber(y) === undefined)) continue;
    usable++;
    if (dropIf.every((c) => !isMissing(c.get(i)))) kept.push(i);
  }
  if (kept.length < usable) warnings.push(`${usable - kept.length} rows with a missing value in a "missing: drop" column were left out`);
  if (kept.length < 10)
    throw new SpecError(`only ${kept.length} rows have a target value; at least 10 are needed`, [{ path: "target", message: "too few rows with a value" }]);
  let truth: Float64Array;
  let labels: string[] = [];
  if (resolved.task === "classification") {
    labels = sortLabels([...new Set(kept.map((i) => t.get(i).trim()))]);
    const index = new Map(labels.map((l, i) => [l, i]));
    truth = Float64Array.from(kept, (i) => index.get(t.get(i).trim())!);
  } else {
    truth = Float64Array.from(kept, (i) => parseNumber(t.get(i))!);
  }
  const columns = new Map(resolved.features.map((f) => [f.name, column(f.name)]));
  const keptRows = Int32Array.from(kept); // one index type: gather stays monomorphic
  // A part's rows in the table, composed once per part (not per column and row).
  const composed = new WeakMap<number[], Int32Array>();
  const tableRowsOf = (idx: number[]) => {
    let rows = composed.get(idx);
    if (!rows) composed.set(idx, (rows = Int32Array.from(idx, (k) => kept[k]!)));
    return rows;
  };
  const rows: Selected["rows"] = {
    length: kept.length,
    column: (name) => {
      const c = columns.get(name);
      return (k) => c?.value(kept[k]!);
    },
    numbers: (name) => gather(columns.get(name)?.numbers?.(), keptRows),
    numbersAt: (name, idx) => gather(columns.get(name)?.numbers?.(), tableRowsOf(idx)),
    tableRows: tableRowsOf,
  };
  const w = weightColumn === undefined ? undefined : column(weightColumn);
  // A missing weight counts as 1, as for a row Keras gets no sample_weight for.
  const weight = w === undefined ? undefined : Float32Array.from(kept, (i) => (isMissing(w.get(i)) ? 1 : parseNumber(w.get(i))!));
  return { task: resolved.task, target, rows, truth, labels, weight, warnings };
}

/** Fits the preprocessing on the `train` rows only and encodes every part with it. */
export function encodeParts(sel: Selected, resolved: ResolvedColumns, spec: PreprocessingSpec, parts: SplitIndices, scaleTarget = true): PreparedData {
  const subset = (idx: number[]): Rows => {
    // A numeric column gathered once per part: fitting and encoding the training rows both read it.
    const gathered = new Map<string, Float64Array | undefined>();
    return {
      length: idx.length,
      column: (name) => {
        const get = sel.rows.column(name);
        return (k) => get(idx[k]!);
      },
      numbers: (name) => {
        if (!gathered.has(name)) gathered.set(name, sel.rows.numbersAt?.(name, idx));
        return gathered.get(name);
      },
    };
  };
  const train = subset(parts.train);
  const features = fitFeatures(resolved.features, train, spec);
  const preprocessing: Preprocessing = {
    version: 2,
    features,
    inputs: inputNames(features),
    groups: layoutGroups(features, resolved.groups),
    target: sel.task === "classification" ? { name: sel.target, task: "classification", labels: sel.labels } : { name: sel.target, task: "regression" },
  };
  let targetScale: PreparedData["targetScale"];
  if (sel.task === "regression" && scaleTarget) {
    const ys = parts.train.map((i) => sel.truth[i]!);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const std = Math.sqrt(ys.reduce((a, y) => a + (y - mean) ** 2, 0) / ys.length) || 1;
    targetScale = { mean, std };
  }
  const build = (idx: number[], rows = subset(idx)): Part => ({
    n: idx.length,
    x: encodeRows(preprocessing, rows),
    truth: Float64Array.from(idx, (i) => sel.truth[i]!),
    ...(sel.rows.tableRows ? { rows: sel.rows.tableRows(idx) } : {}),
    ...(sel.weight ? { weight: Float32Array.from(idx, (i) => sel.weight![i]!) } : {}),
  });
  return {
    task: sel.task,
    preprocessing,
    inputs: preprocessing.inputs.length,
    train: build(parts.train, train),
    validation: build(parts.validation),
    test: build(parts.test),
    targetScale,
  };
}
