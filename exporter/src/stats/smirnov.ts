/**
 * One-sided Kolmogorov-Smirnov (Smirnov) distribution: the survival function of D+_n = sup_x (F_n(x) - F(x))
 * for a sample of size n from a continuous F, i.e. `scipy.special.smirnov(n, d)`.
 *
 * Exact value by the Smirnov / Birnbaum-Tingey sum
 *
 *   P(D+_n >= d) = d * sum_{v=0}^{floor(n(1-d))} C(n, v) (d + v/n)^(v-1) (1 - d - v/n)^(n-v),
 *
 * (the term v = n(1 - d) is left out when n(1 - d) is an integer), with the same special cases and branch
 * points as scipy's implementation: closed forms for d <= 1/n and d >= 1 - 1/n, 0 when -2 n d^2 is below
 * ln(2^-1075) (the result underflows), the approximation exp(-(6nd + 1)^2 / (18 n)) for n > 10^6, and early
 * termination once the remaining terms cannot change the sum. scipy evaluates the terms in double-double
 * arithmetic; here every term is taken in the log domain, with floor(n d) and the fractional part of n d
 * computed exactly (error-free product). The terms are all positive, so the sum does not cancel, but each term's
 * exponent is a sum of O(n) logarithms: the relative error grows like n * 1e-16 (measured against scipy: ~4e-11
 * at n = 10^5, ~5e-10 at n = 10^6). Cost O(n (1 - d)) at worst.
 */

const MIN_LOG = -745.1332191019412;
const SPLITTER = 134217729; // 2^27 + 1, Dekker's split
const DBL_EPSILON = 2.220446049250313e-16;
const SMIRNOV_MAX_COMPUTE_N = 1000000;

/** floor(n x) and the fractional part of n x, computed from the exact product n x = p + e. */
function splitNX(n: number, x: number): { floor: number; alpha: number } {
  const p = n * x;
  // Dekker's two-product: e = n * x - p exactly.
  let c = SPLITTER * n;
  const nh = c - (c - n);
  const nl = n - nh;
  c = SPLITTER * x;
  const xh = c - (c - x);
  const xl = x - xh;
  const e = nh * xh - p + nh * xl + nl * xh + nl * xl;
  let floor = Math.floor(p);
  let alpha = p - floor + e;
  if (alpha < 0) {
    floor -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    floor += 1;
    alpha = 0;
  }
  return { floor, alpha };
}

/** Survival function P(D+_n >= d) of the one-sided KS statistic (scipy.special.smirnov). NaN outside n >= 1, 0 <= d <= 1. */
export function smirnovSf(n: number, d: number): number {
  if (!(Number.isInteger(n) && n > 0 && d >= 0 && d <= 1)) return Number.NaN;
  if (n === 1) return 1 - d;
  if (d === 0) return 1;
  if (d === 1) return 0;
  const { floor: nxFloor, alpha } = splitNX(n, d);
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) {
    // d <= 1/n: P(D+ < d) = d (1 + d)^(n - 1).
    const cdf = d * Math.exp((n - 1) * Math.log1p(d));
    return clip01(1 - cdf);
  }
  if (-2 * n * d * d < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return clip01(Math.pow(1 - d, n));
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6 * n * d + 1, 2) / 18 / n;
    return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp));
  }
  // Last index of the lower sum: floor(n (1 - d)), minus one when n (1 - d) is an integer.
  let last = n - nxFloor - (alpha === 0 ? 0 : 1);
  if (alpha === 0) last -= 1;
  const nTerms = last + 1;
  const logN = Math.log(n);
  // v = 0: (1 - d)^n / d.
  let sum = Math.exp(n * Math.log1p(-d) - Math.log(d));
  // Binomial coefficient C(n, v) as mantissa * 2^exponent (it overflows doubles for large n).
  let binomMantissa = 1;
  let binomExponent = 0;
  const vmid = Math.floor(n / 2);
  for (let v = 1; v < nTerms; v++) {
    binomMantissa *= (n - v + 1) / v;
    if (binomMantissa > 1e150) {
      binomMantissa *= 2 ** -500;
      binomExponent += 500;
    } else if (binomMantissa < 1e-150) {
      binomMantissa *= 2 ** 500;
      binomExponent -= 500;
    }
    // d + v/n = (v + floor(nd) + alpha) / n and 1 - d - v/n = (n - floor(nd) - v - alpha) / n, exactly split.
    const upper = v + nxFloor + alpha;
    const lower = n - nxFloor - v - alpha;
    const logTerm =
      Math.log(binomMantissa) +
      binomExponent * Math.LN2 +
      (v - 1) * (Math.log(upper) - logN) +
      (n - v) * (Math.log(lower) - logN);
    const term = Math.exp(logTerm);
    sum += term;
    if (term !== 0) {
      if (4 * (nTerms - v) * term < DBL_EPSILON * sum && v !== nTerms - 1) break;
    } else if (v > vmid) {
      break;
    }
  }
  return clip01(d * sum);
}

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
