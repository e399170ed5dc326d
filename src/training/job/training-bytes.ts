import type { ModelSummary } from "../formats/tfjs.js";
import type { OptimizerSpec } from "../spec/training-options.js";

/** Optimizer state per weight: Adam-like keep two moments, momentum and RMSprop one, plain SGD none. */
const SLOTS: Record<OptimizerSpec["type"], number> = { adam: 2, adamax: 2, adadelta: 2, rmsprop: 2, adagrad: 1, sgd: 1 };

/**
 * A rough peak of training memory in bytes (float32): weights, gradients and optimizer slots,
 * forward and backward activations of one batch, and the encoded data with its shuffled copy.
 */
export function estimateTrainingBytes(
  summary: ModelSummary,
  opts: { optimizer: OptimizerSpec["type"]; batchSize: number; rows: number; inputs: number },
): number {
  const weights = summary.totalParams * (2 + SLOTS[opts.optimizer]);
  const activations =
    summary.layers.reduce((s, l) => {
      const raw = l.outputShape as unknown[];
      const shape = (Array.isArray(raw?.[0]) ? raw[0] : raw) as Array<number | null> | undefined;
      return s + (shape ?? []).reduce<number>((a, d) => a * (d ?? 1), 1);
    }, 0) *
    opts.batchSize *
    2;
  const data = opts.rows * opts.inputs * 2;
  return 4 * (weights + activations + data);
}
