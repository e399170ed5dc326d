import type { TopLevelSpec } from "vega-lite";

const SCORE_NAMES: Record<string, string> = {
  anova: "F statistic",
  mutualInformation: "mutual information (nats)",
  l1: "sum of |weights| of an L1 linear model",
  permutation: "held-out score lost when shuffled (random forest)",
  shap: "mean |SHAP value| (TreeSHAP)",
};

/** Feature selection's scores (or a model's importance: all kept), one bar a column, best first; kept and dropped in two colors. */
export function featureScoresSpec(
  selection: { method: string; kept: Array<{ name: string; score: number }>; dropped: Array<{ name: string; score: number }>; of?: string },
  title: string,
): TopLevelSpec {
  const values = [...selection.kept.map((f) => ({ ...f, status: "kept" })), ...selection.dropped.map((f) => ({ ...f, status: "dropped" }))].map((f) => ({
    ...f,
    score: Number.isFinite(f.score) && f.score < Number.MAX_VALUE ? f.score : null,
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: `${SCORE_NAMES[selection.method] ?? selection.method} on the ${selection.of ?? "training"} rows` },
    data: { values },
    width: 480,
    height: Math.max(120, 18 * values.length),
    mark: "bar",
    encoding: {
      y: { field: "name", type: "nominal", title: null, sort: { field: "score", order: "descending" } },
      x: { field: "score", type: "quantitative", title: "score" },
      color: { field: "status", type: "nominal", title: null, scale: { domain: ["kept", "dropped"], range: ["#1f77b4", "#bbbbbb"] } },
    },
  };
}
