import { z } from "zod";
import { choices, type SearchSpace } from "../../train/search-space.js";

const activations = z.enum(["relu", "tanh", "sigmoid", "elu", "selu", "gelu", "swish", "softplus", "linear"]);
const numbers = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : []);

/** "mlp": Dense stacks of any allowed depth and widths (what POST /v1/advice/hidden-units returns). */
export const mlpSpace: SearchSpace = {
  fields: {
    hiddenLayers: choices(z.number().int().min(0).max(8)).describe("Allowed counts of hidden Dense layers"),
    units: choices(z.number().int().min(1)).describe("Allowed widths, chosen per layer"),
    activation: choices(activations).default(["relu"]),
    dropout: choices(z.number().min(0).lt(1)).default([0]).describe("Dropout after each hidden layer (0: none)"),
    l1: choices(z.number().min(0)).default([0]),
    l2: choices(z.number().min(0)).default([0]),
    optimizer: choices(z.enum(["adam", "sgd", "rmsprop", "adamax", "adagrad"])).default(["adam"]),
    learningRate: choices(z.number().gt(0).max(10)).default([0.001]),
    batchSize: choices(z.number().int().min(1).max(65_536)).default([32]),
  },
  list: { name: "layers", fields: ["hiddenLayers", "units"], of: (space) => ({ depths: numbers(space.hiddenLayers), values: numbers(space.units) }) },
  specOf: (p) => {
    const l1 = Number(p.l1) || 0;
    const l2 = Number(p.l2) || 0;
    const regularizer = l1 || l2 ? { l1, l2 } : undefined;
    const layers = numbers(p.layers).flatMap((units) => [
      { type: "dense", units, activation: p.activation, ...(regularizer ? { kernelRegularizer: regularizer } : {}) },
      ...(Number(p.dropout) > 0 ? [{ type: "dropout", rate: p.dropout }] : []),
    ]);
    return { model: { type: "sequential", layers }, training: { optimizer: { type: p.optimizer, learningRate: p.learningRate }, batchSize: p.batchSize } };
  },
};
