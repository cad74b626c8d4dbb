import { describe, expect, it } from 'vitest';
import { WASSERSTEIN_MIN_STD, normedWasserstein, wasserstein1 } from '../../src/stats/wasserstein.js';
import { compareSortedSamples } from '../../src/stats/ecdf.js';
import { expectStat, fixtures, sortedSample } from './fixtures.js';

describe('Wasserstein W1 against scipy.stats.wasserstein_distance, normed by np.std(reference)', () => {
  for (const c of fixtures().wasserstein) {
    it(`${c.reference} vs ${c.current}`, () => {
      const ref = sortedSample(c.reference);
      const cur = sortedSample(c.current);
      const r = normedWasserstein(ref, cur);
      expectStat(r.distance, c.distance, 'W1');
      expectStat(r.stdReference, c.stdReference, 'std_ref');
      expectStat(r.normed, c.normed, 'normed W1');
      expect(wasserstein1(cur, ref)).toBeCloseTo(r.distance, 12);
      expectStat(compareSortedSamples(ref, cur).wasserstein, c.distance, 'W1 (combined walk)');
    });
  }
});

describe('Wasserstein by hand', () => {
  it('point masses and interleaved samples', () => {
    expect(wasserstein1([0], [1])).toBe(1);
    expect(wasserstein1([0, 1], [0, 1])).toBe(0);
    // F_a = 1/2 on [0, 2), F_b = 0 on [0, 1) and 1 on [1, 2): area 1/2 * 1 + 1/2 * 1 = 1.
    expect(wasserstein1([0, 2], [1])).toBe(1);
    // Shifting a sample by c moves it by exactly c.
    expect(wasserstein1([1, 2, 4], [1.5, 2.5, 4.5])).toBeCloseTo(0.5, 15);
  });

  it('the combined walk gives KS and W1 together, ties included', () => {
    // a = [0, 0, 1], b = [0, 1, 1]: on [0, 1) F_a = 2/3 and F_b = 1/3, equal (1) from 1 on.
    // KS = 1/3, W1 = 1/3 * (1 - 0).
    const r = compareSortedSamples([0, 0, 1], [0, 1, 1]);
    expect(r.ks).toBeCloseTo(1 / 3, 15);
    expect(r.wasserstein).toBeCloseTo(1 / 3, 15);
    expect(wasserstein1([0, 0, 1], [0, 1, 1])).toBeCloseTo(1 / 3, 15);
  });

  it('normalises by the population standard deviation, floored at 0.001', () => {
    // Reference [0, 2]: mean 1, population std 1 (the sample std would be sqrt 2).
    expect(normedWasserstein([0, 2], [1, 3]).stdReference).toBe(1);
    expect(normedWasserstein([0, 2], [1, 3]).normed).toBe(1);
    // Constant reference: std 0 -> divide by 0.001.
    const constant = normedWasserstein([5, 5, 5], [5, 6]);
    expect(constant.stdReference).toBe(0);
    expect(constant.normed).toBeCloseTo(0.5 / WASSERSTEIN_MIN_STD, 9);
    // A stored reference std is used as given.
    expect(normedWasserstein([0, 2], [1, 3], 4).normed).toBe(0.25);
  });

  it('returns NaN for an empty sample', () => {
    expect(wasserstein1([], [1])).toBeNaN();
    expect(compareSortedSamples([1], []).wasserstein).toBeNaN();
    expect(normedWasserstein([1, 2], []).normed).toBeNaN();
    expect(normedWasserstein([], [1, 2]).normed).toBeNaN();
  });
});
