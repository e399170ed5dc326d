import type { AutoMlEntry } from "../../train/automl-entry.js";

/** An ELM choosing its hidden size by 3-fold CV on its training rows (the course's size search), then the `elm` space. */
export const elmAutoMl: AutoMlEntry = {
  portfolio: (t) => [
    {
      name: "elm (size search)",
      model: { type: "elm", hiddenUnits: { search: [50, 100, 200, 500, 1000].filter((u) => u <= Math.max(100, t.rows)), by: "cv", folds: 3 }, alpha: 1e-3 },
    },
  ],
  search: (t) => ({
    space: {
      type: "elm",
      hiddenUnits: [100, 200, 500, 1000, 2000].filter((u) => u <= Math.max(200, 2 * t.rows)),
      activation: ["sigmoid", "tanh", "relu"],
      alpha: [1e-6, 1e-4, 1e-2, 1, 10],
    },
  }),
};
