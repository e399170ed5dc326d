/**
 * Trains a model the fast path can take (plan.ts) with the native addon (native/mlp): the
 * weights and optimizer slots live in Float32Arrays that the addon updates in place, and go
 * back into the tfjs model after every epoch, so early stopping's best weights, checkpoints,
 * evaluation and export see the same model either way.
 */
import { tf, type tfl } from "../tf.js";
import { fastPlan, OP, type FastPlan } from "./plan.js";
import { nameOf, SLOT_NAMES } from "./codes.js";
import type { LossName, OptimizerSpec } from "../../spec/training-options.js";
import type { EpochLogs } from "../fit-data.js";
import { nativeAddon, type NativeAddon } from "../native.js";
import { replaceOptimizerState } from "../checkpoint.js";

/** tfjs's slot names of an optimizer code (codes.ts). */
const slotNames = (optimizer: number): string[] => SLOT_NAMES[nameOf("O", optimizer) as keyof typeof SLOT_NAMES] ?? [];

export class FastTrainer {
  private readonly handle: object;
  private readonly out = new Float64Array(4);
  /** Per layer with weights: its arrays in layer.getWeights() order (a batch norm's moving statistics too), and their shapes. */
  private readonly layers: Array<{ layer: tfl.layers.Layer; arrays: Float32Array[]; shapes: number[][] }> = [];
  /** Per optimizer slot kind, one array per trainable variable, in model.trainableWeights order. */
  private readonly slots: Float32Array[][];

