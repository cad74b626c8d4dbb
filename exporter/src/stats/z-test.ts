/**
 * z-test of a window mean against the reference distribution.
 */
import { meanStd } from './moments.js';
import { normalTwoSidedPValue } from './normal.js';

export interface ZTestResult {
  /** z = (mean_cur - mean_ref) / (std_ref / sqrt(n_cur)). */
  z: number;
  /** Two-sided normal p-value P(|Z| >= |z|) = erfc(|z| / sqrt 2) = 2 * scipy.stats.norm.sf(abs(z)). */
  pValue: number;
}

/**
 * z-score of the current mean against the reference, treating the reference mean and standard deviation as the
 * known population values:
 *
 *   z = (meanCurrent - meanReference) / (stdReference / sqrt(countCurrent)),  p = 2 (1 - Phi(|z|)).
 *
 * `stdReference` should be the reference's population standard deviation (ddof = 0, as `zTestSamples` uses).
 * Degenerate cases: countCurrent = 0 or a NaN input gives z = NaN, p = NaN; stdReference = 0 (a constant
 * reference) gives z = 0, p = 1 when the means are equal and z = +-Infinity, p = 0 otherwise.
 */
export function zTest(meanCurrent: number, countCurrent: number, meanReference: number, stdReference: number): ZTestResult {
  if (!(countCurrent > 0) || Number.isNaN(meanCurrent) || Number.isNaN(meanReference) || !(stdReference >= 0)) {
    return { z: Number.NaN, pValue: Number.NaN };
  }
  const diff = meanCurrent - meanReference;
  if (stdReference === 0) {
    if (diff === 0) return { z: 0, pValue: 1 };
    return { z: diff > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY, pValue: 0 };
  }
  const z = diff / (stdReference / Math.sqrt(countCurrent));
  return { z, pValue: normalTwoSidedPValue(z) };
}

/**
 * `zTest` from raw samples: mean of `current`, mean and population standard deviation (ddof = 0) of `reference`,
 * i.e. `(cur.mean() - ref.mean()) / (ref.std() / sqrt(len(cur)))` in numpy. Empty current or reference: NaN.
 */
export function zTestSamples(current: ArrayLike<number>, reference: ArrayLike<number>): ZTestResult {
  const cur = meanStd(current);
  const ref = meanStd(reference);
  return zTest(cur.mean, cur.count, ref.mean, ref.std);
}
