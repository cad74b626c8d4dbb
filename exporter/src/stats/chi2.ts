/**
 * Pearson chi-square test of homogeneity for one categorical feature: the 2 x K table whose first row holds the
 * reference counts and second row the current counts of the same K categories.
 */
import { chi2Sf } from './gamma.js';

export interface Chi2Result {
  /** Pearson statistic sum_ij (O_ij - E_ij)^2 / E_ij, E_ij = rowTotal_i * columnTotal_j / total. */
  statistic: number;
  /** chi2.sf(statistic, dof); 1 when dof = 0. */
  pValue: number;
  /** Degrees of freedom: (2 - 1) * (K' - 1), K' = categories with a non-zero count in either row. */
  dof: number;
  /** K', the number of categories kept. */
  categories: number;
}

/**
 * Chi-square test of homogeneity without continuity correction: the same statistic, p-value and dof as
 * `scipy.stats.chi2_contingency(np.array([reference, current])[:, kept], correction=False)`, where `kept` drops
 * the categories that are zero in both rows (an empty column has no expected count, and scipy would reject it).
 *
 * Degenerate tables, where scipy returns 0 / 1 or raises: a table with K' <= 1 (a constant column) or a row
 * with no counts at all (e.g. an empty window) gives statistic 0, p-value 1 and dof max(K' - 1, 0); callers are
 * expected to report too-small windows separately. Counts must be finite and non-negative (else RangeError);
 * they need not be integers.
 */
export function chi2Homogeneity(reference: ArrayLike<number>, current: ArrayLike<number>): Chi2Result {
  const k = reference.length;
  if (current.length !== k) {
    throw new RangeError(`chi-square needs the same categories on both sides (reference ${k}, current ${current.length})`);
  }
  let refTotal = 0;
  let curTotal = 0;
  let kept = 0;
  for (let j = 0; j < k; j++) {
    const r = reference[j] as number;
    const c = current[j] as number;
    if (!(r >= 0 && c >= 0 && r !== Number.POSITIVE_INFINITY && c !== Number.POSITIVE_INFINITY)) {
      throw new RangeError(`chi-square counts must be finite and non-negative (category ${j}: ${r}, ${c})`);
    }
    refTotal += r;
    curTotal += c;
    if (r + c > 0) kept++;
  }
  const dof = Math.max(kept - 1, 0);
  if (kept <= 1 || refTotal === 0 || curTotal === 0) return { statistic: 0, pValue: 1, dof, categories: kept };
  const total = refTotal + curTotal;
  let statistic = 0;
  for (let j = 0; j < k; j++) {
    const r = reference[j] as number;
    const c = current[j] as number;
    const column = r + c;
    if (column === 0) continue;
    const er = (refTotal * column) / total;
    const ec = (curTotal * column) / total;
    statistic += ((r - er) * (r - er)) / er + ((c - ec) * (c - ec)) / ec;
  }
  return { statistic, pValue: chi2Sf(statistic, dof), dof, categories: kept };
}
