import type { AutoMlEntry } from "../../train/automl-entry.js";

/** Epochs with early stopping on a tenth of the training rows, the best epoch's weights kept. */
const training = { epochs: 150, earlyStopping: { monitor: "val_loss", patience: 12, restoreBestWeights: true } };

/**
 * Hidden width by the course's "2/3 of the inputs plus the outputs" rule (Heaton, Introduction to
 * Neural Networks for Java, 2008: also one of POST /v1/advice/hidden-units' rules), kept within
 * 16-256; one and two hidden layers. Then the `mlp` space.
 */
export const mlpAutoMl: AutoMlEntry = {
  portfolio: (t) => {
    const units = Math.min(256, Math.max(16, Math.round((2 / 3) * t.features + Math.max(1, t.classes))));
    const dense = (u: number) => ({ type: "dense", units: u, activation: "relu" });
    return [
      { name: `mlp (${units})`, model: { type: "sequential", layers: [dense(units)] }, training, validation: 0.1 },
      {
        name: `mlp (${2 * units}, ${units}, dropout)`,
        model: { type: "sequential", layers: [dense(2 * units), { type: "dropout", rate: 0.2 }, dense(units), { type: "dropout", rate: 0.2 }] },
        training,
        validation: 0.1,
      },
    ];
  },
  search: () => ({
    space: {
      type: "mlp",
      hiddenLayers: [1, 2, 3],
      units: [32, 64, 128, 256],
      activation: ["relu", "tanh", "elu"],
      dropout: [0, 0.1, 0.2, 0.3],
      l2: [0, 1e-4, 1e-3],
      learningRate: [3e-4, 1e-3, 3e-3],
      batchSize: [32, 64],
    },
    training,
    validation: 0.1,
  }),
};
