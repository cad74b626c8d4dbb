import { describe, expect, it } from 'vitest';
import { hellingerDistance } from '../../src/stats/hellinger.js';
import { jensenShannonDistance } from '../../src/stats/js.js';
import { DEFAULT_PSI_EPSILON, proportions, psi, psiTerms } from '../../src/stats/psi.js';
import { expectStat, fixtures } from './fixtures.js';

describe('PSI, Jensen-Shannon and Hellinger against numpy/scipy', () => {
  for (const c of fixtures().binned) {
    it(c.name, () => {
      const cur = proportions(c.currentCounts);
      const ref = proportions(c.referenceCounts);
      if (c.psi === null) {
        // An empty side: proportions are all zero and the distances are undefined.
        expect(jensenShannonDistance(cur, ref)).toBeNaN();
        expect(hellingerDistance(cur, ref)).toBeNaN();
        return;
      }
      cur.forEach((v, i) => expectStat(v, c.currentProportions?.[i] as number, `current proportion ${i}`));
      ref.forEach((v, i) => expectStat(v, c.referenceProportions?.[i] as number, `reference proportion ${i}`));
      expectStat(psi(cur, ref, c.epsilon), c.psi, 'psi');
      psiTerms(cur, ref, c.epsilon).forEach((t, i) => expectStat(t, c.psiTerms?.[i] as number, `psi term ${i}`));
      expectStat(jensenShannonDistance(cur, ref), c.js as number, 'js');
      expectStat(hellingerDistance(cur, ref), c.hellinger as number, 'hellinger');
      // Counts give the same distances as proportions (both are normalised like scipy does).
      expectStat(jensenShannonDistance(c.currentCounts, c.referenceCounts), c.js as number, 'js from counts');
      expectStat(hellingerDistance(c.currentCounts, c.referenceCounts), c.hellinger as number, 'hellinger from counts');
      // The textbook form sqrt(1 - sum sqrt(pq)) agrees wherever it is not dominated by cancellation.
      if ((c.hellinger as number) > 1e-4) expectStat(hellingerDistance(cur, ref), c.hellingerDirect as number, 'hellinger direct form');
    });
  }
});

describe('PSI', () => {
  it('substitutes epsilon for empty bins without renormalising', () => {
    // Hand: bins (c, r) = (0.5, 0.5), (0.5, 0) -> second term (0.5 - 1e-4) ln(0.5 / 1e-4).
    const expected = (0.5 - 1e-4) * Math.log(0.5 / 1e-4);
    expect(psi([0.5, 0.5], [1, 0])).toBeCloseTo(expected + (0.5 - 1) * Math.log(0.5 / 1), 14);
    expect(DEFAULT_PSI_EPSILON).toBe(1e-4);
    expect(psi([0.2, 0.8], [0.2, 0.8])).toBe(0);
    expect(() => psi([1], [0.5, 0.5])).toThrow(RangeError);
  });

  it('proportions of an all-zero vector stay zero', () => {
    expect(proportions([0, 0, 0])).toEqual([0, 0, 0]);
    expect(proportions([1, 3])).toEqual([0.25, 0.75]);
  });
});

describe('Jensen-Shannon distance (base 2)', () => {
  it('matches a hand computation', () => {
    // p = (1, 0), q = (1/2, 1/2), m = (3/4, 1/4):
    // KL(p||m) = log2(4/3), KL(q||m) = 1/2 log2(2/3) + 1/2 log2(2), JS = sqrt((KL(p||m) + KL(q||m)) / 2).
    const kl1 = Math.log2(4 / 3);
    const kl2 = 0.5 * Math.log2(2 / 3) + 0.5 * Math.log2(2);
    expect(jensenShannonDistance([1, 0], [0.5, 0.5])).toBeCloseTo(Math.sqrt((kl1 + kl2) / 2), 14);
  });

  it('is 0 for identical, 1 for disjoint distributions, and symmetric', () => {
    expect(jensenShannonDistance([0.1, 0.2, 0.7], [0.1, 0.2, 0.7])).toBe(0);
    expect(jensenShannonDistance([0.5, 0.5, 0, 0], [0, 0, 0.3, 0.7])).toBe(1);
    const a = [0.1, 0.6, 0.3];
    const b = [0.3, 0.3, 0.4];
    expect(jensenShannonDistance(a, b)).toBe(jensenShannonDistance(b, a));
  });

  it('keeps full relative accuracy for nearly identical distributions', () => {
    // p = (1/2 + d, 1/2 - d), q = (1/2, 1/2): JS^2 = d^2 / (2 ln 2) (1 + O(d^2)), so JS = d / sqrt(2 ln 2).
    for (const d of [1e-3, 1e-6, 1e-9]) {
      const js = jensenShannonDistance([0.5 + d, 0.5 - d], [0.5, 0.5]);
      const exact = (0.5 + d) - 0.5; // the d actually represented in 0.5 + d
      expect(Math.abs(js / (exact / Math.sqrt(2 * Math.LN2)) - 1)).toBeLessThan(1e-6);
    }
  });

  it('returns NaN for empty or invalid inputs and throws on a length mismatch', () => {
    expect(jensenShannonDistance([0, 0], [0.5, 0.5])).toBeNaN();
    expect(jensenShannonDistance([-0.1, 1.1], [0.5, 0.5])).toBeNaN();
    expect(jensenShannonDistance([Number.NaN, 1], [0.5, 0.5])).toBeNaN();
    expect(() => jensenShannonDistance([1], [0.5, 0.5])).toThrow(RangeError);
  });
});

describe('Hellinger distance', () => {
  it('matches a hand computation', () => {
    // p = (1, 0), q = (1/2, 1/2): sum sqrt(pq) = sqrt(1/2), H = sqrt(1 - sqrt(1/2)).
    expect(hellingerDistance([1, 0], [0.5, 0.5])).toBeCloseTo(Math.sqrt(1 - Math.SQRT1_2), 14);
  });

  it('is 0 for identical and 1 for disjoint distributions', () => {
    expect(hellingerDistance([0.25, 0.75], [0.25, 0.75])).toBe(0);
    expect(hellingerDistance([1, 0], [0, 1])).toBe(1);
  });

  it('stays accurate for nearly identical distributions', () => {
    // p = (1/2 + d, 1/2 - d), q = (1/2, 1/2): sqrt(1/2 +- d) - sqrt(1/2) = +-d / sqrt 2 (1 + O(d)), so
    // H^2 = 1/2 * 2 * d^2 / 2 = d^2 / 2 (1 + O(d^2)) and H = d / sqrt 2.
    for (const d of [1e-4, 1e-8]) {
      const exact = (0.5 + d) - 0.5;
      expect(Math.abs(hellingerDistance([0.5 + d, 0.5 - d], [0.5, 0.5]) / (exact / Math.SQRT2) - 1)).toBeLessThan(1e-6);
    }
  });

  it('returns NaN for an empty side and throws on a length mismatch', () => {
    expect(hellingerDistance([0, 0], [1, 0])).toBeNaN();
    expect(() => hellingerDistance([1, 0, 0], [1, 0])).toThrow(RangeError);
  });
});