  private constructor(
    private readonly model: tfl.LayersModel,
    private readonly plan: FastPlan,
    lib: NativeAddon,
    opt: OptimizerSpec,
    maxBatch: number,
    iterations: number,
    restored: Float32Array[] | undefined,
  ) {
    const kinds = slotKinds(plan, opt);
    this.slots = kinds.map(() => []);
    const variable = (value: Float32Array, l1 = 0, l2 = 0) => ({
      value,
      l1,
      l2,
      slots: kinds.map((fill, k) => {
        const s = new Float32Array(value.length).fill(fill);
        this.slots[k]!.push(s);
        return s;
      }),
    });
    const ops = plan.ops.map((op) => {
      const common = { ...op, layer: undefined };
      if (!op.layer) return common;
      const tensors = op.layer.getWeights();
      const arrays = tensors.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      this.layers.push({ layer: op.layer, arrays, shapes: tensors.map((t) => t.shape) });
      if (op.kind === OP.dense)
        return { ...common, params: [variable(arrays[0]!, op.l1, op.l2), ...(arrays[1] ? [variable(arrays[1], op.biasL1, op.biasL2)] : [])] };
      if (op.kind === OP.embedding) return { ...common, params: [variable(arrays[0]!)] };
      // Normalizations: gamma and beta are trained; a batch norm's moving mean and variance follow the batches.
      return { ...common, params: [variable(arrays[0]!), variable(arrays[1]!)], movingMean: arrays[2], movingVariance: arrays[3] };
    });
    // A resumed run's optimizer state, as tfjs's getWeights listed it: per slot kind, every variable.
    if (restored) this.slots.flat().forEach((s, i) => s.set(restored[i]!));
    const outUnits = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1] as number;
    this.handle = lib.create({ inputs: plan.inputs, outUnits, loss: plan.loss, maxBatch, seed: 0, optimizer: { ...plan.optimizer, iterations }, ops });
  }

  /** A trainer for this compiled model, or why it cannot have one. */
  static async for(model: tfl.LayersModel, loss: LossName, opt: OptimizerSpec, batchSize: number): Promise<FastTrainer | string> {
    const lib = nativeAddon();
    if (!lib) return "fast path not built";
    const plan = fastPlan(model, loss, opt);
    if (typeof plan === "string") return plan;
    // The slots are laid out layer by layer; tfjs lists the optimizer's variables as model.trainableWeights does.
    const ours = plan.ops.flatMap((op) => op.layer?.trainableWeights.map((w) => w.name) ?? []);
    if (ours.join() !== model.trainableWeights.map((w) => w.name).join()) return "trainable weights in another order than the layers";
    const saved = await model.optimizer.getWeights();
    const iterations = saved.length ? saved[0]!.tensor.dataSync()[0]! : 0;
    saved[0]?.tensor.dispose(); // the iteration count, made by getWeights; the rest are the optimizer's own
    const restored = saved.length > 1 ? saved.slice(1).map((s) => Float32Array.from(s.tensor.dataSync() as Float32Array)) : undefined;
    try {
      return new FastTrainer(model, plan, lib, opt, batchSize, iterations, restored);
    } catch (err) {
      return `native network not created: ${(err as Error).message}`; // e.g. no memory for the batch: tfjs says it its own way
    }
  }

  /** One epoch over `order` (rows of x/y, already shuffled); stops early after a batch past the deadline. */
  async epoch(
    x: Float32Array[],
    y: Float32Array,
    w: Float32Array | null,
    order: Int32Array,
    batchSize: number,
    lr: number,
    deadline: number,
    seed: number,
  ): Promise<EpochLogs> {
    const lib = nativeAddon()!;
    lib.reseed(this.handle, seed);
    const sums = new Float64Array(4);
    let seen = 0;
    let yielded = Date.now();
    for (let start = 0; start < order.length; start += batchSize) {
      const size = Math.min(batchSize, order.length - start);
      lib.trainBatch(this.handle, x, y, w, order, start, size, lr, this.out);
      for (let k = 0; k < 4; k++) sums[k]! += this.out[k]! * size;
      seen += size;
      const now = Date.now();
      if (now > deadline) break;
      // The training child answers its parent between batches (cancel, heartbeats).
      if (now - yielded > 50) {
        await new Promise((r) => setImmediate(r));
        yielded = Date.now();
      }
    }
    return Object.fromEntries(this.plan.metrics.map(([name, slot]) => [name, sums[slot]! / seen]));
  }

  /** Keras's val_ logs: unweighted means over the validation rows, without penalties. */
  evaluate(x: Float32Array[], y: Float32Array, n: number): EpochLogs {
    nativeAddon()!.evaluate(this.handle, x, y, n, this.out);
    return Object.fromEntries(this.plan.metrics.map(([name, slot]) => [`val_${name}`, this.out[slot]!]));
  }

  /** Puts the trained weights into the tfjs model. */
  syncModel(): void {
    // Copies: some backends (tfjs-node, cpu) keep the very array a tensor is made from, and these
    // arrays keep changing as training goes on (a kept best epoch's weights would change too).
    for (const { layer, arrays, shapes } of this.layers) {
      const tensors = arrays.map((a, i) => tf.tensor(a.slice(), shapes[i]));
      layer.setWeights(tensors);
      tf.dispose(tensors);
    }
  }

  /** Puts the optimizer state into the tfjs optimizer (for a checkpoint), named as tfjs names it. */
  async syncOptimizer(): Promise<void> {
    const names = this.model.trainableWeights.map((w) => w.originalName);
    const kinds = slotNames(this.plan.optimizer.type).slice(0, this.slots.length);
    const named = [
      { name: "iter", tensor: tf.scalar(nativeAddon()!.iterations(this.handle), "int32") },
      ...kinds.flatMap((kind, k) =>
        this.slots[k]!.map((s, i) => ({ name: `${names[i]}/${kind}`, tensor: tf.tensor(s.slice(), this.model.trainableWeights[i]!.shape as number[]) })),
      ),
    ];
    await replaceOptimizerState(this.model.optimizer, named);
  }
}

/** The optimizer's slots per variable and each one's starting value (tfjs creates them so). */
function slotKinds(plan: FastPlan, opt: OptimizerSpec): number[] {
  switch (nameOf("O", plan.optimizer.type)) {
    case "momentum":
      return [0];
    case "adam":
      return [0, 0];
    case "rmsprop":
      return plan.optimizer.centered ? [0, 0, 0] : [0, 0];
    case "adagrad":
      return [opt.type === "adagrad" ? opt.initialAccumulatorValue : 0.1];
    default:
      return [];
  }
}
