import { tf, tfl } from "../../engine/tf.js";
import { ElmRbf, ElmSine } from "./layers.js";
import type { RandomLayer } from "./random-layers.js";

/** hardlim as a step: hardSigmoid(1000 z) = clip(200 z + 0.5, 0, 1), 0/1 outside |z| < 0.0025. */
export const HARDLIM_SLOPE = 1000;

/**
 * Adds the tfjs layers computing a random layer's nodes to a model and sets their weights.
 * Fitting computes H with these very layers and the export reuses them, so the downloaded model
 * is the function that was solved for. Weights are set after adding, so that their names carry
 * the layer's scope (`elm_hidden/kernel`) as model.json needs.
 */
export function addHidden(model: tfl.Sequential, layer: RandomLayer, name: string, inputShape?: number[]): void {
  const { activation, units } = layer;
  if (activation === "rbf") {
    const rbf = new ElmRbf({ units, name, inputShape });
    model.add(rbf);
    setWeights(rbf, [tf.tensor2d(layer.weights, [layer.inputs, units]), tf.tensor1d(layer.bias)]);
    return;
  }
  const slope = activation === "hardlim" ? HARDLIM_SLOPE : 1;
  const tfjsActivation = activation === "hardlim" ? "hardSigmoid" : activation === "sine" ? "linear" : activation;
  const dense = tfl.layers.dense({ units, activation: tfjsActivation as "relu", name, inputShape });
  model.add(dense);
  const kernel = tf.tensor2d(slope === 1 ? layer.weights : layer.weights.map((w) => w * slope), [layer.inputs, units]);
  const bias = tf.tensor1d(slope === 1 ? layer.bias : layer.bias.map((b) => b * slope));
  setWeights(dense, [kernel, bias]);
  if (activation === "sine") model.add(new ElmSine({ name: `${name}_sine` }));
}

function setWeights(layer: tfl.layers.Layer, weights: tf.Tensor[]): void {
  layer.setWeights(weights);
  tf.dispose(weights);
}

/** Adds all random layers of an ELM, named elm_hidden, elm_hidden_1, ... */
export function addHiddenLayers(model: tfl.Sequential, layers: RandomLayer[]): void {
  layers.forEach((l, i) => addHidden(model, l, `elm_hidden${i ? `_${i}` : ""}`, i === 0 ? [l.inputs] : undefined));
}

/** The random part of the network alone, for computing H. */
export function hiddenModel(layers: RandomLayer[]): tfl.Sequential {
  const model = tfl.sequential();
  addHiddenLayers(model, layers);
  return model;
}

/** An ELM as exported: its random layers, then Dense(outputs, activation) named elm_output. */
export function elmModel(
  layers: RandomLayer[],
  outputs: number,
  activation: "sigmoid" | "softmax" | "linear",
): { model: tfl.Sequential; output: tfl.layers.Layer } {
  const model = tfl.sequential({ name: "elm" });
  addHiddenLayers(model, layers);
  const output = tfl.layers.dense({ units: outputs, activation, name: "elm_output" });
  model.add(output);
  return { model, output };
}
