import { describe, expect, it } from 'vitest';
import { binnedCdfGap } from '../../src/stats/binned-ks.js';
import { ksStatistic } from '../../src/stats/ks.js';
import { binIndex } from '../../src/stats/bins.js';
import { SeededRandom } from '../../src/stats/random.js';

describe('binned KS distance', () => {
  it('is the largest gap between cumulative shares (hand-computed)', () => {
    // current shares .5 .25 .25, reference .25 .25 .5 → CDFs .5 .75 1 vs .25 .5 1 → gap .25 at bin 0.
    const r = binnedCdfGap([2, 1, 1], [1, 1, 2]);
    expect(r.current).toEqual([0.5, 0.75, 1]);
    expect(r.reference).toEqual([0.25, 0.5, 1]);
    expect(r.gap).toBeCloseTo(0.25, 15);
    expect(r.gapAt).toBe(0);
    expect(binnedCdfGap([1, 1], [1, 1]).gap).toBe(0);
  });

  it('is NaN for an empty side and refuses mismatched bins', () => {
    expect(binnedCdfGap([0, 0], [1, 1]).gap).toBeNaN();
    expect(() => binnedCdfGap([1], [1, 2])).toThrow(/same bins/);
  });

  it('never exceeds the exact KS statistic of the same values', () => {
    const rng = new SeededRandom(5);
    for (let round = 0; round < 20; round++) {
      const a = Float64Array.from({ length: 300 }, () => rng.normal()).sort();
      const b = Float64Array.from({ length: 200 }, () => rng.normal() + 0.3).sort();
      const edges = [-1.5, -0.8, -0.3, 0, 0.3, 0.8, 1.5];
      const ca = new Array(edges.length + 1).fill(0);
      const cb = new Array(edges.length + 1).fill(0);
      for (const v of a) ca[binIndex(edges, v)]++;
      for (const v of b) cb[binIndex(edges, v)]++;
      expect(binnedCdfGap(ca, cb).gap).toBeLessThanOrEqual(ksStatistic(a, b) + 1e-12);
    }
  });
});
