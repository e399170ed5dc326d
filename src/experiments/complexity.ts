import { complexityGraph, type Complexity, type ComplexityPoint } from "../training/index.js";
export { ComplexityPointViewSchema, ComplexitySummarySchema, complexityChoices, complexityView } from "../training/index.js";
import { LOWER_IS_BETTER, metricField, type RankMetric } from "./experiment-request.js";
import { meanStd } from "./stats.js";

/** A search's model complexity graph, from its trials (the graph's numbers: training/evaluate/complexity.ts). */

/** One trial as the graph reads it. */
export interface ComplexityTrial {
  key: string;
  name: string;
  status: string;
  params?: Record<string, unknown>;
  metrics?: Record<string, any> | null;
  parameters?: number;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A gene's value as a size: a number, or a list of layer widths by its total units. */
function sizeOf(v: unknown): number | undefined {
  if (finite(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every(finite)) return v.reduce((a, b) => a + b, 0);
  return undefined;
}

const stat = (xs: number[]) => (xs.length ? meanStd(xs) : null);

/**
 * The complexity graph of a search's trials along `by` (default: the numeric dimension whose
 * values change the parameter count most), or undefined when no dimension has 3 or more values.
 */
export function complexityOf(trials: ComplexityTrial[], opts: { metric: RankMetric; selectOn: "test" | "validation"; by?: string }): Complexity | undefined {
  const lower = LOWER_IS_BETTER.has(opts.metric);
  const field = metricField(opts.metric);
  const points = new Map<string, { name: string; params: Record<string, unknown>; train: number[]; validation: number[]; parameters?: number }>();
  for (const t of trials) {
    if (t.status !== "succeeded" || !t.params) continue;
    const m = t.metrics ?? {};
    const p = points.get(t.key) ?? { name: t.name, params: t.params, train: [], validation: [] };
    const held = opts.selectOn === "validation" && m.validation ? m.validation : m.test;
    if (finite(held?.[field])) p.validation.push(held[field]);
    if (finite(m.train?.[field])) p.train.push(m.train[field]);
    if (finite(t.parameters)) p.parameters = t.parameters;
    points.set(t.key, p);
  }
  const all = [...points.values()].filter((p) => p.validation.length > 0);
  const dims = [...new Set(all.flatMap((p) => Object.keys(p.params)))].filter(
    (d) => all.every((p) => sizeOf(p.params[d]) !== undefined) && new Set(all.map((p) => sizeOf(p.params[d]))).size >= 3,
  );
  if (dims.length === 0 || (opts.by && !dims.includes(opts.by))) return undefined;
  const by = opts.by ?? dims.sort((a, b) => paramSpread(all, b) - paramSpread(all, a) || (a < b ? -1 : 1))[0]!;
  const better = (a: number, b: number) => (lower ? a < b : a > b);
  const meanOf = (p: (typeof all)[number]) => p.validation.reduce((s, v) => s + v, 0) / p.validation.length;
  const best = all.reduce((a, b) => (better(meanOf(b), meanOf(a)) ? b : a));
  // The others held at the best point's values; a random search rarely has such a line, so then each value's best point.
  const others = (p: (typeof all)[number]) => Object.keys(best.params).every((k) => k === by || JSON.stringify(p.params[k]) === JSON.stringify(best.params[k]));
  let chosen = all.filter(others);
  let slice = "the other dimensions at the best point's values";
  if (new Set(chosen.map((p) => sizeOf(p.params[by]))).size < 3) {
    const byValue = new Map<number, (typeof all)[number]>();
    for (const p of all) {
      const v = sizeOf(p.params[by])!;
      const q = byValue.get(v);
      if (!q || better(meanOf(p), meanOf(q))) byValue.set(v, p);
    }
    chosen = [...byValue.values()];
    slice = "the best point of each value";
  }
  const out: ComplexityPoint[] = chosen
    .map((p) => ({
      value: sizeOf(p.params[by])!,
      parameters: p.parameters ?? null,
      train: stat(p.train),
      validation: stat(p.validation),
      folds: p.validation.length,
      name: p.name,
    }))
    .sort((a, b) => a.value - b.value);
  const isList = chosen.some((p) => Array.isArray(p.params[by]));
  return complexityGraph({ by, label: isList ? `${by} (total hidden units)` : by, metric: opts.metric, slice }, out, lower);
}

/** How much a dimension moves the parameter count: the spread of log(parameters) between its values' means. */
function paramSpread(points: Array<{ params: Record<string, unknown>; parameters?: number }>, dim: string): number {
  const byValue = new Map<number, number[]>();
  for (const p of points) {
    if (!finite(p.parameters) || p.parameters <= 0) continue;
    const v = sizeOf(p.params[dim])!;
    byValue.set(v, [...(byValue.get(v) ?? []), Math.log(p.parameters)]);
  }
  const means = [...byValue.values()].map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
  return means.length >= 2 ? Math.max(...means) - Math.min(...means) : 0;
}
