/** Spotify (../shared/datasets): can an MLP reach a tuned SVM? Both, and the floor, on the same 5 folds. */
import { finish, printLeaderboard, treino, upload } from "./lib.js";

const spotify = await upload("spotify.csv");
const exp = await treino.createExperiment({
  kind: "compare",
  datasetId: spotify.id,
  target: "popular_or_not",
  crossValidation: { folds: 5 },
  ignore: ["popularity", "track_id", "artists", "album_name", "track_name"],
  training: { epochs: 60, batchSize: 64, earlyStopping: { monitor: "val_loss", patience: 8, restoreBestWeights: true } },
  candidates: [
    {
      name: "mlp 64-32",
      model: {
        type: "sequential",
        layers: [
          { type: "dense", units: 64, activation: "relu" },
          { type: "dropout", rate: 0.3 },
          { type: "dense", units: 32, activation: "relu" },
        ],
      },
    },
    { name: "svm C=1", model: { type: "svm", C: 1 } },
    { name: "svm C=10", model: { type: "svm", C: 10 } },
    { name: "majority", model: { type: "majority" } },
  ],
});
printLeaderboard(await finish(exp.id));
