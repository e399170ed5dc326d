import { AppError } from "../errors.js";
import type { JobView } from "../jobs/job-view.js";
import { confusionMatrixSpec } from "./confusion-matrix.js";
import { learningCurveSpec } from "./learning-curve.js";
import { renderPlot, type PlotFormat } from "./render.js";

export const PLOTS = ["learning-curve", "confusion-matrix"] as const;
export type PlotName = (typeof PLOTS)[number];

interface CvMetrics {
  folds: number;
  meanHistory: Record<string, number[]>;
}

/** Draws one of a job's plots; 404 when the job has nothing to draw (yet). */
export async function jobPlot(job: JobView, name: PlotName, format: PlotFormat): Promise<Buffer> {
  const metrics = (job.metrics ?? {}) as { test?: { confusionMatrix?: { labels: string[]; matrix: number[][] } }; crossValidation?: CvMetrics; diagnosis?: { verdict: string } };
  if (name === "learning-curve") {
    const cv = metrics.crossValidation;
    const history = cv ? cv.meanHistory : job.history;
    if (!history.loss?.length) throw new AppError("not_found", `job ${job.id} has no epochs to plot yet`);
    const title = cv ? `Learning curves, mean of ${cv.folds} folds (job ${job.id.slice(0, 8)})` : `Learning curves (job ${job.id.slice(0, 8)})`;
    const verdict = metrics.diagnosis?.verdict.replace("_", " ");
    return renderPlot(learningCurveSpec(history, title, verdict ? `diagnosis: ${verdict}` : job.status), format);
  }
  const cm = metrics.test?.confusionMatrix;
  if (!cm) throw new AppError("not_found", `job ${job.id} has no confusion matrix: it is not a finished classification with a test split`);
  return renderPlot(confusionMatrixSpec(cm.labels, cm.matrix, `Confusion matrix on the test set (job ${job.id.slice(0, 8)})`), format);
}
