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
  /** Per Dense op: kernel and bias (bias may be absent), in the model's weight order. */
  private readonly weights: Float32Array[] = [];
  private readonly slots: Float32Array[][];

  private constructor(
    private readonly model: tfl.LayersModel,
    private readonly plan: FastPlan,
    lib: NativeAddon,
    opt: OptimizerSpec,
    maxBatch: number,
    iterations: number,
    restored: Float32Array[] | undefined,
    inputWidth: number,
  ) {
    const kinds = slotKinds(plan, opt);
    this.slots = kinds.map(() => []);
    const ops = plan.ops.map((op) => {
      if (op.kind !== OP.dense) return { kind: op.kind, activation: op.activation, alpha: op.alpha, rate: op.rate };
      const tensors = op.layer!.getWeights();
      const ws = tensors.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      this.weights.push(...ws);
      const slots = kinds.map((fill, k) =>
        ws.map((w) => {
          const s = new Float32Array(w.length).fill(fill);
          this.slots[k]!.push(s);
          return s;
        }),
      );
      return {
        kind: op.kind,
        activation: op.activation,
        units: tensors[0]!.shape[1],
        kernel: ws[0],
        bias: ws[1] ?? null,
        l1: op.l1,
        l2: op.l2,
        biasL1: op.biasL1,
        biasL2: op.biasL2,
        slots,
      };
    });
    // A resumed run's optimizer state, as tfjs's getWeights listed it: per slot kind, every variable.
    if (restored) this.slots.flat().forEach((s, i) => s.set(restored[i]!));
    const outUnits = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1] as number;
    this.handle = lib.create({ input: inputWidth, outUnits, loss: plan.loss, maxBatch, seed: 0, optimizer: { ...plan.optimizer, iterations }, ops });
  }

  /** A trainer for this compiled model, or why it cannot have one. */
  static async for(model: tfl.LayersModel, loss: LossName, opt: OptimizerSpec, batchSize: number): Promise<FastTrainer | string> {
    const lib = nativeAddon();
    if (!lib) return "fast path not built";
    const plan = fastPlan(model, loss, opt);
    if (typeof plan === "string") return plan;
    const width = model.inputs[0]!.shape[1];
    if (typeof width !== "number") return "input width unknown";
    const saved = await model.optimizer.getWeights();
    const iterations = saved.length ? saved[0]!.tensor.dataSync()[0]! : 0;
    saved[0]?.tensor.dispose(); // the iteration count, made by getWeights; the rest are the optimizer's own
    const restored = saved.length > 1 ? saved.slice(1).map((s) => Float32Array.from(s.tensor.dataSync() as Float32Array)) : undefined;
    try {
      return new FastTrainer(model, plan, lib, opt, batchSize, iterations, restored, width);
    } catch (err) {
      return `native network not created: ${(err as Error).message}`; // e.g. no memory for the batch: tfjs says it its own way
    }
  }

  /** One epoch over `order` (rows of x/y, already shuffled); stops early after a batch past the deadline. */
  async epoch(
    x: Float32Array,
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
  evaluate(x: Float32Array, y: Float32Array, n: number): EpochLogs {
    nativeAddon()!.evaluate(this.handle, x, y, n, this.out);
    return Object.fromEntries(this.plan.metrics.map(([name, slot]) => [`val_${name}`, this.out[slot]!]));
  }

  /** Puts the trained weights into the tfjs model. */
  syncModel(): void {
    // Copies: some backends (tfjs-node, cpu) keep the very array a tensor is made from, and these
    // arrays keep changing as training goes on (a kept best epoch's weights would change too).
    const tensors = this.model.getWeights().map((t, i) => tf.tensor(this.weights[i]!.slice(), t.shape));
    this.model.setWeights(tensors);
    tf.dispose(tensors);
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
