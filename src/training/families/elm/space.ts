import { z } from "zod";
import { choices, type SearchSpace } from "../../train/search-space.js";

/** "elm": hidden widths, node functions and ridge strengths of a single-hidden-layer ELM. */
export const elmSpace: SearchSpace = {
  fields: {
    hiddenUnits: choices(z.number().int().min(1)),
    activation: choices(z.enum(["sigmoid", "tanh", "relu", "sine", "hardlim", "rbf"])).default(["sigmoid"]),
    alpha: choices(z.number().min(0).max(1e6)).default([1e-6]),
  },
  specOf: (p) => ({ model: { type: "elm", hiddenUnits: p.hiddenUnits, activation: p.activation, alpha: p.alpha }, training: {} }),
};
