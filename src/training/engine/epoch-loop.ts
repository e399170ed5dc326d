import { tf, type tfl } from "./tf.js";
import { epochSeed, mulberry32, reseedForEpoch, shuffleInPlace } from "./rng.js";
import { captureCheckpoint, restoreCheckpoint, type Checkpoint } from "./checkpoint.js";
import { EarlyStopping, ReduceLrOnPlateau } from "./callbacks.js";
import { learningRate, setLearningRate } from "./tfjs-builders.js";
import { TrainingError } from "../spec/training-error.js";
import type { LossName, TrainingOptions } from "../spec/training-options.js";
import { fastRun, type FastRun } from "./fast/fit-fast.js";
import type { EpochLogs, FitData } from "./fit-data.js";
export type { EpochLogs, FitData };

export interface FitHooks {
  /** Called after every epoch (0-based) with Keras-style logs; return false to stop now. */
  onEpoch(epoch: number, logs: EpochLogs): Promise<boolean>;
  /** Several epochs at once (a booster's rounds, reported in batches); return false to stop now. */
  onEpochs?(first: number, logs: EpochLogs[]): Promise<boolean>;
  /** Stores the run's state, every `checkpointEvery` epochs and when `stopRequested` stops it. */
  onCheckpoint?(cp: Checkpoint): Promise<void>;
  checkpointEvery?: number;
  /** State to resume from (a previous attempt's last checkpoint). */
  resume?: Checkpoint;
  /** Polled after each epoch: true asks for a checkpoint and an interrupted stop (shutdown). */
  stopRequested?(): boolean;
}

export interface FitOutcome {
  history: Record<string, number[]>;
  epochsRun: number;
  /** Set when the hook asked to stop (e.g. the job was cancelled). */
  interrupted: boolean;
  /** The epoch a checkpoint resumed the run at, if it did. */
  resumedAt?: number;
  /** Epoch (1-based, as Keras prints it) whose weights the model holds when restoreBestWeights applied. */
  restoredEpoch?: number;
  warnings: string[];
  /** What ran the training steps: the native MLP fast path, or tfjs's own fit. */
  engine: "mlp-native" | "tfjs";
}

/**
 * Trains epoch by epoch: each epoch draws its own seeded order of the rows (so a seeded job does
 * not depend on Math.random), then runs one tfjs fit epoch over it. Early stopping follows Keras,
 * and restoreBestWeights (which tfjs lacks) keeps a copy of the best epoch's weights.
 */
export async function fitModel(model: tfl.LayersModel, data: FitData, opts: TrainingOptions, hooks: FitHooks): Promise<FitOutcome> {
  const n = data.y.shape[0];
  let history: Record<string, number[]> = {};
  const warnings: string[] = [];
  const stopper = opts.earlyStopping ? new EarlyStopping(opts.earlyStopping) : undefined;
  const reducer = opts.reduceLrOnPlateau ? new ReduceLrOnPlateau(opts.reduceLrOnPlateau) : undefined;
  const started = Date.now();
  let best: tf.Tensor[] | undefined;
  let outcome: FitOutcome | undefined;
  let first = 0;
  if (hooks.resume) {
    best = await restoreCheckpoint(model, hooks.resume);
    history = structuredClone(hooks.resume.history);
    const c = hooks.resume.callbacks;
    if (stopper && c.stopper) {
      stopper.wait = c.stopper.wait;
      Object.assign(stopper.monitor, { best: c.stopper.best ?? Infinity, bestEpoch: c.stopper.bestEpoch });
    }
    if (reducer && c.reducer) {
      Object.assign(reducer, { wait: c.reducer.wait, cooldown: c.reducer.cooldown });
      Object.assign(reducer.monitor, { best: c.reducer.best ?? Infinity, bestEpoch: c.reducer.bestEpoch });
    }
    setLearningRate(model.optimizer, c.lr);
    first = hooks.resume.epoch;
  }
  // After a resume restored the weights and optimizer slots, so the fast path starts from them.
  const fast: FastRun | string = data.loss ? await fastRun(model, data, data.loss, opts) : "no loss name";
  const engine = typeof fast === "string" ? "tfjs" : "mlp-native";
  const checkpoint = async (epoch: number) => {
    if (!hooks.onCheckpoint) return;
    if (typeof fast !== "string") await fast.trainer.syncOptimizer();
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    const callbacks = {
      lr: learningRate(model.optimizer),
      ...(stopper ? { stopper: { best: finite(stopper.monitor.best), bestEpoch: stopper.monitor.bestEpoch, wait: stopper.wait } } : {}),
      ...(reducer
        ? { reducer: { best: finite(reducer.monitor.best), bestEpoch: reducer.monitor.bestEpoch, wait: reducer.wait, cooldown: reducer.cooldown } }
        : {}),
    };
    await hooks.onCheckpoint(await captureCheckpoint(model, epoch, history, callbacks, best));
  };
  try {
    for (let epoch = first; epoch < opts.epochs; epoch++) {
      // Each epoch's order and random draws come from (seed, epoch) alone, so a run resumed at
      // epoch e continues exactly as the uninterrupted run would have.
      reseedForEpoch(opts.seed, epoch);
      const order = Array.from({ length: n }, (_, i) => i);
      if (opts.shuffle) shuffleInPlace(order, mulberry32(epochSeed(opts.seed ^ 0x5bd1e995, epoch)));
      // maxSeconds is checked at every batch's end: a slow epoch cannot overrun it by much.
      const deadline = opts.maxSeconds !== undefined ? started + opts.maxSeconds * 1000 : Infinity;
      const logs =
        typeof fast === "string"
          ? await tfjsEpoch(model, data, order, opts.batchSize, deadline)
          : await fast.epoch(order, epoch, learningRate(model.optimizer), deadline);
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
      const shutdown = keepGoing && (hooks.stopRequested?.() ?? false);
      const every = hooks.checkpointEvery ?? 0;
      if (shutdown || (every > 0 && (epoch + 1) % every === 0 && epoch + 1 < opts.epochs)) await checkpoint(epoch + 1);
      if (shutdown) {
        outcome = { history, epochsRun: epoch + 1, interrupted: true, warnings, engine };
        break;
      }
      const overTime = opts.maxSeconds !== undefined && (Date.now() - started) / 1000 > opts.maxSeconds;
      if (overTime && epoch + 1 < opts.epochs) warnings.push(`stopped in epoch ${epoch + 1}: training.maxSeconds (${opts.maxSeconds} s) ran out`);
      if (!keepGoing || verdict?.stop || overTime) {
        outcome = { history, epochsRun: epoch + 1, interrupted: !keepGoing, warnings, engine };
        break;
      }
    }
    outcome ??= { history, epochsRun: opts.epochs, interrupted: false, warnings, engine };
    if (hooks.resume) outcome.resumedAt = hooks.resume.epoch;
    if (best && stopper && stopper.bestEpoch >= 0 && !outcome.interrupted) {
      model.setWeights(best);
      outcome.restoredEpoch = stopper.bestEpoch + 1;
    }
    return outcome;
  } finally {
    tf.dispose(best ?? []);
  }
}

