/**
 * What the examples share: the typed client on TREINO_URL (default http://localhost:3000) with
 * TREINO_API_KEY, uploads from the repository's fixtures or ../shared/datasets, and waiting.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { treinoClient, type ExperimentView, type JobView } from "../src/client/index.js";

export const base = process.env.TREINO_URL ?? "http://localhost:3000";
export const treino = treinoClient({ baseUrl: base, apiKey: process.env.TREINO_API_KEY });

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A dataset file: test/fixtures/<name>, else ../shared/datasets/<name>. */
export function datasetFile(name: string): string {
  for (const dir of [`${ROOT}test/fixtures`, `${ROOT}../shared/datasets`]) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  throw new Error(`${name} is in neither test/fixtures nor ../shared/datasets`);
}

export const upload = (name: string) => treino.uploadDataset(name, readFileSync(datasetFile(name)));

/** Follows a job's events to its end; prints a line every `every` epochs. */
export async function follow(id: string, every = 10): Promise<JobView> {
  for await (const e of treino.jobEvents(id)) {
    if (e.event === "epoch" && e.data.epoch % every === 0)
      console.log(
        `  epoch ${e.data.epoch}/${e.data.epochs}: ${Object.entries(e.data.logs)
          .map(([k, v]) => `${k} ${Number(v).toFixed(4)}`)
          .join(" ")}`,
      );
  }
  return treino.getJob(id);
}

export async function finish(id: string): Promise<ExperimentView> {
  for (;;) {
    const e = await treino.getExperiment(id);
    if (["succeeded", "failed", "cancelled"].includes(e.status)) return e;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function printLeaderboard(e: ExperimentView): void {
  console.log(`experiment ${e.id} ${e.status}: ${e.evaluation}, ${e.metric}`);
  for (const r of e.leaderboard)
    console.log(`  ${String(r.rank).padStart(2)}. ${r.name.padEnd(40)} ${r.score ? `${r.score.mean.toFixed(4)} ± ${r.score.std.toFixed(4)}` : "-"}`);
  for (const c of e.comparisons) console.log(`  vs ${c.name}: ${c.note}`);
  for (const p of e.plots.filter((f) => f.endsWith(".png"))) console.log(`  plot: ${base}/v1/experiments/${e.id}/plots/${p}`);
}

export function printJob(job: JobView): void {
  const test = (job.metrics as Record<string, any> | null)?.test;
  console.log(`job ${job.id} ${job.status}: test ${test?.accuracy !== undefined ? `accuracy ${test.accuracy.toFixed(4)}` : `R^2 ${test?.r2?.toFixed(4)}`}`);
  for (const p of ["learning-curve.png", "confusion-matrix.png"]) console.log(`  plot: ${base}/v1/jobs/${job.id}/plots/${p}`);
}
