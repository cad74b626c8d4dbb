/**
 * Bounded uniform sample of a stream (reservoir sampling), one per window slice and feature.
 */
import { type RandomSource, seededUniform } from './random.js';

const INITIAL_BUFFER = 64;

/**
 * Uniform reservoir sample of at most `capacity` values from a stream of any length, by Li's Algorithm L
 * (1994): after the first `capacity` values, each later value is kept with probability capacity / seen, but
 * instead of drawing one random number per value the gap to the next kept value is drawn (geometric with a
 * random rate W), so `add` costs one comparison for most values. Every subset of `capacity` values of the
 * stream is equally likely to be the sample.
 *
 * The buffer grows by doubling up to `capacity`, so a slice that sees little traffic costs little memory.
 * Randomness comes from a seeded generator (a 32-bit seed, or any uniform [0, 1) source), so a run is
 * reproducible.
 */
export class ReservoirSample {
  readonly capacity: number;
  private readonly random: RandomSource;
  private buffer: Float64Array;
  private count = 0;
  private seenCount = 0;
  /** log W of Algorithm L. */
  private logW = 0;
  /** The 1-based stream position of the next value to keep once the reservoir is full. */
  private nextKept = 0;

  constructor(capacity: number, seedOrRandom: number | RandomSource = 0) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`reservoir capacity must be a non-negative integer, got ${capacity}`);
    this.capacity = capacity;
    this.random = typeof seedOrRandom === 'function' ? seedOrRandom : seededUniform(seedOrRandom);
    this.buffer = new Float64Array(Math.min(capacity, INITIAL_BUFFER));
  }

  /** Uniform in (0, 1]. */
  private uniformOpen(): number {
    return 1 - this.random();
  }

  private scheduleNext(): void {
    // W <- W * U^(1/k); next += floor(ln U / ln(1 - W)) + 1.
    this.logW += Math.log(this.uniformOpen()) / this.capacity;
    const w = Math.exp(this.logW);
    const skip = Math.floor(Math.log(this.uniformOpen()) / Math.log1p(-w));
    this.nextKept += (Number.isFinite(skip) ? skip : Number.MAX_SAFE_INTEGER) + 1;
  }

  /** Offer one value from the stream. */
  add(value: number): void {
    this.seenCount++;
    const k = this.capacity;
    if (this.count < k) {
      if (this.count === this.buffer.length) {
        const grown = new Float64Array(Math.min(k, this.buffer.length * 2));
        grown.set(this.buffer);
        this.buffer = grown;
      }
      this.buffer[this.count++] = value;
      if (this.count === k) {
        this.logW = 0;
        this.nextKept = this.seenCount;
        this.scheduleNext();
      }
      return;
    }
    if (k === 0 || this.seenCount !== this.nextKept) return;
    this.buffer[Math.floor(this.random() * k)] = value;
    this.scheduleNext();
  }

  /** Number of values currently held (min(seen, capacity)). */
  get size(): number {
    return this.count;
  }

  /** Number of values offered so far. */
  get seen(): number {
    return this.seenCount;
  }

  /** A copy of the sample, in no particular order (sort it for KS / Wasserstein). */
  values(): Float64Array {
    return this.buffer.slice(0, this.count);
  }

  /** Forget everything (the random stream continues). */
  clear(): void {
    this.count = 0;
    this.seenCount = 0;
    this.logW = 0;
    this.nextKept = 0;
  }
}

/** One slice's reservoir contents and how many stream values it summarises. */
export interface ReservoirSlice {
  values: ArrayLike<number>;
  seen: number;
}

/**
 * A uniform sample of up to `size` values from the union of several slices' streams, given each slice's
 * uniform reservoir sample: the number taken from each slice follows the multivariate hypergeometric law of
 * drawing without replacement from the union (slice i holding `seen_i` values), then that many values are drawn
 * without replacement from the slice's reservoir (a uniform subsample of a uniform sample is uniform). This is
 * exact as long as each slice's reservoir holds all its values or at least `size` of them (true when every
 * slice uses a capacity >= size); otherwise the result size is capped by what the slices hold.
 */
export function mergeReservoirSlices(slices: readonly ReservoirSlice[], size: number, random: RandomSource): Float64Array {
  let totalSeen = 0;
  for (const s of slices) totalSeen += s.seen;
  const take = Math.min(size, totalSeen);
  const counts = new Array<number>(slices.length).fill(0);
  const remaining = slices.map((s) => s.seen);
  let left = totalSeen;
  if (take === totalSeen) {
    // Every value is drawn, so the outcome is certain: each slice gives all it saw. The generator still
    // advances by one draw per value, so later samples are the same as with the loop below.
    for (let d = 0; d < take; d++) random();
    for (let i = 0; i < slices.length; i++) counts[i] = (slices[i] as ReservoirSlice).seen;
    left = 0;
  }
  for (let d = 0; d < take && left > 0; d++) {
    let r = Math.floor(random() * left);
    let i = 0;
    while (r >= (remaining[i] as number)) {
      r -= remaining[i] as number;
      i++;
    }
    remaining[i] = (remaining[i] as number) - 1;
    counts[i] = (counts[i] as number) + 1;
    left--;
  }
  let outSize = 0;
  for (let i = 0; i < slices.length; i++) outSize += Math.min(counts[i] as number, (slices[i] as ReservoirSlice).values.length);
  const out = new Float64Array(outSize);
  let o = 0;
  for (let i = 0; i < slices.length; i++) {
    const values = (slices[i] as ReservoirSlice).values;
    const want = Math.min(counts[i] as number, values.length);
    if (want === values.length) {
      for (let j = 0; j < want; j++) out[o++] = values[j] as number;
      continue;
    }
    // Partial Fisher-Yates over an index permutation.
    const idx = new Uint32Array(values.length);
    for (let j = 0; j < idx.length; j++) idx[j] = j;
    for (let j = 0; j < want; j++) {
      const pick = j + Math.floor(random() * (idx.length - j));
      const t = idx[pick] as number;
      idx[pick] = idx[j] as number;
      idx[j] = t;
      out[o++] = values[t] as number;
    }
  }
  return out;
}
