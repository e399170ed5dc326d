/**
 * Feature contributions (TreeSHAP, Lundberg et al. 2020) of encoded inputs summed back to the
 * columns they encode: SHAP values are additive, so a one-hot column's contribution is the sum of
 * its inputs'. What /predict's explain returns per row, and the job's importance per column.
 */

/** Contributions [n, groups, width]: width = encoded inputs + 1, the bias last. */
export interface Contributions {
  values: Float32Array;
  n: number;
  groups: number;
  width: number;
}

/** Per-column contributions [n, groups, columns + 1] (bias last), with the columns' names. */
export interface ColumnContributions {
  names: string[];
  values: Float64Array;
  n: number;
  groups: number;
}

export interface ColumnImportance {
  method: "shap";
  /** Rows it was averaged over, and which ones. */
  rows: number;
  of: "test" | "validation" | "training";
  /** Mean |SHAP value| per column (summed over classes for a multiclass model), largest first. */
  columns: Array<{ name: string; score: number }>;
}

/** Sums each column's encoded inputs; `columnOfInput[j]` names input j's column. */
export function foldToColumns(c: Contributions, columnOfInput: string[]): ColumnContributions {
  if (columnOfInput.length !== c.width - 1) throw new Error(`contributions of ${c.width - 1} inputs for ${columnOfInput.length} encoded inputs`);
  const names = [...new Set(columnOfInput)];
  // A map, not names.indexOf: inputs x columns would be 2e7 steps on the API's loop at 2,000 one-hot columns.
  const position = new Map(names.map((name, j) => [name, j]));
  const index = columnOfInput.map((name) => position.get(name)!);
  const w = names.length + 1;
  const values = new Float64Array(c.n * c.groups * w);
  for (let r = 0; r < c.n * c.groups; r++) {
    for (let j = 0; j < c.width - 1; j++) values[r * w + index[j]!]! += c.values[r * c.width + j]!;
    values[r * w + names.length] = c.values[r * c.width + c.width - 1]!;
  }
  return { names, values, n: c.n, groups: c.groups };
}

/** One row's contributions of one group by column name, and its bias. */
export function rowContributions(f: ColumnContributions, row: number, group: number): { bias: number; columns: Record<string, number> } {
  const w = f.names.length + 1;
  const at = (row * f.groups + group) * w;
  return { bias: f.values[at + f.names.length]!, columns: Object.fromEntries(f.names.map((name, j) => [name, f.values[at + j]!])) };
}

/** Mean |contribution| per column over the rows, summed over groups (shap's multi-output bar total), largest first. */
export function meanAbsByColumn(f: ColumnContributions): Array<{ name: string; score: number }> {
  const w = f.names.length + 1;
  const sums = new Float64Array(f.names.length);
  for (let r = 0; r < f.n * f.groups; r++) for (let j = 0; j < f.names.length; j++) sums[j]! += Math.abs(f.values[r * w + j]!);
  return f.names.map((name, j) => ({ name, score: sums[j]! / Math.max(1, f.n) })).sort((a, b) => b.score - a.score);
}
