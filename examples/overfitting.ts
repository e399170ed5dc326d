/**
 * The overfitting toolbox: one oversized network on a small, noisy dataset (Titanic, 1,309 rows),
 * alone and with early stopping, dropout, L2 and all three, on the same 3 folds; each one's diagnosis;
 * then the model complexity graph over the sizing rules' widths (the advice's ready search).
 */
import { base, finish, printLeaderboard, treino, upload } from "./lib.js";

const titanic = await upload("titanic.csv");
const dense = (l2?: number) => ({ type: "dense", units: 256, activation: "relu", ...(l2 ? { kernelRegularizer: { l2 } } : {}) }) as const;
const drop = (rate: number) => (rate ? [{ type: "dropout", rate } as const] : []);
const net = (l2?: number, dropout = 0) => ({ type: "sequential" as const, layers: [dense(l2), ...drop(dropout), dense(l2), ...drop(dropout)] });
const stop = { earlyStopping: { monitor: "val_loss", patience: 10, restoreBestWeights: true } };
const exp = await treino.createExperiment({
  kind: "compare",
  datasetId: titanic.id,
  target: "survived",
  crossValidation: { folds: 3 },
  split: { validation: 0.2 },
  ignore: ["boat", "body", "name", "ticket", "cabin", "home.dest"],
  columns: { pclass: "categorical" },
  training: { epochs: 150, batchSize: 32, optimizer: { type: "adam", learningRate: 0.003 } },
  candidates: [
    { name: "plain", model: net() },
    { name: "early stopping", model: net(), training: stop },
    { name: "dropout 0.5", model: net(undefined, 0.5) },
    { name: "L2 1e-3", model: net(1e-3) },
    { name: "all three", model: net(1e-3, 0.5), training: stop },
  ],
});
const done = await finish(exp.id);
printLeaderboard(done);
console.log("diagnosis of each candidate's first fold:");
for (const row of done.leaderboard) {
  const job = await treino.getJob(row.jobIds[0]!);
  const d = (job.metrics as { diagnosis?: { verdict: string } } | null)?.diagnosis;
  const h = job.history as Record<string, number[]>;
  const best = Math.min(...(h.val_loss ?? []));
  console.log(
    `  ${row.name.padEnd(16)} ${(d?.verdict ?? "-").padEnd(12)} ran ${job.progress.epoch} epochs, val_loss best ${best.toFixed(3)}, last ${h.val_loss?.at(-1)?.toFixed(3)}`,
  );
}

// The model complexity graph: the sizing rules' widths for this table (and a few below and above
// them), one hidden layer each on 3 folds; training accuracy keeps rising with size while
// validation turns. The advice answers with that search ready to post.
const advice = await treino.ok(
  treino.api.POST("/v1/advice/hidden-units", {
    body: { datasetId: titanic.id, target: "survived", ignore: ["boat", "body", "name", "ticket", "cabin", "home.dest"], columns: { pclass: "categorical" } },
  }),
);
const search = await treino.createExperiment(advice.search as never);
const graph = await finish(search.id);
const c = graph.complexityGraph;
if (c) {
  console.log(`complexity by ${c.label}: ${c.note}`);
  for (const p of graph.complexity)
    console.log(
      `  ${String(p.value).padStart(5)} units: training ${p.train?.mean.toFixed(4)}, validation ${p.validation?.mean.toFixed(4)} ± ${p.validation?.std.toFixed(4)}`,
    );
  console.log(`plot: ${base}/v1/experiments/${graph.id}/plots/complexity.png`);
}
