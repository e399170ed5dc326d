import type { AutoMlEntry } from "../../train/automl-entry.js";

/** scikit-learn's forest defaults (more bins than ours), then the `randomForest` space. */
export const forestAutoMl: AutoMlEntry = {
  portfolio: () => [{ name: "random forest", model: { type: "randomForest", trees: 200, maxBins: 128 } }],
  search: () => ({
    space: {
      type: "randomForest",
      trees: [100, 200, 400],
      maxFeatures: ["sqrt", "log2", 0.3, 0.5, "all"],
      minSamplesLeaf: [1, 2, 4, 8],
      maxBins: [64, 128, 255],
    },
  }),
};
