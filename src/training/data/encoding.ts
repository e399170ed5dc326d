import type { InputGroup } from "../spec/network-context.js";
export type { InputGroup };
import type { FieldError } from "../../errors.js";
import { SpecError } from "../spec/training-error.js";
import { isMissing, parseNumber, TRUE_VALUES, type ColumnType } from "../../tables/profile.js";
import { DEFAULT_PREPROCESSING, type FeatureSelectionResult, type PreprocessingSpec } from "../spec/preprocessing.js";

/**
 * How raw column values become the model's input vector. Fitted on the training rows only
 * (no leakage from validation/test), stored with the model, applied again by /predict and
 * exported in model.json's userDefinedMetadata so any TF.js client can do the same.
 * A `fill` of null means the column was trained with `missing: drop`: a value is required.
 */
export type FeatureEncoding =
  | { name: string; kind: "numeric"; scaling: string; missing: string; offset: number; divisor: number; fill: number | null }
  | { name: string; kind: "categorical"; missing: string; categories: string[]; unknown: boolean; fill: string | null; asIndex?: boolean }
  | { name: string; kind: "boolean"; missing: string; fill: 0 | 1 | null };

export type TargetEncoding = { name: string; task: "classification"; labels: string[] } | { name: string; task: "regression" };

/**
 * One model input: a contiguous range of the encoded columns. A single-input model has one
 * group; `index` groups hold one categorical column as its category number (for an embedding).
 */
export interface Preprocessing {
  version: 2;
  features: FeatureEncoding[];
  /** Names of the encoded input columns, in the model's input order (e.g. `sex=female`). */
  inputs: string[];
  /** How the encoded columns split into the model's inputs (x = [x[start..start+width) per group]). */
  groups: InputGroup[];
  target: TargetEncoding;
  /** The columns kept and dropped by preprocessing.featureSelection, with their scores. */
  featureSelection?: FeatureSelectionResult;
}

/** Input name of a categorical column's out-of-vocabulary bucket (Keras StringLookup's token). */
export const UNKNOWN = "[UNK]";

/** Reads one raw value of a row by column name. */
export type ValueGetter = (column: string) => unknown;

/** Rows to read, one value at a time (a columnar table needs no object or closure per row). */
export interface Rows {
  readonly length: number;
  /** One column's values by row index: looked up once per column, then called per row. */
  column(name: string): (index: number) => unknown;
  /**
   * A column stored as numbers, as one array in row order (NaN when missing); undefined when it
   * is not (text, or codes). Encoding reads it in a tight loop instead of a call per value.
   */
  numbers?(name: string): Float64Array | undefined;
}

/** Rows over plain objects (tests, small in-memory samples). */
export function rowsOf(records: Array<Record<string, unknown>>): Rows {
  return { length: records.length, column: (name) => (i) => records[i]![name] };
}

export type FeatureKind = Exclude<ColumnType, "text">;

/** One column's effective settings: its own, else the global ones for its kind. */
export interface ColumnSettings {
  scaling: "standardize" | "minmax" | "none";
  missing: "mean" | "median" | "mode" | "constant" | "drop";
  constant?: number | string;
  maxCategories: number;
  unknownBucket: boolean;
}

export function columnSettings(name: string, kind: FeatureKind, spec: PreprocessingSpec = DEFAULT_PREPROCESSING): ColumnSettings {
  const own = (Object.hasOwn(spec.columns, name) ? spec.columns[name] : undefined) ?? {};
  const global = kind === "numeric" ? spec.numeric : spec.categorical;
  return {
    scaling: own.scaling ?? spec.numeric.scaling,
    missing: own.missing ?? (kind === "boolean" ? "mode" : global.missing),
    constant: own.constant ?? global.constant,
    maxCategories: own.maxCategories ?? spec.categorical.maxCategories,
    unknownBucket: spec.categorical.unknownBucket,
  };
}

/** Problems with a column's settings for its kind (e.g. a median of categories). */
export function checkSettings(name: string, kind: FeatureKind, s: ColumnSettings): FieldError[] {
  const path = `preprocessing.columns.${name}`;
  const errors: FieldError[] = [];
  if (kind !== "numeric" && (s.missing === "mean" || s.missing === "median")) {
    errors.push({ path: `${path}.missing`, message: `"${name}" is ${kind}: use mode, constant or drop` });
  }
  if (s.missing === "constant") {
    if (s.constant === undefined) errors.push({ path: `${path}.constant`, message: `missing "constant" needs a constant for "${name}"` });
    else if (kind === "numeric" && typeof s.constant !== "number")
      errors.push({ path: `${path}.constant`, message: `"${name}" is numeric: the constant must be a number` });
  }
  return errors;
}

