/**
 * Complementary error function and the standard normal distribution, accurate in the far tails.
 *
 * `erfc` uses W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the error
 * function", Math. Comp. 23 (1969) 631-637; the coefficient sets of his CALERF routine), which keep about 1e-15
 * relative accuracy over the whole range, including erfc(x) down to the smallest normal doubles (x ~ 26.5).
 * Above 0.46875 the factor exp(-x^2) is evaluated as exp(-s^2) * exp(-(x - s)(x + s)) with s = x rounded down to
 * a multiple of 1/16, so that s^2 is exact and no relative accuracy is lost to the rounding of x^2.
 * The coefficients below are Cody's published values, each written as the shortest decimal that rounds to the
 * same double.
 */

const ERF_A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERFC_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const ERFC_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const ERFC_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const ERFC_Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];

/** 1 / sqrt(pi). */
const INV_SQRT_PI = 0.5641895835477563;
/** Beyond this, erfc(x) is below the smallest subnormal double. */
const ERFC_UNDERFLOW = 27.3;

/** erf(x) for |x| <= 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = (ERF_A[4] as number) * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + (ERF_A[i] as number)) * z;
    den = (den + (ERF_B[i] as number)) * z;
  }
  return (x * (num + (ERF_A[3] as number))) / (den + (ERF_B[3] as number));
}

/** exp(-y^2) without the rounding error of y^2 (y >= 0). */
function expMinusSquare(y: number): number {
  const s = Math.trunc(y * 16) / 16;
  const del = (y - s) * (y + s);
  return Math.exp(-s * s) * Math.exp(-del);
}

/** erfc(y) for y > 0.46875. */
function erfcPositive(y: number): number {
  if (y <= 4) {
    let num = (ERFC_C[8] as number) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + (ERFC_C[i] as number)) * y;
      den = (den + (ERFC_D[i] as number)) * y;
    }
    return (expMinusSquare(y) * (num + (ERFC_C[7] as number))) / (den + (ERFC_D[7] as number));
  }
  if (y >= ERFC_UNDERFLOW) return 0;
  const z = 1 / (y * y);
  let num = (ERFC_P[5] as number) * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + (ERFC_P[i] as number)) * z;
    den = (den + (ERFC_Q[i] as number)) * z;
  }
  const r = (z * (num + (ERFC_P[4] as number))) / (den + (ERFC_Q[4] as number));
  return (expMinusSquare(y) * (INV_SQRT_PI - r)) / y;
}

/** Error function erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt (scipy.special.erf). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const r = 1 - erfcPositive(y);
  return x < 0 ? -r : r;
}

/**
 * Complementary error function erfc(x) = 1 - erf(x) = 2/sqrt(pi) * integral_x^inf exp(-t^2) dt
 * (scipy.special.erfc), with full relative accuracy for large positive x; 0 once it underflows (x > ~27.2).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const r = erfcPositive(y);
  return x < 0 ? 2 - r : r;
}

/** Standard normal survival function P(Z > x) = erfc(x / sqrt 2) / 2 (scipy.stats.norm.sf). */
export function normalSf(x: number): number {
  return 0.5 * erfc(x * Math.SQRT1_2);
}

/** Standard normal CDF P(Z <= x) = erfc(-x / sqrt 2) / 2 (scipy.stats.norm.cdf), accurate in the lower tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

/** Two-sided normal p-value P(|Z| >= |z|) = erfc(|z| / sqrt 2) (= 2 * scipy.stats.norm.sf(abs(z))). */
export function normalTwoSidedPValue(z: number): number {
  return erfc(Math.abs(z) * Math.SQRT1_2);
}
