/**
 * The one place that imports TensorFlow.js. Core and layers are pinned to the same exact
 * version as the optional tfjs-node(-gpu) packages, so there is a single tfjs-core instance.
 */
export * as tf from "@tensorflow/tfjs-core";
export * as tfl from "@tensorflow/tfjs-layers";
