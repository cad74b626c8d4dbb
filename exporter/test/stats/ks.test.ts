import { describe, expect, it } from 'vitest';
import {
  KS_EXACT_MAX_N,
  ksPValue,
  ksProbOutsideBand,
  ksProbOutsideSquare,
  ksStatistic,
  ksTwoSample,
} from '../../src/stats/ks.js';
import { compareSortedSamples } from '../../src/stats/ecdf.js';
import { expectP, expectStat, fixtures, sortedSample } from './fixtures.js';

describe('two-sample KS against scipy.stats.ks_2samp (two-sided, auto)', () => {
  it('fixtures come from the scipy/numpy versions whose algorithms are ported', () => {
    expect(fixtures().meta.scipy).toMatch(/^1\.10\./);
    expect(fixtures().meta.numpy).toMatch(/^1\.24\./);
  });

  for (const c of fixtures().ks) {
    it(`${c.a} vs ${c.b} (${c.method})`, () => {
      const a = sortedSample(c.a);
      const b = sortedSample(c.b);
      expectStat(ksStatistic(a, b), c.rawStatistic, 'raw D');
      expectStat(compareSortedSamples(a, b).ks, c.rawStatistic, 'raw D (combined walk)');
      const r = ksTwoSample(a, b);
      expect(r.method).toBe(c.method);
      expect(r.method).toBe(Math.max(a.length, b.length) <= KS_EXACT_MAX_N ? 'exact' : 'asymptotic');
      expectStat(r.statistic, c.statistic, 'D');
      expectP(r.pValue, c.pValue, 'p-value');
      // Symmetric in the two samples.
      const swapped = ksTwoSample(b, a);
      expect(swapped.statistic).toBe(r.statistic);
      expect(swapped.pValue).toBe(r.pValue);
    });
  }

  it('covers both methods, the 10000 switch, ties and far tails', () => {
    const cases = fixtures().ks;
    expect(cases.some((c) => c.method === 'exact' && c.pValue < 1e-50)).toBe(true);
    expect(cases.some((c) => c.method === 'asymptotic' && c.pValue < 1e-50)).toBe(true);
    const sizes = (c: (typeof cases)[number]) => [sortedSample(c.a).length, sortedSample(c.b).length];
    expect(cases.some((c) => c.method === 'exact' && Math.max(...sizes(c)) === 10000)).toBe(true);
    expect(cases.some((c) => c.method === 'asymptotic' && Math.max(...sizes(c)) === 10001)).toBe(true);
  });
});

describe('exact two-sample probabilities against scipy internals', () => {
  for (const c of fixtures().ksOutsideSquare) {
    it(`equal sizes n = ${c.n}, h = ${c.h}`, () => expectP(ksProbOutsideSquare(c.n, c.h), c.prob, 'prob'));
  }
  for (const c of fixtures().ksOutsideBand) {
    it(`sizes ${c.m} x ${c.n}, h = ${c.h}`, () => expectP(ksProbOutsideBand(c.m, c.n, c.g, c.h), c.prob, 'prob'));
  }
});

describe('two-sample KS by hand', () => {
  it('n = m = 1: both orderings give D = 1, so p = 1', () => {
    const r = ksTwoSample([1], [2]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBe(1);
    expect(r.method).toBe('exact');
  });

  it('n = m = 2, complete separation: D = 1 for 2 of the C(4, 2) = 6 orderings, p = 1/3', () => {
    const r = ksTwoSample([1, 2], [3, 4]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(1 / 3, 15);
  });

  it('n = 1, m = 3: the four rank positions of the single value give D = 1, 2/3, 2/3, 1', () => {
    // Value first or last: D = 1 (P = 2/4); second or third: D = 2/3. So P(D >= 1) = 1/2 and P(D >= 2/3) = 1.
    const extreme = ksTwoSample([1], [2, 3, 4]);
    expect(extreme.statistic).toBe(1);
    expect(extreme.pValue).toBeCloseTo(0.5, 15);
    const middle = ksTwoSample([3], [1, 2, 4]);
    expect(middle.statistic).toBeCloseTo(2 / 3, 15);
    expect(middle.pValue).toBeCloseTo(1, 15);
  });

  it('handles ties like searchsorted(side="right")', () => {
    // a = [1, 1, 2], b = [1, 2, 2]: after 1: 2/3 - 1/3 = 1/3; after 2: 0.
    expect(ksStatistic([1, 1, 2], [1, 2, 2])).toBeCloseTo(1 / 3, 15);
    // Identical samples with ties: no gap at all.
    expect(ksStatistic([0, 0, 1, 1, 1], [0, 0, 1, 1, 1])).toBe(0);
    // Shared constant value: D = 0, p = 1.
    expect(ksTwoSample([5, 5, 5], [5, 5]).pValue).toBe(1);
  });

  it('returns NaN for an empty sample (scipy raises) and rejects unsorted or NaN input', () => {
    const r = ksTwoSample([], [1, 2, 3]);
    expect(r.statistic).toBeNaN();
    expect(r.pValue).toBeNaN();
    expect(r.method).toBe('none');
    expect(ksStatistic([1, 2], [])).toBeNaN();
    expect(() => ksStatistic([2, 1], [1, 2])).toThrow(RangeError);
    expect(() => ksStatistic([1, 2], [1, Number.NaN])).toThrow(RangeError);
    expect(() => ksStatistic([Number.NaN, 1], [1, 2])).toThrow(RangeError);
    expect(() => ksStatistic([1, 2], [Number.NaN])).toThrow(RangeError);
    expect(() => compareSortedSamples([1, 3, 2], [1, 2])).toThrow(RangeError);
    expect(() => compareSortedSamples([1, 2], [Number.NaN, 3])).toThrow(RangeError);
    expect(compareSortedSamples([], [1]).ks).toBeNaN();
    expect(ksPValue(0.5, 0, 3).method).toBe('none');
  });

  it('chooses exact up to 10000 per side and the asymptotic distribution beyond', () => {
    expect(ksPValue(0.02, 10000, 10000).method).toBe('exact');
    expect(ksPValue(0.02, 10000, 7).method).toBe('exact');
    expect(ksPValue(0.02, 10001, 10000).method).toBe('asymptotic');
    // Exact mode snaps D to a multiple of 1 / lcm(n1, n2).
    expect(ksPValue(0.3333333333333333, 3, 3).statistic).toBe(1 / 3);
  });
});
