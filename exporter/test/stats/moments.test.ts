import { describe, expect, it } from 'vitest';
import { compensatedSum, meanStd } from '../../src/stats/moments.js';
import { expectStat, fixtures, sample } from './fixtures.js';

describe('mean and population std against np.mean / np.std', () => {
  for (const c of fixtures().moments) {
    it(c.sample, () => {
      const r = meanStd(sample(c.sample));
      expectStat(r.mean, c.mean, 'mean', 1e-13);
      expectStat(r.std, c.std, 'std', 1e-13);
    });
  }
});

describe('compensated summation and edge cases', () => {
  it('keeps low-order parts that a plain sum loses', () => {
    expect(compensatedSum([1e16, 1, -1e16])).toBe(1);
    expect(compensatedSum([1, 1e100, 1, -1e100])).toBe(2);
    expect(compensatedSum([1, 2, 3, 4], 1, 3)).toBe(5);
    expect(compensatedSum([])).toBe(0);
  });

  it('population std (ddof 0) and the empty sample', () => {
    expect(meanStd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ count: 8, mean: 5, std: 2 });
    const empty = meanStd([]);
    expect(empty.count).toBe(0);
    expect(empty.mean).toBeNaN();
    expect(empty.std).toBeNaN();
  });
});
