import type { EarlyStoppingSpec } from "./spec/training-options.js";

/** tfjs names Keras's `accuracy` logs `acc`; accept both spellings for `monitor`. */
export function logKey(monitor: string): string {
  return monitor.replace(/(^|_)accuracy$/, "$1acc");
}

/**
 * Keras EarlyStopping's rule (keras/src/callbacks/early_stopping.py): an epoch improves when it
 * beats the best by more than minDelta; training stops once `patience` epochs in a row did not.
 */
export class EarlyStopping {
  readonly key: string;
  private readonly sign: 1 | -1;
  private best = Infinity;
  private wait = 0;
  bestEpoch = -1;

  constructor(private readonly spec: EarlyStoppingSpec) {
    this.key = logKey(spec.monitor);
    const max = spec.mode === "max" || (spec.mode === "auto" && /acc|auc|precision|recall|r2/.test(this.key));
    this.sign = max ? -1 : 1;
  }

  /** Records an epoch; says whether it is the best so far and whether to stop now. */
  update(epoch: number, logs: Record<string, number>): { improved: boolean; stop: boolean } {
    const value = logs[this.key];
    if (value === undefined || Number.isNaN(value)) return { improved: false, stop: false };
    const score = this.sign * value;
    if (score < this.best - this.spec.minDelta) {
      this.best = score;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait++;
    return { improved: false, stop: this.wait >= this.spec.patience && epoch > 0 };
  }
}
