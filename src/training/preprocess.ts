import { AppError } from "../errors.js";
import { isMissing, parseNumber, TRUE_VALUES, type ColumnType } from "../datasets/profile.js";

/**
 * How raw column values become the model's input vector. Fitted on the training rows only
 * (no leakage from validation/test), stored with the model, applied again by /predict and
 * exported in model.json's userDefinedMetadata so any TF.js client can do the same.
 */
export type FeatureEncoding =
  | { name: string; kind: "numeric"; mean: number; std: number; fill: number }
  | { name: string; kind: "categorical"; categories: string[]; fill: string }
  | { name: string; kind: "boolean"; fill: 0 | 1 };

export type TargetEncoding =
  | { name: string; task: "classification"; labels: string[] }
  | { name: string; task: "regression" };

export interface Preprocessing {
  version: 1;
  features: FeatureEncoding[];
  /** Names of the encoded input columns, in the model's input order (e.g. `sex=female`). */
  inputs: string[];
  target: TargetEncoding;
}

/** Categories kept per column (most frequent first); rarer ones encode as all zeros. */
const MAX_CATEGORIES = 100;

/** Reads one raw value of a row by column name. */
export type ValueGetter = (column: string) => unknown;

/** Fits each feature's encoding on the given rows: mean/std and mean imputation for numbers, vocabulary and mode imputation for categories. */
export function fitFeatures(
  columns: Array<{ name: string; type: ColumnType }>,
  rows: ValueGetter[],
): FeatureEncoding[] {
  return columns.map(({ name, type }) => {
    const raw = rows.map((get) => get(name) as string);
    if (type === "numeric") {
      const xs = raw.filter((v) => !isMissing(v)).map((v) => parseNumber(v)!);
      const mean = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
      const variance = xs.length ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length : 0;
      // A constant column would divide by zero; std 1 leaves it centred at 0.
      return { name, kind: "numeric", mean, std: Math.sqrt(variance) || 1, fill: mean };
    }
    const counts = new Map<string, number>();
    for (const v of raw) if (!isMissing(v)) counts.set(v.trim(), (counts.get(v.trim()) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (type === "boolean") {
      let ones = 0;
      let total = 0;
      for (const [v, c] of ranked) {
        total += c;
        if (TRUE_VALUES.has(v.toLowerCase())) ones += c;
      }
      return { name, kind: "boolean", fill: ones * 2 >= total && total > 0 ? 1 : 0 };
    }
    const categories = ranked.slice(0, MAX_CATEGORIES).map(([v]) => v).sort();
    return { name, kind: "categorical", categories, fill: ranked[0]?.[0] ?? "" };
  });
}

/** Names of the encoded inputs, in order. */
export function inputNames(features: FeatureEncoding[]): string[] {
  return features.flatMap((f) => (f.kind === "categorical" ? f.categories.map((c) => `${f.name}=${c}`) : [f.name]));
}

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const s = typeof value === "string" ? value : String(value);
  return isMissing(s) ? undefined : s.trim();
}

/**
 * Encodes one row into `out` at `offset`. Missing values take the fitted fill; an unseen
 * category encodes as all zeros. Throws AppError(path = column) for a value of the wrong kind.
 */
export function encodeRow(features: FeatureEncoding[], get: ValueGetter, out: Float32Array, offset: number): void {
  let k = offset;
  for (const f of features) {
    const value = get(f.name);
    if (f.kind === "numeric") {
      const s = typeof value === "number" ? String(value) : text(value);
      let x = f.fill;
      if (s !== undefined) {
        const parsed = parseNumber(s);
        if (parsed === undefined) throw new AppError("validation_failed", `"${f.name}" must be a number`, [{ path: f.name, message: `expected a number, got ${JSON.stringify(value)}` }]);
        x = parsed;
      }
      out[k++] = (x - f.mean) / f.std;
    } else if (f.kind === "boolean") {
      const s = typeof value === "boolean" ? String(value) : text(value);
      out[k++] = s === undefined ? f.fill : TRUE_VALUES.has(s.toLowerCase()) ? 1 : 0;
    } else {
      const s = text(value) ?? f.fill;
      for (const c of f.categories) out[k++] = c === s ? 1 : 0;
    }
  }
}

/** Encodes many rows into one row-major matrix of width `inputs.length`. */
export function encodeRows(prep: Pick<Preprocessing, "features" | "inputs">, rows: ValueGetter[]): Float32Array {
  const width = prep.inputs.length;
  const out = new Float32Array(rows.length * width);
  rows.forEach((get, i) => encodeRow(prep.features, get, out, i * width));
  return out;
}

/** Sorts label names numerically when they are all numbers ("2" before "10"), else as text. */
export function sortLabels(labels: string[]): string[] {
  const numeric = labels.every((l) => parseNumber(l) !== undefined);
  return [...labels].sort((a, b) => (numeric ? parseNumber(a)! - parseNumber(b)! : a < b ? -1 : a > b ? 1 : 0));
}
