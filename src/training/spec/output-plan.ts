import type { Task } from "./network-context.js";
import type { LayerSpec } from "./layers.js";
import type { LossName } from "./training-options.js";

/** How the network's last layer maps to the target. */
export type OutputMode = "sigmoid" | "softmax" | "linear";

export interface OutputPlan {
  mode: OutputMode;
  units: number;
  /** False when the spec's own last layer already is a fitting output layer. */
  append: boolean;
}

/**
 * Keras users end a classifier with Dense(1, sigmoid) or Dense(K, softmax) and a regressor with
 * Dense(1). When the spec's last layer is such a layer it is the output; otherwise one is appended.
 */
export function planOutput(layers: LayerSpec[], task: Task, classes: number, loss?: LossName): OutputPlan {
  const last = layers[layers.length - 1];
  // Keras's categorical losses on two classes want Dense(2, softmax), not a sigmoid unit.
  const twoWay = classes === 2 && (loss === "categorical_crossentropy" || loss === "sparse_categorical_crossentropy" || loss === "kl_divergence");
  if (task === "regression") {
    const own = last?.type === "dense" && last.units === 1;
    return { mode: "linear", units: 1, append: !own };
  }
  if (last?.type === "dense") {
    if (last.activation === "softmax" && last.units === classes) return { mode: "softmax", units: classes, append: false };
    if (classes === 2 && !twoWay && last.activation === "sigmoid" && last.units === 1) return { mode: "sigmoid", units: 1, append: false };
  }
  return classes === 2 && !twoWay ? { mode: "sigmoid", units: 1, append: true } : { mode: "softmax", units: classes, append: true };
}

/**
 * An ELM's output: one score per class (softmax) for several classes, one score (sigmoid) for
 * two, one value for regression. The rule its fit, its exported model and its parameter count share.
 */
export function elmOutput(task: Task, classes: number): { mode: OutputMode; units: number } {
  if (task === "regression") return { mode: "linear", units: 1 };
  return classes === 2 ? { mode: "sigmoid", units: 1 } : { mode: "softmax", units: classes };
}
