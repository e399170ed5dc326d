/**
 * Feature scores from a model fitted on the training rows (scikit-learn's SelectFromModel and
 * permutation_importance), for preprocessing.featureSelection methods `l1` and `permutation`:
 * - l1: an L1-penalized linear model (logistic regression, or the lasso for a numeric target) on
 *   the encoded inputs; a column scores the sum of |weights| of its inputs (Tibshirani 1996: the
 *   L1 penalty sets weights of uninformative inputs to exactly zero).
 * - permutation: a random forest on 3/4 of the training rows; a column scores the drop of the held-
 *   out quarter's accuracy (R^2 for regression) when its values are shuffled across rows
 *   (Breiman, Machine Learning 45, 2001, section 10).
 */
import type { ResolvedColumns } from "../data/columns.js";
import { fitForest, predictForest } from "../families/trees/forest.js";
import { fitLogistic } from "../families/logistic-regression/logistic.js";
import type { FitData } from "../train/classic/data.js";
import { argmax } from "../evaluate/argmax.js";
import { encodeParts, type Selected } from "../data/parts.js";
import { inputNames } from "../data/encoding.js";
import { mulberry32, shuffleInPlace } from "../engine/rng.js";
import type { PreprocessingSpec } from "../spec/preprocessing.js";
import type { FeatureScore } from "../spec/preprocessing.js";

export function modelScores(
  sel: Selected,
  resolved: ResolvedColumns,
  rows: number[],
  method: "l1" | "permutation",
  preprocessing: PreprocessingSpec,
  seed: number,
): FeatureScore[] {
  const shuffled = shuffleInPlace([...rows], mulberry32(seed ^ 0x51ed));
  const held = method === "permutation" ? Math.max(1, Math.floor(shuffled.length / 4)) : 0;
  const data = encodeParts(
    sel,
    resolved,
    { ...preprocessing, featureSelection: undefined },
    { train: shuffled.slice(held), validation: shuffled.slice(0, held), test: [] },
    true,
  );
  const k = sel.task === "classification" ? sel.labels.length : 0;
  const scale = data.targetScale;
  const asFit = (p: typeof data.train): FitData => ({
    n: p.n,
    d: data.inputs,
    x: p.x,
    k,
    y: scale ? p.truth.map((v) => (v - scale.mean) / scale.std) : p.truth,
  });
  // Each column's range of encoded inputs (one input group: the features in layout order).
  const byName = new Map(data.preprocessing.features.map((f) => [f.name, f]));
  let start = 0;
  const ranges = data.preprocessing.groups[0]!.columns.map((name) => {
    const width = inputNames([byName.get(name)!]).length;
    start += width;
    return { name, from: start - width, to: start };
  });
  if (method === "l1") {
    const m = fitLogistic(asFit(data.train), { penalty: "l1", C: 1, maxIter: 300, tol: 1e-6 });
    return ranges.map(({ name, from, to }) => {
      let s = 0;
      for (let j = from * m.m; j < to * m.m; j++) s += Math.abs(m.kernel[j]!);
      return { name, score: s };
    });
  }
  const forest = fitForest(asFit(data.train), {
    trees: 50,
    minSamplesLeaf: 1,
    maxBins: 32,
    maxFeatures: Math.max(1, Math.round(k ? Math.sqrt(data.inputs) : data.inputs / 3)),
    bootstrap: true,
    seed,
  });
  const hold = data.validation;
  const truth = asFit(hold).y;
  const score = (x: Float32Array) => {
    const { values, width } = predictForest(forest, x, hold.n, data.inputs);
    if (k) return truth.reduce((hits, t, i) => hits + (argmax(values, i * width, width) === t ? 1 : 0), 0) / hold.n;
    const mean = truth.reduce((a, b) => a + b, 0) / hold.n;
    let se = 0,
      ss = 0;
    truth.forEach((t, i) => ((se += (values[i]! - t) ** 2), (ss += (t - mean) ** 2)));
    return ss ? 1 - se / ss : 0;
  };
  const base = score(hold.x);
  const random = mulberry32(seed ^ 0x9e37);
  return ranges.map(({ name, from, to }) => {
    const order = shuffleInPlace(
      Array.from({ length: hold.n }, (_, i) => i),
      random,
    );
    const x = hold.x.slice();
    for (let i = 0; i < hold.n; i++) for (let j = from; j < to; j++) x[i * data.inputs + j] = hold.x[order[i]! * data.inputs + j]!;
    return { name, score: base - score(x) };
  });
}
