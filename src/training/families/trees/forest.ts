import { z } from "zod";
import { mulberry32 } from "../../engine/rng.js";
import type { FitData, Scores } from "../../train/classic/data.js";

/** One tree, flat: node i splits on `feature[i]` (x <= threshold goes left) or is a leaf (feature -1). */
const nodes = z.array(z.number());
export const TreeSchema = z.object({
  feature: nodes,
  threshold: nodes,
  left: nodes,
  right: nodes,
  /** Per node, `width` values: class frequencies, or the mean target. Only leaves' are used. */
  value: nodes,
});
export type Tree = z.infer<typeof TreeSchema>;

export const ForestSchema = z.object({ width: z.number().int().min(1), trees: z.array(TreeSchema) });
export type Forest = z.infer<typeof ForestSchema>;

export interface ForestOptions {
  trees: number;
  maxDepth?: number;
  minSamplesLeaf: number;
  maxBins: number;
  /** Inputs tried per split. */
  maxFeatures: number;
  bootstrap: boolean;
  seed: number;
}

/**
 * Up to maxBins - 1 cut points per input: midpoints between distinct quantiles of a sample of
 * rows. Splits are searched over these only (histogram trees, as LightGBM), so a node costs
 * O(rows x inputs tried) rather than a sort per input.
 */
function cutPoints(data: FitData, maxBins: number): { cuts: Float32Array[]; bins: Uint8Array[] } {
  const { n, d, x } = data;
  const step = Math.max(1, Math.floor(n / 20_000));
  const cuts: Float32Array[] = [];
  const bins: Uint8Array[] = [];
  for (let j = 0; j < d; j++) {
    const sample: number[] = [];
    for (let i = 0; i < n; i += step) sample.push(x[i * d + j]!);
    const distinct = [...new Set(sample)].sort((a, b) => a - b);
    const edges: number[] = [];
    const want = Math.min(maxBins - 1, distinct.length - 1);
    for (let b = 1; b <= want; b++) {
      const at = Math.floor((b * distinct.length) / (want + 1));
      const mid = (distinct[at - 1]! + distinct[at]!) / 2;
      if (edges.length === 0 || mid > edges.at(-1)!) edges.push(mid);
    }
    const c = Float32Array.from(edges);
    const col = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]!;
      let lo = 0;
      let hi = c.length; // first edge >= v
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (c[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      col[i] = lo;
    }
    cuts.push(c);
    bins.push(col);
  }
  return { cuts, bins };
}

/**
 * Breiman's random forest (Machine Learning 45, 2001): each tree grown on a bootstrap sample,
 * each split chosen among `maxFeatures` random inputs by Gini impurity (classification) or
 * squared error (regression); predictions average the trees' leaf frequencies or means.
 * A decision tree is the forest of one tree on all rows and all inputs.
 */
export function fitForest(data: FitData, opts: ForestOptions): Forest {
  const { cuts, bins } = cutPoints(data, opts.maxBins);
  const random = mulberry32(opts.seed);
  const width = data.k || 1;
  const trees: Tree[] = [];
  for (let t = 0; t < opts.trees; t++) {
    const rows = new Int32Array(data.n);
    for (let i = 0; i < data.n; i++) rows[i] = opts.bootstrap ? Math.floor(random() * data.n) : i;
    trees.push(growTree(data, rows, cuts, bins, width, opts, random));
  }
  return { width, trees };
}

