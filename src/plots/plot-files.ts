/** The files a finished job's plots are stored as (no Vega needed to name them). */
export const PLOT_FILES = [
  "learning-curve.svg",
  "learning-curve.png",
  "confusion-matrix.svg",
  "confusion-matrix.png",
  "feature-scores.svg",
  "feature-scores.png",
  "importance.svg",
  "importance.png",
  "complexity.svg",
  "complexity.png",
] as const;
export type PlotFile = (typeof PLOT_FILES)[number];
