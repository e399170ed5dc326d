import { z } from "zod";
import { choices, type SearchSpace } from "../../train/search-space.js";

/** "svm": libsvm's C, gamma and kernel. */
export const svmSpace: SearchSpace = {
  fields: {
    C: choices(z.number().gt(0).max(1e6)),
    gamma: choices(z.union([z.literal("scale"), z.number().gt(0).max(1e6)])).default(["scale"]),
    kernel: choices(z.enum(["rbf", "linear", "polynomial", "sigmoid"])).default(["rbf"]),
  },
  specOf: (p) => ({ model: { type: "svm", C: p.C, gamma: p.gamma, kernel: p.kernel }, training: {} }),
};
