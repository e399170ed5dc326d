import { AppError } from "../errors.js";
import { isMissing, parseNumber } from "../datasets/profile.js";
import type { Table } from "../datasets/read-table.js";
import type { ResolvedColumns, Task } from "./columns.js";
import { encodeRows, fitFeatures, inputNames, sortLabels, type Preprocessing, type ValueGetter } from "./preprocess.js";
import { splitRows } from "./split.js";
import type { SplitSpec } from "./spec/training-options.js";
import { columnSettings } from "./preprocess.js";
import type { PreprocessingSpec } from "./spec/preprocessing.js";

/** One part of the data, encoded: x is row-major [n, inputs]. */
export interface Part {
  n: number;
  x: Float32Array;
  /** Class index per row (classification) or the raw target value (regression). */
  truth: Float64Array;
}

export interface PreparedData {
  task: Task;
  preprocessing: Preprocessing;
  inputs: number;
  train: Part;
  validation: Part;
  test: Part;
  warnings: string[];
  /** Regression trains on a standardized target; the model's last layer is rescaled after. */
  targetScale?: { mean: number; std: number };
}

/** Turns a table into encoded train/validation/test parts, fitting preprocessing on train only. */
export function prepareData(table: Table, target: string, resolved: ResolvedColumns, split: SplitSpec, spec: PreprocessingSpec): PreparedData {
  const col = new Map(table.header.map((h, i) => [h, i]));
  const t = col.get(target)!;
  const getter = (row: string[]): ValueGetter => (name) => row[col.get(name)!];
  // Columns set to `missing: drop` take their rows with a missing value out of every part.
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

  const parts = splitRows(rows.length, {
    test: split.test,
    validation: split.validation,
    seed: split.seed,
    strata: resolved.task === "classification" && split.stratify ? truth : undefined,
  });
  const features = fitFeatures(resolved.features, parts.train.map((i) => getter(rows[i]!)), spec);
  const preprocessing: Preprocessing = {
    version: 2,
    features,
    inputs: inputNames(features),
    target: resolved.task === "classification" ? { name: target, task: "classification", labels } : { name: target, task: "regression" },
  };

  let targetScale: PreparedData["targetScale"];
  if (resolved.task === "regression") {
    const ys = parts.train.map((i) => truth[i]!);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const std = Math.sqrt(ys.reduce((a, y) => a + (y - mean) ** 2, 0) / ys.length) || 1;
    targetScale = { mean, std };
  }
  const build = (idx: number[]): Part => {
    return {
      n: idx.length,
      x: encodeRows(preprocessing, idx.map((i) => getter(rows[i]!))),
      truth: Float64Array.from(idx, (i) => truth[i]!),
    };
  };
  return {
    task: resolved.task,
    preprocessing,
    inputs: preprocessing.inputs.length,
    train: build(parts.train),
    validation: build(parts.validation),
    test: build(parts.test),
    targetScale,
    warnings,
  };
}
