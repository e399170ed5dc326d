/**
 * A multiclass set over 95%: handwritten digits (8x8 pixels, 10 classes) with a small MLP.
 * Run against a running service: `node --import tsx examples/multiclass.ts`.
 */
import { follow, printJob, treino, upload } from "./lib.js";

const digits = await upload("digits.csv");
const job = await treino.createJob({
  datasetId: digits.id,
  target: "target",
  task: "classification",
  model: {
    type: "sequential",
    layers: [
      { type: "dense", units: 64, activation: "relu" },
      { type: "dropout", rate: 0.2 },
    ],
  },
  training: {
    epochs: 80,
    batchSize: 32,
    optimizer: { type: "adam", learningRate: 0.003 },
    earlyStopping: { monitor: "val_loss", patience: 10, restoreBestWeights: true },
  },
});
const done = await follow(job.id, 20);
printJob(done);
const accuracy = (done.metrics as { test?: { accuracy: number } } | null)?.test?.accuracy ?? 0;
console.log(accuracy > 0.95 ? `over 95%: ${(accuracy * 100).toFixed(1)}%` : `below 95%: ${(accuracy * 100).toFixed(1)}%`);
process.exitCode = accuracy > 0.95 ? 0 : 1;
