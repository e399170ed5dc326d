/**
 * Titanic, binary with mixed columns: the leak check names `boat` (and `body`), which give the
 * answer away; the model is trained without them (and without names and tickets).
 */
import type { JobRequest } from "../src/client/index.js";
import { follow, printJob, treino, upload } from "./lib.js";

const titanic = await upload("titanic.csv");
const mlp: JobRequest["model"] = {
  type: "sequential",
  layers: [
    { type: "dense", units: 16, activation: "relu" },
    { type: "dropout", rate: 0.2 },
  ],
};
const check = await treino.ok(treino.api.POST("/v1/models/validate", { body: { datasetId: titanic.id, target: "survived", model: mlp } }));
console.log("leak check with every column:");
for (const w of (check as { warnings: string[] }).warnings) console.log(`  ${w}`);
const job = await treino.createJob({
  datasetId: titanic.id,
  target: "survived",
  ignore: ["boat", "body", "name", "ticket", "cabin", "home.dest"],
  columns: { pclass: "categorical" },
  model: mlp,
  training: {
    epochs: 100,
    batchSize: 32,
    optimizer: { type: "adam", learningRate: 0.005 },
    earlyStopping: { monitor: "val_loss", patience: 10, restoreBestWeights: true },
  },
});
printJob(await follow(job.id, 20));
