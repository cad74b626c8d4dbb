/**
 * Quantile function (inverse CDF) of the standard normal distribution, for the z of confidence intervals.
 */
import { normalCdf } from '../stats/normal.js';

// P. J. Acklam's rational approximations (relative error < 1.15e-9), refined below by one Halley step.
const A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;
const SQRT_2PI = 2.5066282746310002;

function coefficient(list: readonly number[], i: number): number {
  return list[i] as number;
}

/** Acklam's approximation for 0 < p <= 0.5 (lower half). */
function acklamLower(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((coefficient(C, 0) * q + coefficient(C, 1)) * q + coefficient(C, 2)) * q + coefficient(C, 3)) * q + coefficient(C, 4)) * q +
        coefficient(C, 5)) /
      ((((coefficient(D, 0) * q + coefficient(D, 1)) * q + coefficient(D, 2)) * q + coefficient(D, 3)) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((coefficient(A, 0) * r + coefficient(A, 1)) * r + coefficient(A, 2)) * r + coefficient(A, 3)) * r + coefficient(A, 4)) * r +
      coefficient(A, 5)) *
      q) /
    (((((coefficient(B, 0) * r + coefficient(B, 1)) * r + coefficient(B, 2)) * r + coefficient(B, 3)) * r + coefficient(B, 4)) * r + 1)
  );
}

/**
 * Standard normal quantile Phi^-1(p) (`scipy.stats.norm.ppf(p)`): Acklam's rational approximation followed by
 * one Halley step on Phi(x) - p, with Phi from the accurate `normalCdf`, which brings the relative error to about
 * 1e-15. For p > 0.5 it returns -Phi^-1(1 - p) (1 - p is exact there). -Infinity at 0, +Infinity at 1, NaN outside
 * [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -normalQuantile(1 - p);
  if (p === 0.5) return 0;
  let x = acklamLower(p);
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  x -= u / (1 + (x * u) / 2);
  return x;
}

/**
 * The z of a two-sided normal interval at `confidence` (e.g. 1.959963984540054 at 0.95):
 * Phi^-1(1 - (1 - confidence) / 2). Throws RangeError unless 0 < confidence < 1.
 */
export function twoSidedZ(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return -normalQuantile((1 - confidence) / 2);
}
