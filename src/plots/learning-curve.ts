import type { TopLevelSpec } from "vega-lite";

/**
 * Train and validation curves per epoch, one panel per metric (loss, then accuracy or MAE),
 * the picture the course reads over- and underfitting from.
 */
export function learningCurveSpec(history: Record<string, number[]>, title: string, subtitle?: string): TopLevelSpec {
  const values: Array<{ epoch: number; value: number; metric: string; part: string }> = [];
  for (const [key, series] of Object.entries(history)) {
    const part = key.startsWith("val_") ? "validation" : "train";
    const metric = key.replace(/^val_/, "").replace(/^acc$/, "accuracy");
    series.forEach((value, i) => values.push({ epoch: i + 1, value, metric, part }));
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: subtitle ?? "" },
    data: { values },
    facet: { row: { field: "metric", type: "nominal", title: null, sort: ["loss"] } },
    spec: {
      width: 480,
      height: 180,
      mark: { type: "line", point: values.length <= 60 },
      encoding: {
        x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        color: { field: "part", type: "nominal", title: null, scale: { domain: ["train", "validation"], range: ["#1f77b4", "#ff7f0e"] } },
      },
    },
    resolve: { scale: { y: "independent" } },
  };
}
