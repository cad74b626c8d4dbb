/**
 * Significance of a PSI value: its approximate null distribution at the given sample sizes.
 *
 * Under no drift, with n current and m reference observations over B bins, each proportion difference
 * c_i - r_i has variance ~ p_i (1 - p_i) (1/n + 1/m), and PSI = sum (c_i - r_i) ln(c_i / r_i) (the symmetrised
 * Kullback-Leibler divergence) equals, to second order in c_i - r_i, the chi-square divergence
 * sum (c_i - r_i)^2 / p_i. Hence
 *
 *   n_eff * PSI  ~  chi2(B - 1),   n_eff = 1 / (1/n + 1/m),
 *
 * the same limit as Pearson's test of homogeneity. This is an approximation: it needs expected counts of a few
 * per bin on both sides (it is anti-conservative when bins are nearly empty, where the epsilon substitution for
 * zero proportions inflates PSI), and it ignores higher-order terms (PSI is slightly larger than the chi-square
 * divergence for large differences, which only matters far from the null). A reference profile taken as exact
 * may be given m = Infinity (then n_eff = n). The point is that a fixed PSI threshold means a different
 * false-alarm rate at every n: with 10 bins, PSI 0.1 is p ~ 0.83 at n = m = 100 but p ~ 1e-7 at n = m = 1000,
 * and the 5 % critical PSI is 0.34, 0.034 and 0.0034 at n = m = 100, 1000 and 10000.
 */
import { chi2Sf } from './gamma.js';
import { DEFAULT_PSI_EPSILON, proportions, psi } from './psi.js';

export interface PsiSignificance {
  /** n_eff = 1 / (1/n + 1/m). */
  nEffective: number;
  /** B - 1, B = bins with mass on either side. */
  dof: number;
  /** n_eff * PSI. */
  statistic: number;
  /** chi2.sf(n_eff * PSI, B - 1); 1 when B <= 1. */
  pValue: number;
}

/**
 * p-value of an observed PSI: chi2.sf(n_eff * psi, bins - 1) with n_eff = 1 / (1/nCurrent + 1/nReference).
 * `bins` is the number of bins holding mass on either side. NaN when a size is not positive or psi is NaN or
 * negative; p = 1 when bins <= 1.
 */
export function psiPValue(psiValue: number, nCurrent: number, nReference: number, bins: number): PsiSignificance {
  const nEffective = 1 / (1 / nCurrent + 1 / nReference);
  const dof = Math.max(bins - 1, 0);
  if (!(nCurrent > 0 && nReference > 0) || !(psiValue >= 0) || !(nEffective > 0)) {
    return { nEffective: Number.NaN, dof, statistic: Number.NaN, pValue: Number.NaN };
  }
  const statistic = nEffective * psiValue;
  return { nEffective, dof, statistic, pValue: dof === 0 ? 1 : chi2Sf(statistic, dof) };
}

export interface PsiTestResult extends PsiSignificance {
  psi: number;
}

/**
 * PSI from raw bin counts (current vs reference, same bins, ε-substituted as in ./psi.ts) together with its
 * p-value from `psiPValue`, n and m being the count totals and B the bins with a non-zero count on either side.
 */
export function psiTest(
  currentCounts: ArrayLike<number>,
  referenceCounts: ArrayLike<number>,
  epsilon = DEFAULT_PSI_EPSILON,
): PsiTestResult {
  if (currentCounts.length !== referenceCounts.length) {
    throw new RangeError(`PSI needs the same bins on both sides (current ${currentCounts.length}, reference ${referenceCounts.length})`);
  }
  let n = 0;
  let m = 0;
  let bins = 0;
  for (let i = 0; i < currentCounts.length; i++) {
    const c = currentCounts[i] as number;
    const r = referenceCounts[i] as number;
    n += c;
    m += r;
    if (c > 0 || r > 0) bins++;
  }
  if (!(n > 0 && m > 0)) return { psi: Number.NaN, nEffective: Number.NaN, dof: Math.max(bins - 1, 0), statistic: Number.NaN, pValue: Number.NaN };
  const value = psi(proportions(currentCounts), proportions(referenceCounts), epsilon);
  return { psi: value, ...psiPValue(value, n, m, bins) };
}
