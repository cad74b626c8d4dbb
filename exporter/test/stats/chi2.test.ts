import { describe, expect, it } from 'vitest';
import { chi2Homogeneity } from '../../src/stats/chi2.js';
import { chi2Sf, gammaP, gammaQ, logGamma } from '../../src/stats/gamma.js';
import { erfc } from '../../src/stats/normal.js';
import { expectP, expectStat, fixtures } from './fixtures.js';

describe('chi-square test of homogeneity against scipy.stats.chi2_contingency(correction=False)', () => {
  for (const c of fixtures().chi2) {
    it(c.name, () => {
      const r = chi2Homogeneity(c.referenceCounts, c.currentCounts);
      expectStat(r.statistic, c.statistic, 'statistic');
      expectP(r.pValue, c.pValue, 'p-value');
      expect(r.dof).toBe(c.dof);
    });
  }
});

describe('chi2.sf and the incomplete gamma function against scipy', () => {
  it('chi2.sf over dof 1..10000, far tails down to 1e-300 (1e-10 relative)', () => {
    for (const c of fixtures().chi2Sf) expectP(chi2Sf(c.x, c.dof), c.sf, `chi2.sf(${c.x}, ${c.dof})`, 1e-10);
    expect(fixtures().chi2Sf.some((c) => c.sf > 0 && c.sf < 1e-299)).toBe(true);
  });

  it('gammaincc / gammainc (1e-12 relative)', () => {
    for (const c of fixtures().gamma) {
      expectP(gammaQ(c.a, c.x), c.q, `Q(${c.a}, ${c.x})`, 1e-12);
      expectP(gammaP(c.a, c.x), c.p, `P(${c.a}, ${c.x})`, 1e-12);
    }
  });

  it('gammaln', () => {
    for (const c of fixtures().logGamma) expectStat(logGamma(c.x), c.value, `lgamma(${c.x})`, 1e-14);
  });

  it('closed forms: chi2(1) = erfc(sqrt(x/2)), chi2(2) = exp(-x/2), Q(1, x) = exp(-x)', () => {
    for (const x of [0.01, 0.5, 1, 3.84, 10, 100, 600]) {
      expectP(chi2Sf(x, 1), erfc(Math.sqrt(x / 2)), `chi2(1) at ${x}`, 1e-12);
      expectP(chi2Sf(x, 2), Math.exp(-x / 2), `chi2(2) at ${x}`, 1e-12);
      expectP(gammaQ(1, x), Math.exp(-x), `Q(1, ${x})`, 1e-12);
    }
    expect(chi2Sf(0, 3)).toBe(1);
    expect(chi2Sf(-1, 3)).toBe(1);
    expect(chi2Sf(Number.POSITIVE_INFINITY, 3)).toBe(0);
    expect(chi2Sf(1, 0)).toBeNaN();
    expect(gammaQ(-1, 1)).toBeNaN();
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(1)).toBe(0);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 14);
  });
});

describe('chi-square test by hand and edge cases', () => {
  it('2 x 2 table', () => {
    // [[10, 20], [20, 10]]: every expected count is 15, statistic = 4 * 5^2 / 15, dof 1.
    const r = chi2Homogeneity([10, 20], [20, 10]);
    expect(r.statistic).toBeCloseTo(100 / 15, 13);
    expect(r.dof).toBe(1);
    expect(r.pValue).toBeCloseTo(erfc(Math.sqrt(100 / 15 / 2)), 14);
  });

  it('unseen category (absent from the reference) is a normal column', () => {
    const r = chi2Homogeneity([50, 50, 0], [40, 40, 20]);
    expect(r.categories).toBe(3);
    expect(r.dof).toBe(2);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-4);
  });

  it('constant column, one category, or an empty row: statistic 0, p = 1 (not NaN)', () => {
    expect(chi2Homogeneity([0, 100, 0], [0, 7, 0])).toEqual({ statistic: 0, pValue: 1, dof: 0, categories: 1 });
    expect(chi2Homogeneity([100], [7])).toEqual({ statistic: 0, pValue: 1, dof: 0, categories: 1 });
    expect(chi2Homogeneity([60, 40], [0, 0])).toEqual({ statistic: 0, pValue: 1, dof: 1, categories: 2 });
    expect(chi2Homogeneity([0, 0], [0, 0])).toEqual({ statistic: 0, pValue: 1, dof: 0, categories: 0 });
    expect(chi2Homogeneity([], [])).toEqual({ statistic: 0, pValue: 1, dof: 0, categories: 0 });
  });

  it('rejects mismatched lengths and invalid counts', () => {
    expect(() => chi2Homogeneity([1, 2], [1])).toThrow(RangeError);
    expect(() => chi2Homogeneity([1, -2], [1, 2])).toThrow(RangeError);
    expect(() => chi2Homogeneity([1, Number.NaN], [1, 2])).toThrow(RangeError);
    expect(() => chi2Homogeneity([1, Number.POSITIVE_INFINITY], [1, 2])).toThrow(RangeError);
  });
});
