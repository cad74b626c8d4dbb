import { describe, expect, it } from 'vitest';
import { chi2Sf } from '../../src/stats/gamma.js';
import { SeededRandom, seededUniform } from '../../src/stats/random.js';
import { ReservoirSample, mergeReservoirSlices } from '../../src/stats/reservoir.js';
import { fixtures, sample } from './fixtures.js';

describe('SeededRandom (xoshiro128**)', () => {
  it('produces the reference outputs from state (1, 2, 3, 4)', () => {
    // Published test vector of Blackman & Vigna's reference xoshiro128starstar.c (v1.1) from state {1, 2, 3, 4}.
    // The first three also follow by hand: output = rotl(s1 * 5, 7) * 9, so 1st = rotl(10, 7) * 9 = 11520; the
    // state becomes (7, 0, 1026, 12288), giving 2nd = 0; then (12295, 1029, 1029, 25165824), 3rd = rotl(5145, 7) * 9.
    const rng = SeededRandom.fromState(1, 2, 3, 4);
    const expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804];
    expect(expected.map(() => rng.nextUint32())).toEqual(expected);
    expect(() => SeededRandom.fromState(0, 0, 0, 0)).toThrow(RangeError);
  });

  it('reproduces the Python generator used for the large fixture samples', () => {
    // sample() checks the first and last values of every generated sample against the Python stream.
    for (const name of Object.keys(fixtures().generatedSamples)) expect(sample(name).length).toBe(fixtures().generatedSamples[name]?.n);
  });

  it('is deterministic per seed and uniform on [0, 1)', () => {
    const a = seededUniform(42);
    const b = seededUniform(42);
    const c = seededUniform(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    const rng = new SeededRandom(1);
    const bins = new Array<number>(20).fill(0);
    const n = 100000;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      min = Math.min(min, u);
      max = Math.max(max, u);
      const k = Math.floor(u * 20);
      bins[k] = (bins[k] as number) + 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Pearson goodness of fit against uniform, 19 dof: not rejected at 0.001.
    const stat = bins.reduce((s, o) => s + (o - n / 20) ** 2 / (n / 20), 0);
    expect(chi2Sf(stat, 19)).toBeGreaterThan(0.001);
  });

  it('normal() has mean 0 and variance 1', () => {
    const rng = new SeededRandom(5);
    const n = 100000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    // Standard errors: 1/sqrt(n) = 0.0032 for the mean, sqrt(2/n) = 0.0045 for the variance.
    expect(Math.abs(s / n)).toBeLessThan(0.015);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});

describe('ReservoirSample', () => {
  it('keeps everything while the stream is shorter than the capacity', () => {
    const r = new ReservoirSample(100, 1);
    for (let i = 0; i < 70; i++) r.add(i);
    expect(r.size).toBe(70);
    expect(r.seen).toBe(70);
    expect(Array.from(r.values())).toEqual(Array.from({ length: 70 }, (_, i) => i));
  });

  it('stays bounded and holds distinct stream values', () => {
    const r = new ReservoirSample(50, 2);
    for (let i = 0; i < 100000; i++) r.add(i);
    expect(r.size).toBe(50);
    expect(r.seen).toBe(100000);
    const v = Array.from(r.values());
    expect(new Set(v).size).toBe(50);
    for (const x of v) expect(Number.isInteger(x) && x >= 0 && x < 100000).toBe(true);
    r.clear();
    expect(r.size).toBe(0);
    expect(r.seen).toBe(0);
  });

  it('includes every stream position with probability capacity / n (seeded simulation)', () => {
    // 4,000 reservoirs of 10 over a stream of 100: each position expected 400 times; Pearson test, 99 dof.
    const n = 100;
    const k = 10;
    const reps = 4000;
    const counts = new Array<number>(n).fill(0);
    for (let rep = 0; rep < reps; rep++) {
      const r = new ReservoirSample(k, rep + 1);
      for (let i = 0; i < n; i++) r.add(i);
      for (const x of r.values()) counts[x] = (counts[x] as number) + 1;
    }
    const expected = (reps * k) / n;
    const stat = counts.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2Sf(stat, n - 1)).toBeGreaterThan(0.001);
  });

  it('stays uniform over long streams (Algorithm L skips)', () => {
    // 300 reservoirs of 100 over 20,000 values: the share kept from each tenth of the stream is 1/10.
    const reps = 300;
    const deciles = new Array<number>(10).fill(0);
    for (let rep = 0; rep < reps; rep++) {
      const r = new ReservoirSample(100, 1000 + rep);
      for (let i = 0; i < 20000; i++) r.add(i);
      for (const x of r.values()) {
        const d = Math.floor(x / 2000);
        deciles[d] = (deciles[d] as number) + 1;
      }
    }
    const expected = (reps * 100) / 10;
    const stat = deciles.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2Sf(stat, 9)).toBeGreaterThan(0.001);
  });

  it('is reproducible from its seed and validates the capacity', () => {
    const a = new ReservoirSample(5, 9);
    const b = new ReservoirSample(5, 9);
    for (let i = 0; i < 1000; i++) {
      a.add(i);
      b.add(i);
    }
    expect(Array.from(a.values())).toEqual(Array.from(b.values()));
    const zero = new ReservoirSample(0);
    zero.add(1);
    expect(zero.size).toBe(0);
    expect(zero.seen).toBe(1);
    expect(() => new ReservoirSample(-1)).toThrow(RangeError);
    expect(() => new ReservoirSample(2.5)).toThrow(RangeError);
  });
});

describe('mergeReservoirSlices', () => {
  it('weights slices by the traffic they saw, not by their sample size', () => {
    // Slice A saw 1000 values (reservoir of 100), slice B saw 100 (all kept). A merged sample of 100 should take
    // 1000/1100 = 90.9 % from A on average.
    const rng = new SeededRandom(3);
    const random = () => rng.next();
    let fromA = 0;
    const reps = 400;
    for (let rep = 0; rep < reps; rep++) {
      const a = new ReservoirSample(100, rep);
      const b = new ReservoirSample(100, rep + 10000);
      for (let i = 0; i < 1000; i++) a.add(i);
      for (let i = 0; i < 100; i++) b.add(-1 - i);
      const merged = mergeReservoirSlices([{ values: a.values(), seen: a.seen }, { values: b.values(), seen: b.seen }], 100, random);
      expect(merged.length).toBe(100);
      expect(new Set(merged).size).toBe(100);
      fromA += merged.filter((x) => x >= 0).length;
    }
    // Standard error of the share over 400 x 100 draws ~ 0.0014 (less without replacement).
    expect(Math.abs(fromA / (reps * 100) - 1000 / 1100)).toBeLessThan(0.006);
  });

  it('returns everything when the slices saw fewer values than requested', () => {
    const merged = mergeReservoirSlices([{ values: [1, 2], seen: 2 }, { values: [3], seen: 1 }], 10, seededUniform(1));
    expect(Array.from(merged).sort()).toEqual([1, 2, 3]);
    expect(mergeReservoirSlices([], 10, seededUniform(1)).length).toBe(0);
  });
});