function median(xs: number[]): number {
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The most frequent number (the smallest on a tie), 0 for none. */
function modeOf(xs: number[]): number {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = 0;
  let most = 0;
  for (const [x, c] of counts) if (c > most || (c === most && x < best)) [best, most] = [x, c];
  return best;
}

/** Values by count, most frequent first (ties by value, so the result is stable). */
function ranked(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** Fits each feature's encoding on the given (training) rows. */
export function fitFeatures(
  columns: Array<{ name: string; type: FeatureKind; asIndex?: boolean }>,
  rows: Rows,
  spec: PreprocessingSpec = DEFAULT_PREPROCESSING,
): FeatureEncoding[] {
  return columns.map(({ name, type, asIndex }) => {
    const s = columnSettings(name, type, spec);
    // Values come as text, or as numbers from a numeric column of a columnar table (as one typed
    // array when it has one: no call per value).
    const present: string[] = [];
    let numbers = type === "numeric" ? rows.numbers?.(name) : undefined;
    if (!numbers) {
      const values: number[] = [];
      const get = rows.column(name);
      for (let i = 0; i < rows.length; i++) {
        const v = get(i);
        if (typeof v === "number") {
          if (type === "numeric") values.push(v);
          else present.push(String(v));
        } else if (!isMissing(v as string | undefined)) present.push((v as string).trim());
      }
      if (type === "numeric") for (const v of present) values.push(parseNumber(v)!);
      numbers = Float64Array.from(values);
    }
    if (type === "numeric") {
      const { count, mean, std, min, max } = numericStats(numbers);
      /** The present values, for a median or a mode (built only then). */
      const xs = () => Array.from(numbers).filter((x) => x === x);
      // A constant column would divide by zero; divisor 1 leaves it at 0.
      const [offset, divisor] = s.scaling === "standardize" ? [mean, std || 1] : s.scaling === "minmax" ? [min, max - min || 1] : [0, 1];
      // Only the fill in use is computed: a median sorts the column, a mode counts it.
      const fills: Record<ColumnSettings["missing"], () => number | null> = {
        mean: () => mean,
        median: () => (count ? median(xs()) : 0),
        mode: () => modeOf(xs()),
        constant: () => Number(s.constant ?? 0),
        drop: () => null,
      };
      return { name, kind: "numeric", scaling: s.scaling, missing: s.missing, offset, divisor, fill: fills[s.missing]() };
    }
    const counts = ranked(present);
    if (type === "boolean") {
      const truthy = (v: string) => TRUE_VALUES.has(v.toLowerCase());
      const ones = present.filter(truthy).length;
      const fill =
        s.missing === "drop"
          ? null
          : s.missing === "constant"
            ? truthy(String(s.constant))
              ? 1
              : 0
            : ones * 2 >= present.length && present.length > 0
              ? 1
              : 0;
      return { name, kind: "boolean", missing: s.missing, fill };
    }
    const categories = counts
      .slice(0, s.maxCategories)
      .map(([v]) => v)
      .sort();
    const fill = s.missing === "drop" ? null : s.missing === "constant" ? String(s.constant) : (counts[0]?.[0] ?? "");
    return { name, kind: "categorical", missing: s.missing, categories, unknown: s.unknownBucket, fill, ...(asIndex ? { asIndex } : {}) };
  });
}

/**
 * Count, mean, population std, min and max of the values that are not NaN, in index order: the
 * same sums a reduce over the present values would make, without a call or an array per value.
 * (And not Math.min(...xs): spreading 100k+ values overflows the call stack.)
 */
function numericStats(xs: Float64Array): { count: number; mean: number; std: number; min: number; max: number } {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x !== x) continue;
    count++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = count ? sum / count : 0;
  let squares = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] === xs[i]) squares += (xs[i]! - mean) ** 2;
  return { count, mean, std: Math.sqrt(count ? squares / count : 0), min: count ? min : 0, max: count ? max : 0 };
}

/** Names of the encoded inputs, in order. */
export function inputNames(features: FeatureEncoding[]): string[] {
  return features.flatMap((f) => featureInputs(f));
}

/** The original column of each encoded input, in the order the groups lay them out (x's columns). */
export function inputColumns(prep: Pick<Preprocessing, "features" | "groups">): string[] {
  const byName = new Map(prep.features.map((f) => [f.name, f]));
  return prep.groups.flatMap((g) => g.columns.flatMap((c) => featureInputs(byName.get(c)!).map(() => c)));
}

function featureInputs(f: FeatureEncoding): string[] {
  if (f.kind !== "categorical" || f.asIndex) return [f.name];
  return [...f.categories.map((c) => `${f.name}=${c}`), ...(f.unknown ? [`${f.name}=${UNKNOWN}`] : [])];
}

