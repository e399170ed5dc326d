import type { TopLevelSpec } from "vega-lite";
import { renderPlot } from "./render.js";
import { complexitySpec, type ComplexityPlot } from "./complexity-plot.js";

export const EXPERIMENT_PLOT_FILES = [
  "leaderboard.svg",
  "leaderboard.png",
  "learning-curves.svg",
  "learning-curves.png",
  "generations.svg",
  "generations.png",
  "importance.svg",
  "importance.png",
  "dependence.svg",
  "dependence.png",
  "complexity.svg",
  "complexity.png",
] as const;
export type ExperimentPlotFile = (typeof EXPERIMENT_PLOT_FILES)[number];

/** What an experiment's plots are drawn from. */
export interface ExperimentPlotSource {
  id: string;
  metric: string;
  leaderboard: Array<{ name: string; score: { mean: number; std: number } | null }>;
  /** Per network candidate, one trial's epochs (the first fold's, or the split's). */
  curves: Array<{ name: string; history: Record<string, number[]> }>;
  generations?: Array<{ generation: number; best: number | null; mean: number | null }>;
  /** A search's complexity graph (experiments/complexity.ts). */
  complexity?: ComplexityPlot;
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
/** Candidates drawn at most: the top of the leaderboard. */
const SHOWN = 25;

/** The ranking metric by candidate: a bar at the mean, an error bar of one standard deviation. */
function leaderboardSpec(src: ExperimentPlotSource): TopLevelSpec {
  const values = src.leaderboard
    .filter((r) => r.score)
    .slice(0, SHOWN)
    .map((r) => ({ name: r.name, mean: r.score!.mean, low: r.score!.mean - r.score!.std, high: r.score!.mean + r.score!.std }));
  const order = values.map((v) => v.name);
  return {
    $schema: SCHEMA,
    title: { text: `${src.metric} by candidate (experiment ${src.id.slice(0, 8)})`, subtitle: "mean, and one standard deviation over folds" },
    data: { values },
    width: 480,
    height: Math.max(100, 22 * values.length),
    layer: [
      {
        mark: "bar",
        encoding: { y: { field: "name", type: "nominal", sort: order, title: null }, x: { field: "mean", type: "quantitative", title: src.metric } },
      },
      {
        mark: { type: "rule", color: "black" },
        encoding: { y: { field: "name", type: "nominal", sort: order }, x: { field: "low", type: "quantitative" }, x2: { field: "high" } },
      },
    ],
  };
}

/** The networks' validation loss (or training loss) by epoch, one line a candidate. */
function curvesSpec(src: ExperimentPlotSource): TopLevelSpec | undefined {
  const key = src.curves.some((c) => c.history.val_loss?.length) ? "val_loss" : "loss";
  const values = src.curves
    .slice(0, SHOWN)
    .flatMap((c) => (c.history[key] ?? []).map((v, epoch) => ({ candidate: c.name, epoch: epoch + 1, value: Number.isFinite(v) ? v : null })));
  if (!values.length) return undefined;
  return {
    $schema: SCHEMA,
    title: { text: `Learning curves side by side (experiment ${src.id.slice(0, 8)})`, subtitle: `${key} per epoch, each network's first fold` },
    data: { values },
    width: 520,
    height: 300,
    mark: { type: "line", point: false },
    encoding: {
      x: { field: "epoch", type: "quantitative" },
      y: { field: "value", type: "quantitative", title: key, scale: { zero: false } },
      color: { field: "candidate", type: "nominal" },
    },
  };
}

/** A genetic search's best and mean fitness by generation. */
function generationsSpec(src: ExperimentPlotSource): TopLevelSpec | undefined {
  if (!src.generations?.length) return undefined;
  const values = src.generations
    .flatMap((g) => [
      { generation: g.generation + 1, series: "best", value: g.best },
      { generation: g.generation + 1, series: "mean", value: g.mean },
    ])
    .filter((v) => v.value !== null);
  return {
    $schema: SCHEMA,
    title: { text: `Genetic search: ${src.metric} by generation (experiment ${src.id.slice(0, 8)})` },
    data: { values },
    width: 480,
    height: 260,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "generation", type: "quantitative", axis: { tickMinStep: 1 } },
      y: { field: "value", type: "quantitative", title: src.metric, scale: { zero: false } },
      color: { field: "series", type: "nominal", title: null },
    },
  };
}

/** Draws an ended experiment's plots once, SVG and PNG, on the worker; the API serves the bytes. */
export async function drawExperimentPlots(src: ExperimentPlotSource): Promise<Array<{ file: ExperimentPlotFile; data: Buffer }>> {
  const specs: Array<[string, TopLevelSpec | undefined]> = [
    ["leaderboard", leaderboardSpec(src)],
    ["learning-curves", curvesSpec(src)],
    ["generations", generationsSpec(src)],
    [
      "complexity",
      src.complexity && complexitySpec(src.complexity, `Model complexity: ${src.metric} by ${src.complexity.by} (experiment ${src.id.slice(0, 8)})`),
    ],
  ];
  const out: Array<{ file: ExperimentPlotFile; data: Buffer }> = [];
  for (const [name, spec] of specs) {
    if (!spec) continue;
    const drawn = await renderPlot(spec);
    for (const format of ["svg", "png"] as const) out.push({ file: `${name}.${format}` as ExperimentPlotFile, data: drawn[format] });
  }
  return out;
}
