import { describe, expect, it } from 'vitest';
import { binIndex, formatEdge, numericBinLabel, quantileEdges } from '../../src/stats/bins.js';
import { quantileSorted, sortedFinite } from '../../src/stats/quantile.js';
import { expectStat, fixtures, sample } from './fixtures.js';

/** Bin counts over right-closed bins from inner edges, plus a trailing missing (non-finite) bin. */
function countBins(edges: number[], values: Float64Array): number[] {
  const counts = new Array<number>(edges.length + 2).fill(0);
  for (const v of values) {
    const i = Number.isFinite(v) ? binIndex(edges, v) : edges.length + 1;
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

describe('quantiles and reference bins against numpy', () => {
  for (const c of fixtures().quantiles) {
    it(`${c.reference} (${c.nBins} bins), counts of ${c.other}`, () => {
      const sorted = sortedFinite(sample(c.reference));
      c.quantiles.forEach((q, i) => expectStat(quantileSorted(sorted, (i + 1) / c.nBins), q, `quantile ${i + 1}/${c.nBins}`));
      const edges = quantileEdges(sorted, c.nBins);
      expect(edges.length).toBe(c.edges.length);
      edges.forEach((e, i) => expectStat(e, c.edges[i] as number, `edge ${i}`));
      expect(countBins(edges, sample(c.reference))).toEqual(c.referenceCounts);
      expect(countBins(edges, sample(c.other))).toEqual(c.otherCounts);
    });
  }
});

describe('quantileSorted (numpy linear interpolation)', () => {
  it('interpolates at h = (n - 1) p', () => {
    const x = [1, 2, 3, 4];
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 1)).toBe(4);
    expect(quantileSorted(x, 0.5)).toBe(2.5); // h = 1.5
    expect(quantileSorted(x, 0.25)).toBe(1.75); // h = 0.75
    expect(quantileSorted([5], 0.3)).toBe(5);
  });

  it('rejects probabilities outside [0, 1] and returns NaN for an empty sample', () => {
    expect(() => quantileSorted([1, 2], 1.5)).toThrow(RangeError);
    expect(() => quantileSorted([1, 2], Number.NaN)).toThrow(RangeError);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('sortedFinite', () => {
  it('drops NaN and infinities and sorts numerically', () => {
    const out = sortedFinite([3, Number.NaN, -1, Number.POSITIVE_INFINITY, 10, Number.NEGATIVE_INFINITY, 2]);
    expect(Array.from(out)).toEqual([-1, 2, 3, 10]);
    expect(sortedFinite([Number.NaN]).length).toBe(0);
  });
});

describe('quantileEdges and binIndex', () => {
  it('drops duplicate edges (ties, constant columns)', () => {
    expect(quantileEdges([3.5, 3.5, 3.5, 3.5], 10)).toEqual([3.5]);
    expect(quantileEdges([], 10)).toEqual([]);
    expect(quantileEdges([1, 2, 3, 4, 5], 1)).toEqual([]);
    expect(() => quantileEdges([1, 2], 0)).toThrow(RangeError);
  });

  it('puts a value equal to an edge in the bin below (right-closed, like Prometheus le)', () => {
    const edges = [1, 2, 3];
    expect(binIndex(edges, 0.5)).toBe(0);
    expect(binIndex(edges, 1)).toBe(0);
    expect(binIndex(edges, 1.0000001)).toBe(1);
    expect(binIndex(edges, 3)).toBe(2);
    expect(binIndex(edges, 3.5)).toBe(3);
    expect(binIndex([], 42)).toBe(0);
  });

  it('labels and edges format for Prometheus', () => {
    expect(numericBinLabel(3, 10)).toBe('03');
    expect(numericBinLabel(7, 101)).toBe('007');
    expect(formatEdge(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatEdge(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatEdge(0.1)).toBe('0.1');
  });
});
