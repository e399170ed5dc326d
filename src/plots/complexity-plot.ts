import type { TopLevelSpec } from "vega-lite";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

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

/**
 * The model complexity graph: training and validation score along the size dimension, each with a
 * band of one standard deviation over folds; the peak and the one-standard-error choice marked;
 * the under- and overfitting ranges shaded from the data (half-way to the neighbouring points).
 */
export function complexitySpec(c: ComplexityPlot, title: string): TopLevelSpec | undefined {
  if (c.points.length < 2) return undefined;
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
      text: title,
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
        encoding: { x, y: { field: "low", type: "quantitative" as const, title: c.metric, scale: { zero: false } }, y2: { field: "high" }, color: series },
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