/** One epoch through tfjs over the rows in `order`. */
async function tfjsEpoch(model: tfl.LayersModel, data: FitData, order: number[], batchSize: number, deadline: number): Promise<EpochLogs> {
  const idx = tf.tensor1d(order, "int32");
  const xs = data.x.map((x) => tf.gather(x, idx));
  const ys = tf.gather(data.y, idx);
  const ws = data.sampleWeight ? tf.tensor1d(Float32Array.from(order, (i) => data.sampleWeight![i]!)) : undefined;
  idx.dispose();
  try {
    return ws ? await weightedEpoch(model, xs, ys, ws, batchSize, deadline, data.validation) : await plainEpoch(model, xs, ys, batchSize, deadline, data);
  } finally {
    tf.dispose([...xs, ys, ...(ws ? [ws] : [])]);
  }
}

/** One epoch of tfjs's own fit over the (already shuffled) rows. */
async function plainEpoch(model: tfl.LayersModel, xs: tf.Tensor2D[], ys: tf.Tensor2D, batchSize: number, deadline: number, data: FitData): Promise<EpochLogs> {
  const h = await model.fit(xs.length === 1 ? xs[0]! : xs, ys, {
    // tfjs ends the epoch after the batch in which stopTraining was set.
    callbacks: { onBatchEnd: async () => void (Date.now() > deadline && (model.stopTraining = true)) },
    epochs: 1,
    batchSize,
    shuffle: false,
    validationData: data.validation && (data.validation[0].length === 1 ? [data.validation[0][0]!, data.validation[1]] : data.validation),
    classWeight: data.classWeight,
    verbose: 0,
  });
  const logs: EpochLogs = {};
  for (const [key, values] of Object.entries(h.history)) logs[key] = Number(values[0]);
  return logs;
}

/**
 * One epoch with per-row weights. tfjs's fit refuses sampleWeight ("not implemented yet") though
 * its train function takes weights (it uses them for classWeight), so batches go straight to
 * that function: loss = mean(weight * loss) + regularizers, as Keras's sample_weight. Logs are
 * batch-size-weighted means, like fit's.
 */
async function weightedEpoch(
  model: tfl.LayersModel,
  xs: tf.Tensor2D[],
  ys: tf.Tensor2D,
  ws: tf.Tensor1D,
  batchSize: number,
  deadline: number,
  validation?: [tf.Tensor2D[], tf.Tensor2D],
): Promise<EpochLogs> {
  // A Sequential delegates to an inner LayersModel; fit() sets collectedTrainableWeights before training.
  type Core = { makeTrainFunction(): (data: tf.Tensor[]) => tf.Scalar[]; collectedTrainableWeights?: unknown; trainableWeights: unknown };
  const inner: unknown = Reflect.get(model, "model");
  const target: object = inner && typeof inner === "object" ? inner : model;
  if (!("makeTrainFunction" in target)) throw new Error("tfjs's LayersModel no longer has makeTrainFunction: weighted training needs it");
  const core = target as Core; // tfjs's internals, checked above
  core.collectedTrainableWeights ??= core.trainableWeights;
  const train = core.makeTrainFunction();
  const names = model.metricsNames;
  const sums = new Array<number>(names.length).fill(0);
  let n = ys.shape[0];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const batch = [...xs.map((x) => tf.slice(x, start, size)), tf.slice(ys, start, size), tf.slice(ws, start, size)];
    const outs = train(batch);
    outs.forEach((o, k) => (sums[k]! += o.dataSync()[0]! * size));
    tf.dispose([...batch, ...outs]);
    await new Promise((r) => setImmediate(r)); // let the worker's event loop breathe between batches
    if (Date.now() > deadline) {
      n = start + size; // the logs are means over the rows this epoch saw
      break;
    }
  }
  const logs: EpochLogs = {};
  names.forEach((name, k) => (logs[name] = sums[k]! / n));
  if (validation) {
    const out = model.evaluate(validation[0].length === 1 ? validation[0][0]! : validation[0], validation[1], { batchSize }) as tf.Scalar | tf.Scalar[];
    const values = Array.isArray(out) ? out : [out];
    names.forEach((name, k) => (logs[`val_${name}`] = values[k]!.dataSync()[0]!));
    tf.dispose(values);
  }
  return logs;
}
