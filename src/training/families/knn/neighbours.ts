import { z } from "zod";
import type { FitData, Scores } from "../../train/classic/data.js";

/** The kept training rows (row-major, stored as base64 float32) and their targets. */
export const NeighboursSchema = z.object({
  n: z.number().int().min(0),
  d: z.number().int().min(1),
  x: z.custom<Float32Array>((v) => v instanceof Float32Array, "a float32 array"),
  y: z
    .array(z.number())
    .transform((y) => Float64Array.from(y))
    .or(z.custom<Float64Array>((v) => v instanceof Float64Array, "a float64 array")),
  classes: z.number().int().min(0),
  k: z.number().int().min(1),
  weights: z.enum(["uniform", "distance"]),
});
export type Neighbours = z.infer<typeof NeighboursSchema>;

export const fitNeighbours = (data: FitData, k: number, weights: Neighbours["weights"]): Neighbours => ({
  n: data.n,
  d: data.d,
  x: data.x,
  y: data.y,
  classes: data.k,
  k: Math.min(k, data.n),
  weights,
});

/**
 * k nearest neighbours by Euclidean distance, brute force: class votes (or the mean), each
 * neighbour weighing 1 or 1 / distance (an exact match takes the vote, as scikit-learn does).
 */
export function predictNeighbours(m: Neighbours, x: Float32Array, rows: number): Scores {
  const width = m.classes || 1;
  const values = new Float32Array(rows * width);
  const dist = new Float64Array(m.k);
  const index = new Int32Array(m.k);
  for (let q = 0; q < rows; q++) {
    let found = 0;
    for (let i = 0; i < m.n; i++) {
      let s = 0;
      for (let j = 0; j < m.d; j++) {
        const e = x[q * m.d + j]! - m.x[i * m.d + j]!;
        s += e * e;
      }
      // Insertion into the sorted k best so far.
      if (found < m.k || s < dist[found - 1]!) {
        let at = found < m.k ? found++ : found - 1;
        while (at > 0 && dist[at - 1]! > s) {
          dist[at] = dist[at - 1]!;
          index[at] = index[at - 1]!;
          at--;
        }
        dist[at] = s;
        index[at] = i;
      }
    }
    const exact = m.weights === "distance" && dist[0] === 0;
    let total = 0;
    for (let r = 0; r < found; r++) {
      const w = m.weights === "uniform" ? 1 : exact ? (dist[r] === 0 ? 1 : 0) : 1 / Math.sqrt(dist[r]!);
      total += w;
      const y = m.y[index[r]!]!;
      if (m.classes) values[q * width + y]! += w;
      else values[q]! += w * y;
    }
    for (let c = 0; c < width; c++) values[q * width + c]! /= total;
  }
  return { values, width };
}
