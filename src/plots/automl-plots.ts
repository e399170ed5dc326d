import type { TopLevelSpec } from "vega-lite";
import type { ExperimentPlotFile } from "./experiment-plots.js";
import { renderPlot } from "./render.js";
import type { Explanation } from "../ensemble-file.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Permutation importance: one bar a column (largest first), an error bar of one standard deviation over repeats. */
function importanceSpec(e: Explanation): TopLevelSpec {
  const values = e.importance.slice(0, 30).map((i) => ({ ...i, low: i.drop - i.std, high: i.drop + i.std }));
  return {
    $schema: SCHEMA,
    title: {
      text: "Permutation importance of the AutoML winner",
      subtitle: `ranking metric lost when a column is shuffled, ${e.rows} held-out rows, ${e.repeats} repeat(s)`,
    },
    data: { values },
    width: 480,
    height: Math.max(120, 18 * values.length),
    encoding: { y: { field: "column", type: "nominal", title: null, sort: { field: "drop", order: "descending" } } },
    layer: [
      { mark: "bar", encoding: { x: { field: "drop", type: "quantitative", title: "metric lost" } } },
      { mark: { type: "rule" }, encoding: { x: { field: "low", type: "quantitative" }, x2: { field: "high" } } },
    ],
  };
}

/** Partial dependence of the top columns, one panel each: the mean prediction per output (class probability or value). */
function dependenceSpec(e: Explanation, task: string): TopLevelSpec | undefined {
  if (!e.dependence.length) return undefined;
  // A binary task's first class is one minus the second: show the second only.
  const shown = (d: Explanation["dependence"][number]) => (d.outputs.length === 2 ? [1] : d.outputs.map((_, i) => i));
  return {
    $schema: SCHEMA,
    title: { text: "Partial dependence of the AutoML winner", subtitle: "mean prediction over the held-out rows with the column set to each value" },
    hconcat: e.dependence.map((d) => ({
      width: 220,
      height: 180,
      title: d.column,
      data: { values: d.points.flatMap((p) => shown(d).map((i) => ({ x: d.kind === "numeric" ? p.x : String(p.x), y: p.y[i], output: d.outputs[i] }))) },
      mark: d.kind === "numeric" ? { type: "line", point: true } : { type: "bar" },
      encoding: {
        x: { field: "x", type: d.kind === "numeric" ? "quantitative" : "nominal", title: d.column },
        y: { field: "y", type: "quantitative", title: task === "regression" ? "predicted value" : "probability" },
        ...(d.kind === "numeric"
          ? { color: { field: "output", type: "nominal", title: null } }
          : { xOffset: { field: "output" }, color: { field: "output", type: "nominal", title: null } }),
      },
    })),
  } as TopLevelSpec;
}

/** The winner's plots, SVG and PNG (the experiment's report stores them). */
export async function drawExplanation(e: Explanation, task: string): Promise<Array<{ file: ExperimentPlotFile; data: Buffer }>> {
  const out: Array<{ file: ExperimentPlotFile; data: Buffer }> = [];
  for (const [name, spec] of [
    ["importance", importanceSpec(e)],
    ["dependence", dependenceSpec(e, task)],
  ] as const) {
    if (!spec) continue;
    const drawn = await renderPlot(spec);
    for (const format of ["svg", "png"] as const) out.push({ file: `${name}.${format}` as ExperimentPlotFile, data: drawn[format] });
  }
  return out;
}
