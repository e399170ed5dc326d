import type { TopLevelSpec } from "vega-lite";
import { confusionMatrixSpec, topClasses } from "./confusion-matrix.js";
import { learningCurveSpec } from "./learning-curve.js";
import { featureScoresSpec } from "./feature-scores.js";
import { renderPlot } from "./render.js";
import { complexitySpec, type ComplexityPlot } from "./complexity-plot.js";

import type { PlotFile } from "./plot-files.js";

/** What a finished job's plots are drawn from. */
export interface PlotSource {
  id: string;
  status: string;
  history: Record<string, number[]>;
  metrics: {
    test?: { confusionMatrix?: { labels: string[]; matrix: number[][] } };
    crossValidation?: { folds: number; meanHistory: Record<string, number[]> };
    diagnosis?: { verdict: string };
    featureSelection?: Parameters<typeof featureScoresSpec>[0];
    importance?: { method: string; of: string; rows: number; columns: Array<{ name: string; score: number }> };
    /** An ELM's size search as a complexity graph: its points, and the rest beside them. */
    complexity?: ComplexityPlot["points"];
    complexityGraph?: Omit<ComplexityPlot, "points">;
  };
}

/** The Vega-Lite specs a job has something to draw for. */
type PlotName = "learning-curve" | "confusion-matrix" | "feature-scores" | "importance" | "complexity";

function specs(job: PlotSource): Array<[PlotName, TopLevelSpec]> {
  const out: Array<[PlotName, TopLevelSpec]> = [];
  const cv = job.metrics.crossValidation;
  const history = cv ? cv.meanHistory : job.history;
  if (history.loss?.length) {
    const title = cv ? `Learning curves, mean of ${cv.folds} folds (job ${job.id.slice(0, 8)})` : `Learning curves (job ${job.id.slice(0, 8)})`;
    const verdict = job.metrics.diagnosis?.verdict.replace("_", " ");
    out.push(["learning-curve", learningCurveSpec(history, title, verdict ? `diagnosis: ${verdict}` : job.status)]);
  }
  const cm = job.metrics.test?.confusionMatrix;
  if (cm) {
    const shown = topClasses(cm.labels, cm.matrix);
    const note = shown.labels.length < cm.labels.length ? `, the ${shown.labels.length - 1} most frequent of ${cm.labels.length} classes` : "";
    out.push(["confusion-matrix", confusionMatrixSpec(shown.labels, shown.matrix, `Confusion matrix on the test set${note} (job ${job.id.slice(0, 8)})`)]);
  }
  const fs = job.metrics.featureSelection;
  if (fs)
    out.push([
      "feature-scores",
      featureScoresSpec(fs, `Feature selection: ${fs.kept.length} of ${fs.kept.length + fs.dropped.length} columns kept (job ${job.id.slice(0, 8)})`),
    ]);
  const imp = job.metrics.importance;
  if (imp)
    out.push([
      "importance",
      featureScoresSpec(
        { method: imp.method, of: imp.of, kept: imp.columns, dropped: [] },
        `What drives the predictions: ${imp.columns.length} columns, ${imp.rows} rows (job ${job.id.slice(0, 8)})`,
      ),
    ]);
  const c = job.metrics.complexityGraph && job.metrics.complexity ? { ...job.metrics.complexityGraph, points: job.metrics.complexity } : undefined;
  const graph = c && complexitySpec(c, `Model complexity: ${c.metric} by ${c.label} (job ${job.id.slice(0, 8)})`);
  if (graph) out.push(["complexity", graph]);
  return out;
}

/**
 * Draws every plot of a finished job once, as SVG and PNG, in the training process; the API
 * only serves the stored bytes.
 */
export async function drawJobPlots(job: PlotSource): Promise<Array<{ file: PlotFile; data: Buffer }>> {
  const out: Array<{ file: PlotFile; data: Buffer }> = [];
  for (const [name, spec] of specs(job)) {
    const drawn = await renderPlot(spec);
    for (const format of ["svg", "png"] as const) out.push({ file: `${name}.${format}`, data: drawn[format] });
  }
  return out;
}
