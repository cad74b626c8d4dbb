import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf, normalSf, normalTwoSidedPValue } from '../../src/stats/normal.js';
import { zTest, zTestSamples } from '../../src/stats/z-test.js';
import { expectP, expectStat, fixtures, sample } from './fixtures.js';

describe('erf, erfc and the normal distribution against scipy (1e-12 relative)', () => {
  it('erf and erfc', () => {
    for (const c of fixtures().normal) {
      expectP(erfc(c.x), c.erfc, `erfc(${c.x})`, 1e-12);
      expectStat(erf(c.x), c.erf, `erf(${c.x})`, 1e-15);
      if (Math.abs(c.erf) > 1e-300) expectP(erf(c.x), c.erf, `erf(${c.x}) relative`, 1e-14);
    }
  });

  it('norm.sf, norm.cdf and two-sided p-values, far tails included', () => {
    for (const c of fixtures().normalSf) {
      expectP(normalSf(c.z), c.sf, `sf(${c.z})`, 1e-12);
      expectP(normalCdf(c.z), c.cdf, `cdf(${c.z})`, 1e-12);
      expectP(normalTwoSidedPValue(c.z), c.twoSided, `two-sided(${c.z})`, 1e-12);
    }
    expect(fixtures().normalSf.some((c) => c.sf > 0 && c.sf < 1e-250)).toBe(true);
  });

  it('special values', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
    expect(normalSf(0)).toBe(0.5);
    expect(normalTwoSidedPValue(Number.POSITIVE_INFINITY)).toBe(0);
  });
});

describe('z-test against numpy/scipy', () => {
  for (const c of fixtures().zTest) {
    it(`${c.current} vs ${c.reference}`, () => {
      const r = zTestSamples(sample(c.current), sample(c.reference));
      expectStat(r.z, c.z, 'z');
      expectP(r.pValue, c.pValue, 'p');
    });
  }
});

describe('z-test by hand and degenerate cases', () => {
  it('uses the reference population std and sqrt(n_cur)', () => {
    // Reference [0, 2]: mean 1, population std 1. Current [2, 2, 2, 2]: mean 2, n = 4 -> z = 1 / (1 / 2) = 2.
    const r = zTestSamples([2, 2, 2, 2], [0, 2]);
    expect(r.z).toBe(2);
    expect(r.pValue).toBeCloseTo(0.04550026389635842, 15); // 2 * (1 - Phi(2)), tabulated
  });

  it('constant reference: z = 0 / p = 1 for equal means, +-Infinity / p = 0 otherwise', () => {
    expect(zTest(3, 10, 3, 0)).toEqual({ z: 0, pValue: 1 });
    expect(zTest(3.1, 10, 3, 0)).toEqual({ z: Number.POSITIVE_INFINITY, pValue: 0 });
    expect(zTest(2.9, 10, 3, 0)).toEqual({ z: Number.NEGATIVE_INFINITY, pValue: 0 });
  });

  it('empty current window or missing inputs give NaN', () => {
    const empty = zTest(Number.NaN, 0, 3, 1);
    expect(empty.z).toBeNaN();
    expect(empty.pValue).toBeNaN();
    expect(zTestSamples([], [1, 2]).pValue).toBeNaN();
    expect(zTestSamples([1, 2], []).pValue).toBeNaN();
    expect(zTest(1, 5, 0, -1).z).toBeNaN();
  });
});
