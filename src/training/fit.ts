import { tf, type tfl } from "./tf.js";
import { mulberry32, shuffleInPlace } from "./rng.js";
import { EarlyStopping, ReduceLrOnPlateau } from "./callbacks.js";
import { learningRate, setLearningRate } from "./build-model.js";
import { TrainingError } from "./training-error.js";
import type { TrainingOptions } from "./spec/training-options.js";

export type EpochLogs = Record<string, number>;

export interface FitData {
  /** One tensor per model input. */
  x: tf.Tensor2D[];
  y: tf.Tensor2D;
  validation?: [tf.Tensor2D[], tf.Tensor2D];
  /** Weight per class index, for `classWeight`. */
  classWeight?: Record<number, number>;
}

export interface FitHooks {
  /** Called after every epoch (0-based) with Keras-style logs; return false to stop now. */
  onEpoch(epoch: number, logs: EpochLogs): Promise<boolean>;
}

export interface FitOutcome {
  history: Record<string, number[]>;
  epochsRun: number;
  /** Set when the hook asked to stop (e.g. the job was cancelled). */
  interrupted: boolean;
  /** Epoch (1-based, as Keras prints it) whose weights the model holds when restoreBestWeights applied. */
  restoredEpoch?: number;
  warnings: string[];
}

/**
 * Trains epoch by epoch: each epoch draws its own seeded order of the rows (so a seeded job does
 * not depend on Math.random), then runs one tfjs fit epoch over it. Early stopping follows Keras,
 * and restoreBestWeights (which tfjs lacks) keeps a copy of the best epoch's weights.
 */
export async function fitModel(model: tfl.LayersModel, data: FitData, opts: TrainingOptions, hooks: FitHooks): Promise<FitOutcome> {
  const n = data.y.shape[0];
  const random = mulberry32(opts.seed ^ 0x5bd1e995);
  const order = Array.from({ length: n }, (_, i) => i);
  const history: Record<string, number[]> = {};
  const warnings: string[] = [];
  const stopper = opts.earlyStopping ? new EarlyStopping(opts.earlyStopping) : undefined;
  const reducer = opts.reduceLrOnPlateau ? new ReduceLrOnPlateau(opts.reduceLrOnPlateau) : undefined;
  const started = Date.now();
  let best: tf.Tensor[] | undefined;
  let outcome: FitOutcome | undefined;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      if (opts.shuffle) shuffleInPlace(order, random);
      const idx = tf.tensor1d(order, "int32");
      const xs = data.x.map((x) => tf.gather(x, idx));
      const ys = tf.gather(data.y, idx);
      idx.dispose();
      let h: tfl.History;
      try {
        h = await model.fit(xs.length === 1 ? xs[0]! : xs, ys, {
          epochs: 1,
          batchSize: opts.batchSize,
          shuffle: false,
          validationData: data.validation && (data.validation[0].length === 1 ? [data.validation[0][0]!, data.validation[1]] : data.validation),
          classWeight: data.classWeight,
          verbose: 0,
        });
      } finally {
        tf.dispose([...xs, ys]);
      }
      const logs: EpochLogs = {};
      for (const [key, values] of Object.entries(h.history)) logs[key] = Number(values[0]);
      const lr = learningRate(model.optimizer);
      if (reducer) {
        logs.lr = lr; // the rate this epoch trained with, as Keras's History records it
        const next = reducer.update(epoch, logs, lr);
        if (next !== lr) setLearningRate(model.optimizer, next);
      }
      if (!Number.isFinite(logs.loss)) {
        throw new TrainingError("loss_nan", `loss became ${logs.loss} at epoch ${epoch + 1}: lower the learning rate, add regularization or check the data`);
      }
      for (const [key, value] of Object.entries(logs)) (history[key] ??= []).push(value);
      if (stopper && epoch === 0 && logs[stopper.key] === undefined) {
        warnings.push(`earlyStopping.monitor "${stopper.key}" is not among the logs (${Object.keys(logs).join(", ")}); early stopping is off`);
      }
      const verdict = stopper?.update(epoch, logs);
      if (verdict?.improved && opts.earlyStopping?.restoreBestWeights) {
        tf.dispose(best ?? []);
        best = model.getWeights().map((w) => w.clone());
      }
      const keepGoing = await hooks.onEpoch(epoch, logs);
      const overTime = opts.maxSeconds !== undefined && (Date.now() - started) / 1000 > opts.maxSeconds;
      if (overTime && epoch + 1 < opts.epochs) warnings.push(`stopped after epoch ${epoch + 1}: training.maxSeconds (${opts.maxSeconds} s) ran out`);
      if (!keepGoing || verdict?.stop || overTime) {
        outcome = { history, epochsRun: epoch + 1, interrupted: !keepGoing, warnings };
        break;
      }
    }
    outcome ??= { history, epochsRun: opts.epochs, interrupted: false, warnings };
    if (best && stopper && stopper.bestEpoch >= 0 && !outcome.interrupted) {
      model.setWeights(best);
      outcome.restoredEpoch = stopper.bestEpoch + 1;
    }
    return outcome;
  } finally {
    tf.dispose(best ?? []);
  }
}
