import { isMissing, parseNumber } from "../../tables/profile.js";
import type { Table } from "../../tables/read-table.js";
import type { ResolvedColumns } from "./columns.js";

/** A single column predicting this share of rows (or explaining this share of variance) is suspicious. */
const SUSPICIOUS = 0.97;
const BINS = 10;

/** Group key of a value: the category itself, or the quantile bin of a number; missing is a group too. */
function grouper(values: string[], numeric: boolean): (v: string) => string {
  if (!numeric) return (v) => (isMissing(v) ? "\u2205" : v.trim());
  const xs = values
    .filter((v) => !isMissing(v))
    .map((v) => parseNumber(v)!)
    .sort((a, b) => a - b);
  const cuts = Array.from({ length: BINS - 1 }, (_, i) => xs[Math.floor(((i + 1) * xs.length) / BINS)]!);
  return (v) => {
    if (isMissing(v)) return "\u2205";
    const x = parseNumber(v)!;
    let b = 0;
    while (b < cuts.length && x >= cuts[b]!) b++;
    return String(b);
  };
}

/** Accuracy of predicting the majority class within each group: how well the column alone classifies. */
function purity(groups: string[], labels: string[]): number {
  const counts = new Map<string, Map<string, number>>();
  groups.forEach((g, i) => {
    let m = counts.get(g);
    if (!m) counts.set(g, (m = new Map()));
    m.set(labels[i]!, (m.get(labels[i]!) ?? 0) + 1);
  });
  let hits = 0;
  for (const m of counts.values()) hits += Math.max(...m.values());
  return hits / groups.length;
}

/** Share of the target's variance explained by the group means (η², the correlation ratio). */
function etaSquared(groups: string[], ys: number[]): number {
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sums = new Map<string, [number, number]>();
  groups.forEach((g, i) => {
    const s = sums.get(g) ?? [0, 0];
    sums.set(g, [s[0] + ys[i]!, s[1] + 1]);
  });
  let between = 0;
  for (const [sum, n] of sums.values()) between += n * (sum / n - mean) ** 2;
  const total = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
  return total === 0 ? 0 : between / total;
}

/**
 * Columns that predict the target almost perfectly on their own: often a leak (a value only
 * known after the outcome, like the Titanic's lifeboat), sometimes just a strong feature.
 * Warnings, not errors. Identifier-like columns (a value per row) are left to their own warning.
 */
export function findLeaks(table: Table, target: string, resolved: ResolvedColumns): string[] {
  const t = table.column(target);
  if (!t) return [];
  const rows: number[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const y = t.get(i);
    if (!isMissing(y) && (resolved.task === "classification" || parseNumber(y) !== undefined)) rows.push(i);
  }
  if (rows.length < 20) return [];
  const labels = rows.map((r) => t.get(r).trim());
  const majority = purity(
    labels.map(() => ""),
    labels,
  );
  const ys = resolved.task === "regression" ? labels.map((l) => parseNumber(l)!) : [];
  const warnings: string[] = [];
  for (const f of resolved.features) {
    const column = table.column(f.name);
    if (!column) continue;
    const values = rows.map((r) => column.get(r));
    const groups = values.map(grouper(values, f.type === "numeric"));
    if (new Set(groups).size > rows.length / 2) continue;
    if (resolved.task === "classification") {
      const p = purity(groups, labels);
      if (p >= SUSPICIOUS && p > majority + 0.02) {
        warnings.push(
          `possible leak: "${f.name}" alone predicts "${target}" for ${(p * 100).toFixed(1)}% of rows (the majority class alone: ${(majority * 100).toFixed(1)}%); if it is only known after the outcome, add it to "ignore"`,
        );
      }
    } else {
      const r2 = etaSquared(groups, ys);
      if (r2 >= SUSPICIOUS) {
        warnings.push(
          `possible leak: "${f.name}" alone explains ${(r2 * 100).toFixed(1)}% of the variance of "${target}"; if it is derived from the target, add it to "ignore"`,
        );
      }
    }
  }
  return warnings;
}
