/**
 * One merge walk over two sorted samples that yields both ECDF-based drift statistics at once, for the scrape
 * path where KS and Wasserstein are both wanted (the walk, with its unpredictable branch per value, is the cost).
 */

export interface EcdfComparison {
  /** Two-sample KS statistic max |F_a - F_b|, exactly as `ksStatistic` (scipy's `ks_2samp` statistic). */
  ks: number;
  /** W1 = integral |F_a - F_b| dx, exactly as `wasserstein1` (scipy's `wasserstein_distance`). */
  wasserstein: number;
}

/**
 * KS statistic and W1 of two ascending-sorted samples in a single O(n1 + n2) pass with no allocation. Each gap
 * |i/n1 - j/n2| is evaluated after the last copy of a value, so ties are handled as scipy does for both. NaN
 * fields if either sample is empty; throws RangeError if an input is not sorted ascending or holds NaN.
 */
export function compareSortedSamples(a: ArrayLike<number>, b: ArrayLike<number>): EcdfComparison {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { ks: Number.NaN, wasserstein: Number.NaN };
  let i = 0;
  let j = 0;
  let v = (a[0] as number) <= (b[0] as number) ? (a[i++] as number) : (b[j++] as number);
  let maxPositive = 0;
  let maxNegative = 0;
  let sum = 0;
  let compensation = 0;
  while (i < n1 || j < n2) {
    const takeA = i < n1 && (j >= n2 || (a[i] as number) <= (b[j] as number));
    const next = takeA ? (a[i] as number) : (b[j] as number);
    if (next !== v) {
      if (!(next > v)) throw new RangeError('inputs must be sorted ascending and free of NaN');
      const diff = i / n1 - j / n2;
      if (diff > maxPositive) maxPositive = diff;
      else if (-diff > maxNegative) maxNegative = -diff;
      const term = Math.abs(diff) * (next - v);
      const t = sum + term;
      if (sum >= term) compensation += sum - t + term;
      else compensation += term - t + sum;
      sum = t;
      v = next;
    }
    if (takeA) i++;
    else j++;
  }
  if (Number.isNaN(v)) throw new RangeError('inputs must be sorted ascending and free of NaN');
  return { ks: maxNegative > maxPositive ? maxNegative : maxPositive, wasserstein: sum + compensation };
}
