/** Index of the largest of `width` values starting at `offset`. */
export function argmax(values: Float32Array, offset: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (values[offset + k]! > values[offset + best]!) best = k;
  return best;
}
