/** The fit loop's side of the fast path: the data as arrays once, then one call per epoch. */
import type { tfl } from "../tf.js";
import { epochSeed } from "../rng.js";
import type { LossName, TrainingOptions } from "../../spec/training-options.js";
import type { EpochLogs, FitData } from "../fit-data.js";
import { FastTrainer } from "./trainer.js";

export interface FastRun {
  trainer: FastTrainer;
  epoch(order: number[], epoch: number, lr: number, deadline: number): Promise<EpochLogs>;
}

/** Per-row class weights as tfjs derives them: the class is argmax of a one-hot row, else the value. */
function classWeightsPerRow(y: Float32Array, width: number, classWeight: Record<number, number>): Float32Array {
  const n = y.length / width;
  return Float32Array.from({ length: n }, (_, i) => {
    let c = 0;
    if (width === 1) c = Math.round(y[i]!);
    else for (let k = 1; k < width; k++) if (y[i * width + k]! > y[i * width + c]!) c = k;
    return classWeight[c] ?? 1;
  });
}

/** A fast-path run for this fit, or the reason it trains through tfjs. */
export async function fastRun(model: tfl.LayersModel, data: FitData, loss: LossName, opts: TrainingOptions): Promise<FastRun | string> {
  // Batches never exceed the rows: a batchSize of 65,536 on 150 rows allocates for 150.
  const trainer = await FastTrainer.for(model, loss, opts.optimizer, Math.max(1, Math.min(opts.batchSize, data.y.shape[0])));
  if (typeof trainer === "string") return trainer;
  const x = data.x.map((t) => t.dataSync() as Float32Array);
  const y = data.y.dataSync() as Float32Array;
  const w = data.sampleWeight ?? (data.classWeight ? classWeightsPerRow(y, data.y.shape[1], data.classWeight) : null);
  const val = data.validation && {
    x: data.validation[0].map((t) => t.dataSync() as Float32Array),
    y: data.validation[1].dataSync() as Float32Array,
    n: data.validation[1].shape[0],
  };
  return {
    trainer,
    async epoch(order, epoch, lr, deadline) {
      const seed = epochSeed(opts.seed ^ 0x2545f491, epoch); // dropout masks per (seed, epoch), as the order is
      const logs = await trainer.epoch(x, y, w, Int32Array.from(order), opts.batchSize, lr, deadline, seed);
      trainer.syncModel();
      return val ? { ...logs, ...trainer.evaluate(val.x, val.y, val.n) } : logs;
    },
  };
}
