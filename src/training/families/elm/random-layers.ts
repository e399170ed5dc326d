import { mulberry32 } from "../../engine/rng.js";
import type { ElmSpec } from "./spec.js";

type Activation = ElmSpec["activation"];

/** One random hidden layer: z = x W + b then the node function; rbf nodes keep centers and widths. */
export interface RandomLayer {
  activation: Activation;
  inputs: number;
  units: number;
  /** Row-major [inputs, units]: dense nodes' weights, or rbf nodes' centers (one per column). */
  weights: Float32Array;
  /** Dense nodes' biases, or rbf nodes' widths gamma. */
  bias: Float32Array;
}

function sampler(seed: number, distribution: ElmSpec["distribution"], scale: number): () => number {
  const random = mulberry32(seed);
  if (distribution === "uniform") return () => (2 * random() - 1) * scale;
  return () => {
    // Box-Muller; one of the pair is enough here.
    const u = Math.max(random(), 1e-12);
    return scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/**
 * Draws a layer's weights column by column (node by node), so the first m nodes of a larger
 * layer are exactly the nodes of a smaller one with the same seed: a hidden-size search fits
 * every candidate from one H^T H (its leading blocks).
 */
export function randomLayer(spec: Pick<ElmSpec, "distribution" | "scale">, activation: Activation, inputs: number, units: number, seed: number): RandomLayer {
  const weights = new Float32Array(inputs * units);
  const bias = new Float32Array(units);
  if (activation === "rbf") {
    // Centers spread like the (standardized) inputs; widths so that z stays O(1) (Huang et al. 2006, RBF nodes).
    const center = sampler(seed, "normal", 1);
    const width = mulberry32(seed + 1);
    for (let j = 0; j < units; j++) {
      for (let i = 0; i < inputs; i++) weights[i * units + j] = center();
      bias[j] = (spec.scale * (0.5 + width())) / Math.max(inputs, 1);
    }
    return { activation, inputs, units, weights, bias };
  }
  const w = sampler(seed, spec.distribution, spec.scale);
  const b = sampler(seed + 1, spec.distribution, spec.scale);
  for (let j = 0; j < units; j++) {
    for (let i = 0; i < inputs; i++) weights[i * units + j] = w();
    bias[j] = b();
  }
  return { activation, inputs, units, weights, bias };
}

/** The random layers of a spec, the last one `units` wide (the largest candidate in a search). */
export function randomLayers(spec: ElmSpec, inputs: number, units: number): RandomLayer[] {
  const layers: RandomLayer[] = [];
  let width = inputs;
  spec.layers.forEach((l, i) => {
    layers.push(randomLayer(spec, l.activation ?? spec.activation, width, l.units, spec.seed + 1000 * (i + 1)));
    width = l.units;
  });
  layers.push(randomLayer(spec, spec.activation, width, units, spec.seed));
  return layers;
}

/** The first m nodes of a layer (its first m columns). */
export function firstNodes(layer: RandomLayer, m: number): RandomLayer {
  const weights = new Float32Array(layer.inputs * m);
  for (let i = 0; i < layer.inputs; i++) weights.set(layer.weights.subarray(i * layer.units, i * layer.units + m), i * m);
  return { ...layer, units: m, weights, bias: layer.bias.slice(0, m) };
}
