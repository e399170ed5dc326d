import { AppError } from "../errors.js";
import { isMissing, parseNumber } from "../datasets/profile.js";
import type { Table } from "../datasets/read-table.js";
import type { ResolvedColumns, Task } from "./columns.js";
import { columnSettings, encodeRows, fitFeatures, inputNames, layoutGroups, sortLabels, type Preprocessing, type ValueGetter } from "./preprocess.js";
import type { SplitIndices } from "./split.js";
import type { PreprocessingSpec } from "./spec/preprocessing.js";

/** One part of the data, encoded: x is row-major [n, inputs]. */
export interface Part {
  n: number;
  x: Float32Array;
  /** Class index per row (classification) or the raw target value (regression). */
  truth: Float64Array;
  /** Per-row weights from `training.sampleWeight`, when given. */
  weight?: Float32Array;
}

/** The rows a job can learn from, with their targets, before any split. */
export interface Selected {
  task: Task;
  target: string;
  rows: ValueGetter[];
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

/** Keeps the rows with a usable target (and, for `missing: drop` columns, a value there). */
export function selectRows(table: Table, target: string, resolved: ResolvedColumns, spec: PreprocessingSpec, weightColumn?: string): Selected {
  const col = new Map(table.header.map((h, i) => [h, i]));
  const t = col.get(target)!;
  const dropIf = resolved.features.filter((f) => columnSettings(f.name, f.type, spec).missing === "drop").map((f) => col.get(f.name)!);
  const warnings: string[] = [];
  const usable = table.rows.filter((r) => !isMissing(r[t]) && (resolved.task === "classification" || parseNumber(r[t]!) !== undefined));
  const rows = dropIf.length ? usable.filter((r) => dropIf.every((c) => !isMissing(r[c]))) : usable;
  if (rows.length < usable.length) warnings.push(`${usable.length - rows.length} rows with a missing value in a "missing: drop" column were left out`);
  if (rows.length < 10) throw new AppError("validation_failed", `only ${rows.length} rows have a target value; at least 10 are needed`, [{ path: "target", message: "too few rows with a value" }]);
  let truth: Float64Array;
  let labels: string[] = [];
  if (resolved.task === "classification") {
    labels = sortLabels([...new Set(rows.map((r) => r[t]!.trim()))]);
    const index = new Map(labels.map((l, i) => [l, i]));
    truth = Float64Array.from(rows, (r) => index.get(r[t]!.trim())!);
  } else {
    truth = Float64Array.from(rows, (r) => parseNumber(r[t]!)!);
  }
  const getters = rows.map((row): ValueGetter => (name) => row[col.get(name)!]);
  const w = weightColumn === undefined ? undefined : col.get(weightColumn)!;
  // A missing weight counts as 1, as for a row Keras gets no sample_weight for.
  const weight = w === undefined ? undefined : Float32Array.from(rows, (r) => (isMissing(r[w]) ? 1 : parseNumber(r[w]!)!));
  return { task: resolved.task, target, rows: getters, truth, labels, weight, warnings };
}

/** Fits the preprocessing on the `train` rows only and encodes every part with it. */
export function encodeParts(sel: Selected, resolved: ResolvedColumns, spec: PreprocessingSpec, parts: SplitIndices, scaleTarget = true): PreparedData {
  const features = fitFeatures(resolved.features, parts.train.map((i) => sel.rows[i]!), spec);
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
  const build = (idx: number[]): Part => ({
    n: idx.length,
    x: encodeRows(preprocessing, idx.map((i) => sel.rows[i]!)),
    truth: Float64Array.from(idx, (i) => sel.truth[i]!),
    ...(sel.weight ? { weight: Float32Array.from(idx, (i) => sel.weight![i]!) } : {}),
  });
  return {
    task: sel.task,
    preprocessing,
    inputs: preprocessing.inputs.length,
    train: build(parts.train),
    validation: build(parts.validation),
    test: build(parts.test),
    targetScale,
  };
}
