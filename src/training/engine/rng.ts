/**
 * Seeded PRNG: mulberry32 (Tommy Ettinger, public domain). Small, fast and good enough for
 * shuffles and splits; every seeded step of the pipeline draws from one of these.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs `fn` with Math.random replaced by a seeded generator. tfjs draws the seeds of its random
 * ops (dropout masks, noise layers, unseeded initializers) from Math.random, so this makes a
 * training run reproducible. Safe because a worker's sandboxed child trains one job at a time.
 */
export async function withSeededRandom<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  seeded = true;
  Math.random = mulberry32(seed ^ 0x9e3779b9);
  try {
    return await fn();
  } finally {
    Math.random = original;
    seeded = false;
  }
}

let seeded = false;

/**
 * Inside withSeededRandom: restarts Math.random from a seed of its own for one epoch, so that
 * epoch e draws the same numbers whether the run went through from epoch 0 or resumed at e.
 */
export function reseedForEpoch(seed: number, epoch: number): void {
  if (seeded) Math.random = mulberry32(epochSeed(seed, epoch));
}

export function epochSeed(seed: number, epoch: number): number {
  return (seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
}

/** Fisher-Yates shuffle in place (Knuth, TAOCP vol. 2, Algorithm P). */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
