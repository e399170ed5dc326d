import type { TopLevelSpec } from "vega-lite";

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
