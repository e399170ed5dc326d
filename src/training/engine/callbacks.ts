import type { EarlyStoppingSpec, ReduceLrSpec } from "../spec/training-options.js";

/** tfjs names Keras's `accuracy` logs `acc`; accept both spellings for `monitor`. */
export function logKey(monitor: string): string {
  return monitor.replace(/(^|_)accuracy$/, "$1acc");
}

/**
 * Keras's monitor rule (keras/src/callbacks/early_stopping.py, reduce_lr_on_plateau.py): an epoch
 * improves when it beats the best by more than minDelta; `auto` maximizes accuracy-like metrics.
 */
export class Monitor {
  readonly key: string;
  private readonly sign: 1 | -1;
  best = Infinity;
  bestEpoch = -1;

  constructor(
    monitor: string,
    mode: "auto" | "min" | "max",
    private readonly minDelta: number,
  ) {
    this.key = logKey(monitor);
    const max = mode === "max" || (mode === "auto" && /acc|auc|precision|recall|r2/.test(this.key));
    this.sign = max ? -1 : 1;
  }

  /** Undefined when the metric is not in the logs; else whether this epoch improved. */
  improved(epoch: number, logs: Record<string, number>): boolean | undefined {
    const value = logs[this.key];
    if (value === undefined || Number.isNaN(value)) return undefined;
    if (this.sign * value < this.best - this.minDelta) {
      this.best = this.sign * value;
      this.bestEpoch = epoch;
      return true;
    }
    return false;
  }
}

/** Keras EarlyStopping: stop once `patience` epochs in a row did not improve. */
export class EarlyStopping {
  readonly monitor: Monitor;
  wait = 0;

  constructor(private readonly spec: EarlyStoppingSpec) {
    this.monitor = new Monitor(spec.monitor, spec.mode, spec.minDelta);
  }

  get key(): string {
    return this.monitor.key;
  }

  get bestEpoch(): number {
    return this.monitor.bestEpoch;
  }

  /** Records an epoch; says whether it is the best so far and whether to stop now. */
  update(epoch: number, logs: Record<string, number>): { improved: boolean; stop: boolean } {
    const improved = this.monitor.improved(epoch, logs);
    if (improved === undefined) return { improved: false, stop: false };
    if (improved) {
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait++;
    return { improved: false, stop: this.wait >= this.spec.patience && epoch > 0 };
  }
}

/**
 * Keras ReduceLROnPlateau: after `patience` epochs without improvement, multiply the learning
 * rate by `factor` (not below minLr), then wait `cooldown` epochs before counting again.
 */
export class ReduceLrOnPlateau {
  readonly monitor: Monitor;
  wait = 0;
  cooldown = 0;

  constructor(private readonly spec: ReduceLrSpec) {
    this.monitor = new Monitor(spec.monitor, spec.mode, spec.minDelta);
  }

  /** Returns the learning rate for the next epoch. */
  update(epoch: number, logs: Record<string, number>, lr: number): number {
    const improved = this.monitor.improved(epoch, logs);
    if (improved === undefined) return lr;
    if (this.cooldown > 0) {
      this.cooldown--;
      this.wait = 0;
    }
    if (improved) {
      this.wait = 0;
      return lr;
    }
    if (this.cooldown > 0) return lr;
    if (++this.wait < this.spec.patience || lr <= this.spec.minLr) return lr;
    this.wait = 0;
    this.cooldown = this.spec.cooldown;
    return Math.max(lr * this.spec.factor, this.spec.minLr);
  }
}
