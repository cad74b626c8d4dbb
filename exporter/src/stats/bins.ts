/**
 * Reference-fixed numeric bins. A profile stores only the inner edges e_1 < ... < e_k; the outer edges are
 * -Inf and +Inf, so there are k + 1 bins. Bins are right-closed, (a, b], like Prometheus `le` buckets:
 * bin 0 = (-Inf, e_1], bin i = (e_i, e_{i+1}], bin k = (e_k, +Inf).
 */
import { quantileSorted } from './quantile.js';

/** Inner edges at the quantiles i/nBins (i = 1..nBins-1) of a sorted sample, duplicates dropped. */
export function quantileEdges(sorted: ArrayLike<number>, nBins: number): number[] {
  if (!Number.isInteger(nBins) || nBins < 1) throw new RangeError(`bin count must be a positive integer, got ${nBins}`);
  const edges: number[] = [];
  if (sorted.length === 0) return edges;
  for (let i = 1; i < nBins; i++) {
    const q = quantileSorted(sorted, i / nBins);
    if (edges.length === 0 || q > (edges[edges.length - 1] as number)) edges.push(q);
  }
  return edges;
}

/**
 * Index of the bin holding a finite value: the number of inner edges strictly below it
 * (binary search, O(log k)).
 */
export function binIndex(innerEdges: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = innerEdges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((innerEdges[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Label of numeric bin i: zero-padded so labels sort like the bins ("00".."09", or "000".. past 100 bins). */
export function numericBinLabel(index: number, binCount: number): string {
  const width = Math.max(2, String(binCount - 1).length);
  return String(index).padStart(width, '0');
}

/** Prometheus-style spelling of an edge for the `lower`/`upper` labels: "-Inf", "+Inf" or the shortest round-trip number. */
export function formatEdge(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
