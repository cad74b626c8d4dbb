/**
 * Small, fast, seeded pseudo-random generator for sampling and simulations (not for cryptography).
 *
 * xoshiro128** (Blackman & Vigna) on four 32-bit words, seeded from a 32-bit integer by the splitmix32 sequence
 * (state += 0x9e3779b9, then the murmur3 finaliser). Uniform doubles take 53 bits from two outputs:
 * ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53, so every value is exact and the stream is reproducible bit for bit in any
 * language with 32-bit integer arithmetic (the fixture generator re-implements it in Python).
 */

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = Number.NaN;

  /** `seed` is reduced to a 32-bit unsigned integer (seed >>> 0). */
  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator started from an explicit xoshiro128** state (four 32-bit words, not all zero). */
  static fromState(s0: number, s1: number, s2: number, s3: number): SeededRandom {
    const rng = new SeededRandom(0);
    rng.s0 = s0 | 0;
    rng.s1 = s1 | 0;
    rng.s2 = s2 | 0;
    rng.s3 = s3 | 0;
    if ((rng.s0 | rng.s1 | rng.s2 | rng.s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    return rng;
  }

  /** Next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    let s2 = this.s2 ^ s0;
    let s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    this.s2 = s2;
    this.s3 = s3;
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in [0, n) for 1 <= n <= 2^32 (float scaling; bias below 2^-21 for n < 2^32). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal deviate (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = Number.NaN;
      return v;
    }
    const u = 1 - this.next(); // (0, 1]
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/** A seeded uniform [0, 1) source (xoshiro128**, see `SeededRandom`). */
export function seededUniform(seed: number): RandomSource {
  const rng = new SeededRandom(seed);
  return () => rng.next();
}
