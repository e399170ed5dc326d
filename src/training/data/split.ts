import { mulberry32, shuffleInPlace } from "../engine/rng.js";

export interface SplitIndices {
  train: number[];
  validation: number[];
  test: number[];
}

export interface SplitOptions {
  test: number;
  validation: number;
  seed: number;
  /** One group key per row (the label) to keep class proportions in each part; omit for none. */
  strata?: ArrayLike<number>;
}

/**
 * Seeded train/validation/test split. With strata, each class is shuffled and cut in the same
 * proportions (as scikit-learn's stratified train_test_split), so rare classes reach every part.
 */
export function splitRows(n: number, opts: SplitOptions): SplitIndices {
  const random = mulberry32(opts.seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = opts.strata ? opts.strata[i]! : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const out: SplitIndices = { train: [], validation: [], test: [] };
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const idx = shuffleInPlace(groups.get(key)!, random);
    const nTest = Math.round(idx.length * opts.test);
    const nVal = Math.round(idx.length * opts.validation);
    // Loops, not push(...slice): spreading a million indices overflows the call stack.
    idx.forEach((row, k) => (k < nTest ? out.test : k < nTest + nVal ? out.validation : out.train).push(row));
  }
  // Interleave classes so batches are mixed even when the fit does not shuffle.
  for (const part of [out.train, out.validation, out.test]) shuffleInPlace(part, random);
  return out;
}

/**
 * Deals `indices` into k folds, each class shuffled and dealt round-robin so every fold keeps
 * the class proportions (scikit-learn's StratifiedKFold, up to the order of the deal).
 */
export function kFolds(indices: number[], k: number, seed: number, strata?: ArrayLike<number>): number[][] {
  const random = mulberry32(seed ^ 0x2545f491);
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const key = strata ? strata[i]! : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    for (const i of shuffleInPlace(groups.get(key)!, random)) folds[next++ % k]!.push(i);
  }
  return folds;
}

/**
 * The split of one cross-validation fold: its rows are the test part, the others are split into
 * train and validation (`validation` is then a fraction of those). The folds are kFolds' with the
 * same seed, so trials of one experiment all test on the same rows.
 */
export function foldSplit(n: number, fold: { index: number; of: number }, opts: Omit<SplitOptions, "test">): SplitIndices {
  const all = Array.from({ length: n }, (_, i) => i);
  const folds = kFolds(all, fold.of, opts.seed, opts.strata);
  const rest = folds.filter((_, f) => f !== fold.index).flat();
  const inner = splitRows(rest.length, {
    test: 0,
    validation: opts.validation,
    seed: opts.seed,
    strata: opts.strata ? rest.map((i) => opts.strata![i]!) : undefined,
  });
  return { train: inner.train.map((i) => rest[i]!), validation: inner.validation.map((i) => rest[i]!), test: folds[fold.index]! };
}
