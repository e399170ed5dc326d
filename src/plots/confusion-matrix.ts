import type { TopLevelSpec } from "vega-lite";

/** Most classes drawn one by one; the rest share an "other" row and column. */
export const MAX_DRAWN_CLASSES = 20;

/**
 * The MAX_DRAWN_CLASSES - 1 classes with the most test rows, and "other" summing the rest, so a
 * 300-class matrix draws as a readable 20 x 20 one in bounded time.
 */
export function topClasses(labels: string[], matrix: number[][]): { labels: string[]; matrix: number[][] } {
  if (labels.length <= MAX_DRAWN_CLASSES) return { labels, matrix };
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const kept = labels
    .map((_, i) => i)
    .sort((a, b) => support[b]! - support[a]! || a - b)
    .slice(0, MAX_DRAWN_CLASSES - 1)
    .sort((a, b) => a - b);
  const slot = new Map(kept.map((c, i) => [c, i]));
  const other = kept.length;
  const out = Array.from({ length: other + 1 }, () => new Array<number>(other + 1).fill(0));
  matrix.forEach((row, t) => row.forEach((count, p) => (out[slot.get(t) ?? other]![slot.get(p) ?? other]! += count)));
  return { labels: [...kept.map((c) => labels[c]!), "other"], matrix: out };
}

/** A heat map of true (rows) against predicted (columns) labels with the counts written in. */
export function confusionMatrixSpec(labels: string[], matrix: number[][], title: string): TopLevelSpec {
  const values = matrix.flatMap((row, t) => row.map((count, p) => ({ actual: labels[t]!, predicted: labels[p]!, count })));
  const max = Math.max(1, ...values.map((v) => v.count));
  const side = Math.min(600, Math.max(160, 48 * labels.length));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values },
    width: side,
    height: side,
    encoding: {
      x: { field: "predicted", type: "nominal", sort: labels, title: "predicted", axis: { labelAngle: labels.every((l) => l.length <= 12) ? 0 : -45 } },
      y: { field: "actual", type: "nominal", sort: labels, title: "actual" },
    },
    layer: [
      { mark: "rect", encoding: { color: { field: "count", type: "quantitative", scale: { scheme: "blues", domain: [0, max] }, legend: null } } },
      {
        mark: { type: "text", fontSize: 13 },
        encoding: {
          text: { field: "count", type: "quantitative" },
          color: { condition: { test: `datum.count > ${max / 2}`, value: "white" }, value: "black" },
        },
      },
    ],
  };
}
