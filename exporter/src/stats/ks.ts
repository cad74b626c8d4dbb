/**
 * Two-sample Kolmogorov-Smirnov test on two ascending-sorted samples, matching
 * `scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto')` of scipy 1.10.
 *
 * Statistic: D = max_x |F_a(x) - F_b(x)| over the ECDFs, found by one merge walk over both sorted arrays
 * (O(n1 + n2), no allocation). Ties are handled as scipy does (searchsorted 'right'): both ECDFs are evaluated
 * after all copies of a value have been taken, so a value shared by both samples never creates a spurious gap.
 *
 * p-value (`method` in the result says which one was used):
 * - **exact** when max(n1, n2) <= 10000 (`KS_EXACT_MAX_N`): the lattice-path probability that |F_a - F_b| reaches
 *   D, with D first snapped to h / lcm(n1, n2), h = round(D lcm(n1, n2)) (scipy reports this snapped D as the
 *   statistic). For n1 = n2 scipy's closed-form alternating sum (`_compute_prob_outside_square`) is used, otherwise
 *   Hodges' inside method with Viehmann's recursion for 1 - p (`_compute_outer_prob_inside_method`), both exactly
 *   as scipy evaluates them (the gcd of n1 and n2 shrinks the lattice). If the exact value comes out non-finite or
 *   outside [0, 1], scipy falls back to the asymptotic value, and so does this function.
 *   Cost: O(n) for equal sizes, O(max(n1, n2) * D * min(n1, n2)) otherwise (worst ~1e8 steps at 10000 x 9999).
 * - **asymptotic** otherwise: `kstwo.sf(D, round(n1 n2 / (n1 + n2)))`, the exact one-sample KS distribution at the
 *   effective size (round half to even, like numpy), see ./kstwo.ts; not the limiting Kolmogorov series, which is
 *   several percent off in the tail at these sizes.
 *
 * Empty samples (scipy raises): statistic, p-value NaN and method 'none'.
 */
import { kstwoSf } from './kstwo.js';

/** Largest sample size for which the p-value is exact (scipy's MAX_AUTO_N). */
export const KS_EXACT_MAX_N = 10000;

export type KsMethod = 'exact' | 'asymptotic' | 'none';

export interface KsResult {
  /** D as scipy reports it: in exact mode snapped to h / lcm(n1, n2) (the same number up to rounding). */
  statistic: number;
  pValue: number;
  method: KsMethod;
  n1: number;
  n2: number;
}

/**
 * max_x |F_a(x) - F_b(x)| for ascending-sorted samples, with scipy's arithmetic: the value reported is the float
 * i / n1 - j / n2 (or its negative) at the distinct value where the gap is largest, i, j being the counts of each
 * sample <= that value. Extremes are located on the exact integer i n2 - j n1, so only new extremes pay for a
 * division. NaN if either sample is empty. Throws RangeError if an input is not sorted ascending or holds NaN.
 */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return Number.NaN;
  // Integer keys are exact while n1 * n2 < 2^53; beyond that fall back to the float differences.
  const exactKeys = n1 * n2 <= Number.MAX_SAFE_INTEGER;
  let i = 0;
  let j = 0;
  let v = (a[0] as number) <= (b[0] as number) ? (a[i++] as number) : (b[j++] as number);
  let maxKey = 0;
  let minKey = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    const takeA = i < n1 && (j >= n2 || (a[i] as number) <= (b[j] as number));
    const next = takeA ? (a[i] as number) : (b[j] as number);
    if (next !== v) {
      if (!(next > v)) throw new RangeError('KS inputs must be sorted ascending and free of NaN');
      // All values <= v are counted: evaluate the gap after v.
      const key = exactKeys ? i * n2 - j * n1 : i / n1 - j / n2;
      if (key >= maxKey && key > 0) {
        const diff = i / n1 - j / n2;
        if (key > maxKey || diff > maxDiff) maxDiff = diff;
        maxKey = key;
      } else if (key <= minKey && key < 0) {
        const diff = j / n2 - i / n1;
        if (key < minKey || diff > minDiff) minDiff = diff;
        minKey = key;
      }
      v = next;
    }
    if (takeA) i++;
    else j++;
  }
  if (Number.isNaN(v)) throw new RangeError('KS inputs must be sorted ascending and free of NaN');
  return minDiff > maxDiff ? minDiff : maxDiff;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** Round half to even (numpy's `np.round`). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/**
 * P(D_{n,n} >= h/n) for two samples of equal size n (0 < h <= n): scipy's `_compute_prob_outside_square`,
 * 2 * (A_0 - A_0 A_1 + ...) evaluated Horner-style from the ratios binom(2n, n - kh) / binom(2n, n).
 */
export function ksProbOutsideSquare(n: number, h: number): number {
  let P = 0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
    k -= 1;
  }
  return 2 * P;
}

/**
 * Proportion of lattice paths from (0, 0) to (m, n) that leave the band |x/m - y/n| < h / lcm(m, n), with g the
 * gcd of m and n: scipy's `_compute_outer_prob_inside_method` (Hodges' inside method; Viehmann's recursion for
 * 1 - p, which keeps every entry in [0, 1]).
 */
export function ksProbOutsideBand(m0: number, n0: number, g: number, h: number): number {
  let m = m0;
  let n = n0;
  if (m < n) [m, n] = [n, m];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    const width = maxj - minj;
    const offset = minj - lastminj;
    for (let jj = 0; jj < width; jj++) {
      const j = jj + minj;
      val = ((A[jj + offset] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = width;
    if (lastlen > curlen) A.fill(1, width, width + (lastlen - curlen));
  }
  return A[maxj - minj - 1] as number;
}

/**
 * p-value of an observed two-sample statistic `d` for sizes n1, n2, chosen and computed as `ks_2samp` does
 * (see the module comment). Returns the statistic as scipy would report it (snapped in exact mode).
 */
export function ksPValue(d: number, n1: number, n2: number): { statistic: number; pValue: number; method: KsMethod } {
  if (!(n1 >= 1 && n2 >= 1) || !Number.isInteger(n1) || !Number.isInteger(n2) || Number.isNaN(d)) {
    return { statistic: Number.NaN, pValue: Number.NaN, method: 'none' };
  }
  let statistic = d;
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const lcm = Math.floor(n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    statistic = h / lcm;
    if (h === 0) return { statistic, pValue: 1, method: 'exact' };
    const prob = n1 === n2 ? ksProbOutsideSquare(n1, h) : ksProbOutsideBand(n1, n2, g, h);
    if (prob >= 0 && prob <= 1) return { statistic, pValue: prob, method: 'exact' };
  }
  const big = Math.max(n1, n2);
  const small = Math.min(n1, n2);
  const en = (big * small) / (big + small);
  const p = kstwoSf(statistic, roundHalfEven(en));
  return { statistic, pValue: p < 0 ? 0 : p > 1 ? 1 : p, method: 'asymptotic' };
}

/** Two-sample two-sided KS test on ascending-sorted samples (NaN-free); see the module comment. */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { statistic: Number.NaN, pValue: Number.NaN, method: 'none', n1, n2 };
  const d = ksStatistic(a, b);
  return { ...ksPValue(d, n1, n2), n1, n2 };
}
