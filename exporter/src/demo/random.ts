/**
 * Small seeded pseudo-random number generator for the bundled demo. The demo data must be reproducible
 * bit for bit (the committed reference CSV is checked against a fresh generation), so nothing here uses
 * `Math.random`.
 *
 * The core generator is sfc32 (Chris Doty-Humphrey's "small fast counting" generator, 128-bit state),
 * seeded through splitmix32 so that nearby seeds give unrelated streams. Distribution helpers are built on
 * top of it: uniform, normal (Box-Muller), lognormal, Bernoulli and weighted choice.
 */

/** A deterministic source of random numbers. All methods advance the same underlying stream. */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [minInclusive, maxExclusive). */
  int(minInclusive: number, maxExclusive: number): number;
  /** Normal with the given mean and standard deviation. */
  normal(mean?: number, sd?: number): number;
  /** exp(N(mu, sigma)): the median is exp(mu). */
  lognormal(mu: number, sigma: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** Index i with probability weights[i] / sum(weights). Weights must be non-negative with a positive sum. */
  weightedIndex(weights: readonly number[]): number;
  /** One of the items, uniformly or by weight. */
  choice<T>(items: readonly T[], weights?: readonly number[]): T;
}

/** splitmix32 step: a well-mixed 32-bit output for each 32-bit input state. */
function splitmix32(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return { state: next, value: z >>> 0 };
}

/** FNV-1a hash of a string to an unsigned 32-bit integer. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Reduces any finite number to a 32-bit seed (integers below 2^32 keep their low bits unchanged). */
function toSeed32(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  if (Number.isInteger(seed) && Math.abs(seed) < 2 ** 53) {
    const lo = seed % 2 ** 32;
    const hi = Math.floor(seed / 2 ** 32);
    return (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
  }
  return hashString(String(seed));
}

/**
 * A seed for an independent sub-stream, e.g. `deriveSeed(seed, 'latency')`, so that drawing more or fewer
 * numbers in one part of a simulation does not shift the numbers drawn in another.
 */
export function deriveSeed(seed: number, stream: string): number {
  const mixed = splitmix32((toSeed32(seed) ^ hashString(stream)) | 0);
  return splitmix32(mixed.state ^ mixed.value).value;
}

/** A new generator for the seed (a finite number; integers are used as they are). */
export function createRng(seed: number): Rng {
  let s = toSeed32(seed) | 0;
  const init: number[] = [];
  for (let i = 0; i < 4; i++) {
    const step = splitmix32(s);
    s = step.state;
    init.push(step.value | 0);
  }
  let a = init[0] as number;
  let b = init[1] as number;
  let c = init[2] as number;
  let d = init[3] as number;

  function nextUint32(): number {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }
  // Warm up so the first outputs do not depend too directly on the seed.
  for (let i = 0; i < 12; i++) nextUint32();

  let spareNormal: number | null = null;

  const rng: Rng = {
    next: () => nextUint32() / 4294967296,
    uniform: (min, max) => min + (max - min) * rng.next(),
    int: (minInclusive, maxExclusive) => {
      if (!(maxExclusive > minInclusive)) throw new RangeError(`empty integer range [${minInclusive}, ${maxExclusive})`);
      return minInclusive + Math.floor(rng.next() * (maxExclusive - minInclusive));
    },
    normal: (mean = 0, sd = 1) => {
      if (spareNormal !== null) {
        const z = spareNormal;
        spareNormal = null;
        return mean + sd * z;
      }
      // Box-Muller; 1 - next() is in (0, 1], so the logarithm is finite.
      const u = 1 - rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    lognormal: (mu, sigma) => Math.exp(rng.normal(mu, sigma)),
    bernoulli: (p) => rng.next() < p,
    weightedIndex: (weights) => {
      let total = 0;
      for (const w of weights) {
        if (!(w >= 0)) throw new RangeError(`weights must be non-negative, got ${w}`);
        total += w;
      }
      if (!(total > 0)) throw new RangeError('weights must have a positive sum');
      let x = rng.next() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i] as number;
        if (x < 0) return i;
      }
      // Rounding can leave x at exactly 0 after the loop: return the last item with a positive weight.
      for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i;
      return weights.length - 1;
    },
    choice: <T>(items: readonly T[], weights?: readonly number[]): T => {
      if (items.length === 0) throw new RangeError('cannot choose from an empty list');
      if (weights !== undefined && weights.length !== items.length) {
        throw new RangeError(`need one weight per item (${items.length} items, ${weights.length} weights)`);
      }
      const i = weights === undefined ? rng.int(0, items.length) : rng.weightedIndex(weights);
      return items[i] as T;
    },
  };
  return rng;
}
