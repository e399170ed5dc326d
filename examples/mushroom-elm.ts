/** Mushroom with an Extreme Learning Machine: a grid over hidden sizes and node functions, 3 folds. */
import { finish, printLeaderboard, treino, upload } from "./lib.js";

const mushroom = await upload("mushroom.csv");
const exp = await treino.createExperiment({
  kind: "search",
  method: "grid",
  datasetId: mushroom.id,
  target: "class",
  crossValidation: { folds: 3 },
  space: { type: "elm", hiddenUnits: [10, 25, 50, 100, 200], activation: ["sigmoid", "relu"] },
});
console.log(`${exp.trials.total} trials queued`);
printLeaderboard(await finish(exp.id));
