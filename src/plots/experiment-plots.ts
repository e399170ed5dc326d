import type { TopLevelSpec } from "vega-lite";
import { renderPlot } from "./render.js";

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

/** What the complexity graph draws (the view's `complexity`, as plain data: plots import no service). */
export interface ComplexityPlot {
  by: string;
  label: string;
  metric: string;
  logScale: boolean;
  points: Array<{ value: number; train: { mean: number; std: number } | null; validation: { mean: number; std: number } | null }>;
  peak: number | null;
  oneStandardError: number | null;
  underfit: { from: number; to: number } | null;
  overfit: { from: number; to: number } | null;
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

/**
 * The model complexity graph: training and validation score along the size dimension, each with a
 * band of one standard deviation over folds; the peak and the one-standard-error choice marked;
 * the under- and overfitting ranges shaded from the data (half-way to the neighbouring points).
 */
function complexitySpec(src: ExperimentPlotSource): TopLevelSpec | undefined {
  const c = src.complexity;
  if (!c || c.points.length < 2) return undefined;
  const values = c.points.flatMap((p) =>
    (
      [
        ["training", p.train],
        ["validation", p.validation],
      ] as const
    ).flatMap(([series, s]) => (s ? [{ value: p.value, series, mean: s.mean, low: s.mean - s.std, high: s.mean + s.std }] : [])),
  );
  const xs = c.points.map((p) => p.value);
  // A shaded range reaches half-way (geometrically on a log axis) to the points beside it.
  const mid = (a: number, b: number) => (c.logScale ? Math.sqrt(a * b) : (a + b) / 2);
  const edge = (v: number, side: -1 | 1) => {
    const i = xs.indexOf(v);
    const j = i + side;
    return j < 0 || j >= xs.length ? v : mid(v, xs[j]!);
  };
  const regions = (
    [
      ["underfitting", c.underfit],
      ["overfitting", c.overfit],
    ] as const
  ).flatMap(([label, r]) => (r ? [{ label, from: edge(r.from, -1), to: edge(r.to, 1) }] : []));
  const marks = [
    ...(c.peak !== null ? [{ value: c.peak, label: `validation peak: ${c.peak}`, row: 0 }] : []),
    ...(c.oneStandardError !== null && c.oneStandardError !== c.peak
      ? [{ value: c.oneStandardError, label: `one standard error: ${c.oneStandardError}`, row: 1 }]
      : []),
  ];
  const scale = c.logScale ? { type: "log" as const, domain: [xs[0]!, xs.at(-1)!], nice: false } : { zero: false, domain: [xs[0]!, xs.at(-1)!], nice: false };
  const x = { field: "value", type: "quantitative" as const, title: c.label, scale };
  const series = { field: "series", type: "nominal" as const, title: null, scale: { domain: ["training", "validation"], range: ["#ff7f0e", "#2ca02c"] } };
  return {
    $schema: SCHEMA,
    title: {
      text: `Model complexity: ${src.metric} by ${c.by} (experiment ${src.id.slice(0, 8)})`,
      subtitle: "training and validation score, bands of one standard deviation over folds",
    },
    width: 520,
    height: 300,
    layer: [
      ...(regions.length
        ? [
            {
              data: { values: regions },
              mark: { type: "rect" as const, opacity: 0.12 },
              encoding: {
                x: { field: "from", type: "quantitative" as const, scale },
                x2: { field: "to" },
                fill: {
                  field: "label",
                  type: "nominal" as const,
                  title: null,
                  scale: { domain: ["underfitting", "overfitting"], range: ["#1f77b4", "#d62728"] },
                },
              },
            },
          ]
        : []),
      {
        data: { values },
        mark: { type: "area" as const, opacity: 0.2 },
        encoding: { x, y: { field: "low", type: "quantitative" as const, title: src.metric, scale: { zero: false } }, y2: { field: "high" }, color: series },
      },
      { data: { values }, mark: { type: "line" as const, point: true }, encoding: { x, y: { field: "mean", type: "quantitative" as const }, color: series } },
      ...marks.flatMap((m) => [
        {
          data: { values: [m] },
          mark: { type: "rule" as const, strokeDash: [4, 3], color: "black" },
          encoding: { x: { field: "value", type: "quantitative" as const, scale } },
        },
        {
          data: { values: [m] },
          mark: { type: "text" as const, align: "left" as const, dx: 3, y: 8 + 14 * m.row, fontSize: 10 },
          encoding: { x: { field: "value", type: "quantitative" as const, scale }, text: { field: "label" } },
        },
      ]),
    ],
    resolve: { scale: { fill: "independent" } },
  } as TopLevelSpec;
}

/** Draws an ended experiment's plots once, SVG and PNG, on the worker; the API serves the bytes. */
export async function drawExperimentPlots(src: ExperimentPlotSource): Promise<Array<{ file: ExperimentPlotFile; data: Buffer }>> {
  const specs: Array<[string, TopLevelSpec | undefined]> = [
    ["leaderboard", leaderboardSpec(src)],
    ["learning-curves", curvesSpec(src)],
    ["generations", generationsSpec(src)],
    ["complexity", complexitySpec(src)],
  ];
  const out: Array<{ file: ExperimentPlotFile; data: Buffer }> = [];
  for (const [name, spec] of specs) {
    if (!spec) continue;
    const drawn = await renderPlot(spec);
    for (const format of ["svg", "png"] as const) out.push({ file: `${name}.${format}` as ExperimentPlotFile, data: drawn[format] });
  }
  return out;
}