function growTree(data: FitData, rows: Int32Array, cuts: Float32Array[], bins: Uint8Array[], width: number, opts: ForestOptions, random: () => number): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const classify = data.k > 0;
  const hist = new Float64Array(256 * (classify ? width : 2));
  const counts = new Int32Array(256);
  const order = Array.from({ length: data.d }, (_, j) => j);
  const w = (i: number) => (data.weight ? data.weight[i]! : 1);
  // Stack of [start, end, depth, node]: the node's rows are rows[start, end).
  const stack: Array<[number, number, number, number]> = [[0, rows.length, 0, newNode(tree, width)]];
  while (stack.length) {
    const [start, end, depth, node] = stack.pop()!;
    // The node's value: class weights (normalized) or mean.
    let total = 0;
    const value = new Float64Array(width);
    for (let r = start; r < end; r++) {
      const i = rows[r]!;
      total += w(i);
      if (classify) value[data.y[i]!]! += w(i);
      else value[0]! += w(i) * data.y[i]!;
    }
    for (let c = 0; c < width; c++) tree.value[node * width + c] = total > 0 ? value[c]! / total : 0;
    const size = end - start;
    const pure = classify && value.some((v) => v === total);
    if (pure || size < 2 * opts.minSamplesLeaf || (opts.maxDepth !== undefined && depth >= opts.maxDepth)) continue;

    const parentScore = classify ? value.reduce((s, v) => s + v * v, 0) / total : (value[0]! * value[0]!) / total;
    let best = { gain: 1e-9 * Math.abs(parentScore), feature: -1, bin: -1 };
    // A partial Fisher-Yates shuffle picks maxFeatures inputs at random.
    for (let f = 0; f < opts.maxFeatures; f++) {
      const pick = f + Math.floor(random() * (data.d - f));
      [order[f], order[pick]] = [order[pick]!, order[f]!];
      const j = order[f]!;
      const nb = cuts[j]!.length + 1;
      if (nb < 2) continue;
      const col = bins[j]!;
      const per = classify ? width : 2;
      hist.fill(0, 0, nb * per);
      counts.fill(0, 0, nb);
      for (let r = start; r < end; r++) {
        const i = rows[r]!;
        const b = col[i]!;
        counts[b]!++;
        if (classify) hist[b * per + data.y[i]!]! += w(i);
        else {
          hist[b * 2]! += w(i) * data.y[i]!;
          hist[b * 2 + 1]! += w(i);
        }
      }
      const left = new Float64Array(per);
      let leftCount = 0;
      for (let b = 0; b < nb - 1; b++) {
        for (let c = 0; c < per; c++) left[c]! += hist[b * per + c]!;
        leftCount += counts[b]!;
        if (leftCount < opts.minSamplesLeaf) continue;
        if (size - leftCount < opts.minSamplesLeaf) break;
        let score: number;
        if (classify) {
          let lw = 0,
            ls = 0,
            rs = 0;
          for (let c = 0; c < per; c++) {
            lw += left[c]!;
            ls += left[c]! ** 2;
            rs += (value[c]! - left[c]!) ** 2;
          }
          const rw = total - lw;
          if (lw <= 0 || rw <= 0) continue;
          score = ls / lw + rs / rw;
        } else {
          const lw = left[1]!;
          const rw = total - lw;
          if (lw <= 0 || rw <= 0) continue;
          score = left[0]! ** 2 / lw + (value[0]! - left[0]!) ** 2 / rw;
        }
        const gain = score - parentScore;
        if (gain > best.gain) best = { gain, feature: j, bin: b };
      }
    }
    if (best.feature < 0) continue;
    // Partition the node's rows: bin <= best.bin to the left.
    const col = bins[best.feature]!;
    let mid = start;
    for (let r = start; r < end; r++) {
      if (col[rows[r]!]! <= best.bin) {
        const tmp = rows[mid]!;
        rows[mid++] = rows[r]!;
        rows[r] = tmp;
      }
    }
    tree.feature[node] = best.feature;
    tree.threshold[node] = cuts[best.feature]![best.bin]!;
    const l = newNode(tree, width);
    const r = newNode(tree, width);
    tree.left[node] = l;
    tree.right[node] = r;
    stack.push([start, mid, depth + 1, l], [mid, end, depth + 1, r]);
  }
  return tree;
}

function newNode(tree: Tree, width: number): number {
  const id = tree.feature.length;
  tree.feature.push(-1);
  tree.threshold.push(0);
  tree.left.push(-1);
  tree.right.push(-1);
  for (let c = 0; c < width; c++) tree.value.push(0);
  return id;
}

/** The trees' leaf values averaged for each of n rows. */
export function predictForest(forest: Forest, x: Float32Array, n: number, d: number): Scores {
  const { width, trees } = forest;
  const values = new Float32Array(n * width);
  for (const tree of trees) {
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (tree.feature[node]! >= 0) node = x[i * d + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
      for (let c = 0; c < width; c++) values[i * width + c]! += tree.value[node * width + c]! / trees.length;
    }
  }
  return { values, width };
}

/** Nodes in the forest: what its summary counts as parameters. */
export const forestNodes = (forest: Forest) => forest.trees.reduce((s, t) => s + t.feature.length, 0);
