import { z } from "zod";
import { choices, type SearchSpace } from "../../train/search-space.js";

/** "logisticRegression": the regularization's strength and kind. */
export const logisticSpace: SearchSpace = {
  fields: {
    C: choices(z.number().gt(0).max(1e6)),
    penalty: choices(z.enum(["l2", "l1", "none"])).default(["l2"]),
  },
  specOf: (p) => ({ model: { type: "logisticRegression", C: p.C, penalty: p.penalty }, training: {} }),
};
