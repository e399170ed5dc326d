/**
 * Reads the train/validation curves the way the course's three pictures do: underfitting (both
 * losses high, or still falling), overfitting (validation loss turns up while training loss keeps
 * falling, or a wide accuracy gap), or a good fit. Thresholds are rules of thumb, stated in
 * `evidence` so a user can see why.
 */
export type Verdict = "underfitting" | "overfitting" | "good_fit" | "unknown";

export interface Diagnosis {
  verdict: Verdict;
  hint: string;
  evidence: Record<string, number>;
}

/** Validation loss this far above its minimum (relative) counts as having turned up. */
const RISE = 0.1;
/** A train-validation accuracy gap wider than this is memorization. */
const ACC_GAP = 0.1;
/** Training loss above this share of the know-nothing baseline means the model learned little. */
const LEARNED_LITTLE = 0.8;
/** Validation loss still falling by this share over the last fifth of the epochs: not converged. */
const STILL_FALLING = 0.02;

/**
 * @param baselineLoss the loss of a model that knows only the target's distribution (entropy of
 *   the class frequencies; 1 for a standardized regression target), the yardstick for "learned little".
 */
export function diagnose(history: Record<string, number[]>, baselineLoss: number): Diagnosis {
  const loss = history.loss ?? [];
  const val = history.val_loss ?? [];
  if (val.length < 2 || loss.length < 2) {
    return {
      verdict: "unknown",
      hint: "Too few epochs or no validation split to read the curves: keep split.validation > 0 and train a few epochs.",
      evidence: {},
    };
  }
  const last = val.length - 1;
  const minVal = Math.min(...val);
  const bestEpoch = val.indexOf(minVal);
  const finalVal = val[last]!;
  const finalTrain = loss[last]!;
  const rise = (finalVal - minVal) / Math.max(minVal, 1e-8);
  const accGap = (history.acc?.[last] ?? 0) - (history.val_acc?.[last] ?? 0);
  const from = val[Math.max(0, Math.floor(last * 0.8) - 1)]!;
  const recentDrop = (from - finalVal) / Math.max(from, 1e-8);
  const evidence = {
    epochs: val.length,
    bestEpoch: bestEpoch + 1,
    finalLoss: finalTrain,
    finalValLoss: finalVal,
    minValLoss: minVal,
    valLossRise: rise,
    accuracyGap: accGap,
    baselineLoss,
    recentValLossDrop: recentDrop,
  };
  if ((rise > RISE && bestEpoch < last * 0.8) || accGap > ACC_GAP) {
    return {
      verdict: "overfitting",
      hint: `Validation loss was lowest at epoch ${bestEpoch + 1} and rose ${(rise * 100).toFixed(0)}% since while the training loss kept falling: the network memorizes the training rows. Try earlyStopping with restoreBestWeights, dropout, an L2 kernelRegularizer, fewer units, or more data.`,
      evidence,
    };
  }
  if (finalTrain > LEARNED_LITTLE * baselineLoss) {
    return {
      verdict: "underfitting",
      hint: "Training loss stays close to that of a model that knows only the target's distribution: the network is too weak or too constrained. Add units or layers, lower dropout and L1/L2, raise the learning rate or train longer.",
      evidence,
    };
  }
  if (recentDrop > STILL_FALLING) {
    return {
      verdict: "underfitting",
      hint: `Validation loss was still falling over the last epochs (${(recentDrop * 100).toFixed(1)}%): training stopped before the model converged. Train for more epochs (with earlyStopping to stop at the right time) or raise the learning rate.`,
      evidence,
    };
  }
  return {
    verdict: "good_fit",
    hint: "Training and validation losses have levelled off together and validation loss did not turn up: the capacity suits the data.",
    evidence,
  };
}

/** Cross-entropy of predicting the class frequencies themselves (natural log, as the loss). */
export function priorLoss(counts: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return Math.max(0, -counts.reduce((s, c) => (c > 0 ? s + (c / n) * Math.log(c / n) : s), 0));
}
