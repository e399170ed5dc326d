import type { tf } from "./tf.js";
import type { LossName } from "../spec/training-options.js";

/** One epoch's logs, Keras's names (`loss`, `val_accuracy`, ...). */
export type EpochLogs = Record<string, number>;

export interface FitData {
  /** One tensor per model input. */
  x: tf.Tensor2D[];
  y: tf.Tensor2D;
  validation?: [tf.Tensor2D[], tf.Tensor2D];
  /** Weight per class index, for `classWeight`. */
  classWeight?: Record<number, number>;
  /** Weight per training row (class weights already folded in); trains through weightedEpoch. */
  sampleWeight?: Float32Array;
  /** The compiled loss by its Keras name: lets the MLP fast path take the model when it can. */
  loss?: LossName;
}
