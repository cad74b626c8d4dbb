/**
 * First Wasserstein (earth mover's) distance between two samples, and Evidently's normed variant.
 */
import { meanStd } from './moments.js';

/**
 * W1(a, b) = integral |F_a(x) - F_b(x)| dx for ascending-sorted samples, the exact area between the two ECDFs
 * (`scipy.stats.wasserstein_distance(a, b)`): one merge walk over both arrays, adding
 * |i/n1 - j/n2| * (x_(k+1) - x_(k)) between consecutive values of the merged sample (i, j = values <= x_(k) in
 * each sample), with a compensated sum. O(n1 + n2), no allocation. NaN if either sample is empty. Inputs must be
 * finite and sorted ascending (not re-checked here; `ksStatistic` checks the same arrays).
 */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let current: number;
  if ((a[0] as number) <= (b[0] as number)) current = a[i++] as number;
  else current = b[j++] as number;
  let sum = 0;
  let compensation = 0;
  while (i < n1 || j < n2) {
    const takeA = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number));
    const next = takeA ? (a[i] as number) : (b[j] as number);
    if (next > current) {
      const term = Math.abs(i / n1 - j / n2) * (next - current);
      const t = sum + term;
      if (sum >= term) compensation += sum - t + term;
      else compensation += term - t + sum;
      sum = t;
    }
    if (takeA) i++;
    else j++;
    current = next;
  }
  return sum + compensation;
}

/** Floor applied to the reference standard deviation by the normed distance (as Evidently). */
export const WASSERSTEIN_MIN_STD = 0.001;

export interface NormedWasserstein {
  /** W1(reference, current). */
  distance: number;
  /** Population standard deviation of the reference sample (ddof = 0, `np.std(reference)`). */
  stdReference: number;
  /** distance / max(stdReference, 0.001): Evidently's "wasserstein" drift score. */
  normed: number;
}

/**
 * Normed Wasserstein distance W1(reference, current) / max(std_ref, 0.001), where std_ref is the population
 * standard deviation (ddof = 0, numpy's default `np.std`) of the reference sample; this is Evidently's normed
 * Wasserstein drift score. `stdReference` may be passed when the reference profile already holds it (then it
 * must be the ddof-0 value). Both samples ascending-sorted and finite; NaN fields when either is empty.
 */
export function normedWasserstein(
  sortedReference: ArrayLike<number>,
  sortedCurrent: ArrayLike<number>,
  stdReference: number = meanStd(sortedReference).std,
): NormedWasserstein {
  const distance = wasserstein1(sortedReference, sortedCurrent);
  return { distance, stdReference, normed: distance / Math.max(stdReference, WASSERSTEIN_MIN_STD) };
}