/** Lays the groups' columns out in order: each group's range of encoded inputs. */
export function layoutGroups(features: FeatureEncoding[], groups: Array<{ name: string; columns: string[]; encoding: "onehot" | "index" }>): InputGroup[] {
  const byName = new Map(features.map((f) => [f.name, f]));
  let start = 0;
  return groups.map((g) => {
    const width = g.columns.reduce((w, c) => w + featureInputs(byName.get(c)!).length, 0);
    const f = byName.get(g.columns[0]!);
    const vocabulary = g.encoding === "index" && f?.kind === "categorical" ? f.categories.length + 1 : undefined;
    const group: InputGroup = { ...g, start, width, ...(vocabulary ? { vocabulary } : {}) };
    start += width;
    return group;
  });
}

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const s = typeof value === "string" ? value : String(value);
  return isMissing(s) ? undefined : s.trim();
}

function required(name: string): SpecError {
  return new SpecError(`"${name}" is required: the model was trained with missing: drop for it`, [
    { path: name, message: "required (trained with missing: drop)" },
  ]);
}

/**
 * Encodes one row into `out` at `offset`. Missing values take the fitted fill; an unseen
 * category goes to the unknown bucket (or all zeros without one). Throws SpecError(path =
 * column) for a value of the wrong kind, or a missing one where none may be.
 */
export function encodeRow(features: FeatureEncoding[], get: ValueGetter, out: Float32Array, offset: number): void {
  let k = offset;
  for (const f of features) k = encodeValue(f, get(f.name), out, k);
}

/** One feature's value into `out` at `k`; returns the position after it. */
function encodeValue(f: FeatureEncoding, value: unknown, out: Float32Array, k: number): number {
  if (f.kind === "numeric") {
    // The value as float32 first (what an ONNX input holds), then scaled in float64 and rounded:
    // the exported ONNX graph computes the same bits (formats/onnx.ts).
    if (typeof value === "number" && Number.isFinite(value)) {
      out[k] = (Math.fround(value) - f.offset) / f.divisor;
      return k + 1;
    }
    const s = typeof value === "number" ? undefined : text(value);
    let x: number;
    if (s === undefined) {
      if (f.fill === null) throw required(f.name);
      x = f.fill;
    } else {
      const parsed = parseNumber(s);
      if (parsed === undefined)
        throw new SpecError(`"${f.name}" must be a number`, [{ path: f.name, message: `expected a number, got ${JSON.stringify(value)}` }]);
      x = parsed;
    }
    out[k] = (Math.fround(x) - f.offset) / f.divisor;
    return k + 1;
  }
  if (f.kind === "boolean") {
    const s = typeof value === "boolean" ? String(value) : text(value);
    if (s === undefined && f.fill === null) throw required(f.name);
    out[k] = s === undefined ? f.fill! : TRUE_VALUES.has(s.toLowerCase()) ? 1 : 0;
    return k + 1;
  }
  const s = text(value) ?? f.fill;
  if (s === null) throw required(f.name);
  if (f.asIndex) {
    const at = f.categories.indexOf(s);
    out[k] = at === -1 ? f.categories.length : at; // the last number is "unknown"
    return k + 1;
  }
  let hit = false;
  for (const c of f.categories) {
    const on = c === s;
    hit ||= on;
    out[k++] = on ? 1 : 0;
  }
  if (f.unknown) out[k++] = hit ? 0 : 1;
  return k;
}

/** Encodes rows column by column (each column looked up once) into one row-major matrix. */
export function encodeRows(prep: Pick<Preprocessing, "features" | "inputs">, rows: Rows): Float32Array {
  const width = prep.inputs.length;
  const out = new Float32Array(rows.length * width);
  let start = 0;
  for (const f of prep.features) {
    const numbers = f.kind === "numeric" ? rows.numbers?.(f.name) : undefined;
    if (numbers && f.kind === "numeric") {
      // encodeValue's numeric rule on a typed column: float32 first, scaled in float64; missing takes the fill.
      for (let i = 0; i < rows.length; i++) {
        const v = numbers[i]!;
        if (v === v) out[i * width + start] = (Math.fround(v) - f.offset) / f.divisor;
        else encodeValue(f, undefined, out, i * width + start);
      }
    } else {
      const get = rows.column(f.name);
      for (let i = 0; i < rows.length; i++) encodeValue(f, get(i), out, i * width + start);
    }
    start += featureInputs(f).length;
  }
  return out;
}

/** Sorts label names numerically when they are all numbers ("2" before "10"), else as text. */
export function sortLabels(labels: string[]): string[] {
  const numeric = labels.every((l) => parseNumber(l) !== undefined);
  return [...labels].sort((a, b) => (numeric ? parseNumber(a)! - parseNumber(b)! : a < b ? -1 : a > b ? 1 : 0));
}
