import { tf, type tfl } from "./tf.js";

/** Callback state that must survive a restart for the resumed run to behave as one run. */
export interface CallbackState {
  /** `best` is null before any epoch improved (JSON has no Infinity). */
  stopper?: { best: number | null; bestEpoch: number; wait: number };
  reducer?: { best: number | null; bestEpoch: number; wait: number; cooldown: number };
  lr: number;
}

/** A training run's state after `epoch` completed epochs. */
export interface Checkpoint {
  epoch: number;
  history: Record<string, number[]>;
  callbacks: CallbackState;
  /** Model weights, optimizer slots (and best weights), as tf.io.encodeWeights lays them out. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  data: Buffer;
}

/** Captures model weights, optimizer state and best weights (for restoreBestWeights). */
export async function captureCheckpoint(
  model: tfl.LayersModel,
  epoch: number,
  history: Record<string, number[]>,
  callbacks: CallbackState,
  best?: tf.Tensor[],
): Promise<Checkpoint> {
  const slots = await model.optimizer.getWeights();
  const named: Array<{ name: string; tensor: tf.Tensor }> = [
    ...model.getWeights().map((tensor, i) => ({ name: `model/${i}`, tensor })),
    ...slots.map((w) => ({ name: `optimizer/${w.name}`, tensor: w.tensor })),
    ...(best ?? []).map((tensor, i) => ({ name: `best/${i}`, tensor })),
  ];
  const { data, specs } = await tf.io.encodeWeights(named);
  tf.dispose(slots.filter((w) => w.name === "iter").map((w) => w.tensor)); // getWeights made this one
  return { epoch, history: structuredClone(history), callbacks, weightSpecs: specs, data: Buffer.from(data as ArrayBuffer) };
}

/** Puts a checkpoint's weights and optimizer state back; returns the best weights if it had them. */
export async function restoreCheckpoint(model: tfl.LayersModel, cp: Checkpoint): Promise<tf.Tensor[] | undefined> {
  const bytes = cp.data.buffer.slice(cp.data.byteOffset, cp.data.byteOffset + cp.data.byteLength) as ArrayBuffer;
  const map = tf.io.decodeWeights(bytes, cp.weightSpecs);
  const take = (prefix: string) =>
    Object.keys(map)
      .filter((k) => k.startsWith(prefix))
      .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
      .map((k) => map[k]!);
  model.setWeights(take("model/"));
  tf.dispose(take("model/"));
  // Order matters to tfjs optimizers (slots are matched by position), and encodeWeights kept it.
  const slots = Object.keys(map)
    .filter((k) => k.startsWith("optimizer/"))
    .map((k) => ({ name: k.slice("optimizer/".length), tensor: map[k]! }));
  if (slots.length) await replaceOptimizerState(model.optimizer, slots);
  const best = take("best/");
  return best.length ? best : undefined;
}

/**
 * Sets an optimizer's slots (as getWeights lists them) and frees what they replace: tfjs's
 * setWeights makes new variables and drops the old ones without disposing them.
 */
export async function replaceOptimizerState(optimizer: tf.Optimizer, slots: Array<{ name: string; tensor: tf.Tensor }>): Promise<void> {
  const old = await optimizer.getWeights();
  await optimizer.setWeights(slots);
  tf.dispose([...old.map((w) => w.tensor), ...slots.map((s) => s.tensor)]);
}
