/**
 * Distribution of the two-sided one-sample Kolmogorov-Smirnov statistic D_n = sup_x |F_n(x) - F(x)| for a sample
 * of size n from a continuous F: `scipy.stats.kstwo.cdf(d, n)` / `kstwo.sf(d, n)` (scipy's `_kolmogn`).
 *
 * The method is chosen as in scipy 1.10 (Simard & L'Ecuyer 2011), with t = n d:
 * - d >= 1: cdf 1; d <= 0 or t <= 1/2: cdf 0.
 * - t <= 1 (Ruben-Gambino): cdf = n!/n^n (2t - 1)^n (a product for n <= 140, Stirling's series beyond).
 * - t >= n - 1 (Ruben-Gambino): sf = 2 (1 - d)^n.
 * - d >= 1/2: sf = 2 smirnov(n, d) (exact, the two one-sided events are disjoint).
 * - n <= 140: n d^2 <= 0.754693: Durbin's matrix method (Marsaglia-Tsang-Wang form);
 *   n d^2 <= 4: Pomeranz's recursion; otherwise sf = 2 smirnov(n, d) (Miller's approximation).
 * - n > 140, survival function: n d^2 >= 370: 0; n d^2 >= 2.2: sf = 2 smirnov(n, d); otherwise 1 - cdf, where
 *   cdf = 1 if n d^2 >= 18, Durbin's matrix if n <= 100000 and n d^1.5 <= 1.4, else the Pelz-Good expansion.
 * Results are clipped to [0, 1]. `smirnov` is the exact one-sided survival function in ./smirnov.ts.
 */
import { smirnovSf } from './smirnov.js';

const E128 = 128;
const P128 = 2 ** 128;
const M128 = 2 ** -128;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const SQRT3 = Math.sqrt(3);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
/** Stirling coefficients B_2j / (2j (2j - 1)) for j = 8..1 (highest power first). */
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** x * 2^e without intermediate overflow or underflow. */
function ldexp(x: number, e: number): number {
  let v = x;
  let k = e;
  while (k > 1000) {
    v *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    v *= 2 ** -1000;
    k += 1000;
  }
  return v * 2 ** k;
}

/** ln(n! / n^n) by Stirling's series (n > 140). */
function logNFactorialOverNPowN(n: number): number {
  const rn = 1 / n;
  const z = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * z + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** Pr(D_n <= d) by Durbin's matrix algorithm, as formulated by Marsaglia, Tsang and Wang (2003). */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  // v[j] = (1 - h^(j+1)) / (j+1)!, w[j] = 1 / j!.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let H = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)] as number;
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c] as number;

  // Only row k-1 of H^n is needed, and powers of H commute: keep that row of the accumulated product as a
  // vector (O(m^2) per multiply) and square H by binary powering (O(m^3) per squaring).
  let row = new Float64Array(m);
  row[k - 1] = 1;
  let nextRow = new Float64Array(m);
  let scratch = new Float64Array(m * m);
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      nextRow.fill(0);
      for (let l = 0; l < m; l++) {
        const x = row[l] as number;
        if (x === 0) continue;
        const base = l * m;
        for (let j = 0; j < m; j++) nextRow[j] = (nextRow[j] as number) + x * (H[base + j] as number);
      }
      [row, nextRow] = [nextRow, row];
      expnt += hExpnt;
    }
    nn = Math.floor(nn / 2);
    if (nn === 0) break;
    matMul(H, H, scratch, m);
    [H, scratch] = [scratch, H];
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)] as number) > P128) {
      for (let i = 0; i < m * m; i++) H[i] = (H[i] as number) / P128;
      hExpnt += E128;
    }
  }
  let p = row[k - 1] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < M128) {
      p *= P128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return clip01(p);
}

/** out = a * b for m x m row-major matrices (out must not alias a or b). */
function matMul(a: Float64Array, b: Float64Array, out: Float64Array, m: number): void {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    const rowA = i * m;
    for (let l = 0; l < m; l++) {
      const x = a[rowA + l] as number;
      if (x === 0) continue;
      const rowB = l * m;
      for (let j = 0; j < m; j++) out[rowA + j] = (out[rowA + j] as number) + x * (b[rowB + j] as number);
    }
  }
}

/** Interval of non-zero entries of row i in Pomeranz's recursion. */
function pomeranzBounds(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n <= d) by Pomeranz's recursion (1974), rows as truncated Poisson convolutions. */
function pomeranzCdf(n: number, d: number): number {
  const t = n * d;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinus2GOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = ((gpower[m - 1] as number) * gOverN) / m;
    twogpower[m] = ((twogpower[m - 1] as number) * twoGOverN) / m;
    onem2gpower[m] = ((onem2gpower[m - 1] as number) * oneMinus2GOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let j1 = pomeranzBounds(0, n, ll, ceilf, roundf)[0];
  let j2: number;
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // conv = convolve(V0[start : start + ln2], pwrs[:ln2]); keep conv[j1 - k1 : j1 - k1 + (j2 - j1 + 1)].
      const start = k1 - V0s;
      const aLen = Math.min(ln2, npwrs - start);
      const bLen = Math.min(ln2, npwrs);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let maxV = 0;
      for (let c = 0; c < convLen; c++) {
        const idx = convStart + c;
        let s = 0;
        const lo = Math.max(0, idx - (bLen - 1));
        const hi = Math.min(idx, aLen - 1);
        for (let a = lo; a <= hi; a++) s += (V0[start + a] as number) * (pwrs[idx - a] as number);
        V1[c] = s;
        if (s > maxV) maxV = s;
      }
      if (maxV > 0 && maxV < M128) {
        for (let c = 0; c < npwrs; c++) V1[c] = (V1[c] as number) * P128;
        expnt -= E128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > P128) {
      ans *= M128;
      expnt += E128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return clip01(ans);
}

/** Pelz-Good asymptotic expansion of Pr(D_n <= d), 0 < d < 1 (not clipped, as in scipy). */
function pelzGoodCdf(n: number, d: number): number {
  if (d <= 0) return 0;
  if (d >= 1) return 1;
  const z = Math.sqrt(n) * d;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  let K0 = 0;
  let K1 = 0;
  let K2 = 0;
  let K3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    K0 = K0 * qpower + 1;
    K1 = K1 * qpower + (k1a + k1b * m2);
    K2 = K2 * qpower + (k2a + k2b * m2 + k2c * m4);
    K3 = K3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  K0 = (K0 * q * SQRT2PI) / z;
  K1 = (K1 * q * SQRT2PI) / (6 * z4);
  K2 = (K2 * q * SQRT2PI) / (72 * z ** 7);
  K3 = (K3 * q * SQRT2PI) / (6480 * z ** 10);
  // Second sum over all integers k: K2 gets (pi^2 k^2) q^(k^2), K3 gets (3 pi^2 k^2 z^2 - pi^4 k^4) q^(k^2).
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = q ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  K2 += k2extra * ((PI2 * SQRT2PI) / (-36 * z3));
  K3 += k3extra * ((PI2 * SQRT2PI) / (216 * z6));
  return K0 + K1 / Math.sqrt(n) + K2 / n + K3 / n ** 1.5;
}

/** (cdf, sf) pair chooser, as scipy's `_select_and_clip_prob`. */
function pick(cdf: number, sf: number, wantCdf: boolean): number {
  return clip01(wantCdf ? cdf : sf);
}

function kolmogn(n: number, x: number, wantCdf: boolean): number {
  if (Number.isNaN(n) || Number.isNaN(x)) return Number.NaN;
  if (!Number.isInteger(n) || n <= 0) return Number.NaN;
  if (x >= 1) return pick(1, 0, wantCdf);
  if (x <= 0) return pick(0, 1, wantCdf);
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return pick(0, 1, wantCdf);
    let prob: number;
    if (n <= 140) {
      prob = 1;
      const base = 2 * t - 1;
      const invN = 1 / n;
      for (let i = 1; i <= n; i++) prob *= i * invN * base;
    } else {
      prob = Math.exp(logNFactorialOverNPowN(n) + n * Math.log(2 * t - 1));
    }
    return pick(prob, 1 - prob, wantCdf);
  }
  if (t >= n - 1) {
    const prob = 2 * (1 - x) ** n;
    return pick(1 - prob, prob, wantCdf);
  }
  if (x >= 0.5) {
    const prob = 2 * smirnovSf(n, x);
    return pick(1 - prob, prob, wantCdf);
  }
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) {
      const prob = durbinMatrixCdf(n, x);
      return pick(prob, 1 - prob, wantCdf);
    }
    if (nxsquared <= 4) {
      const prob = pomeranzCdf(n, x);
      return pick(prob, 1 - prob, wantCdf);
    }
    const prob = 2 * smirnovSf(n, x);
    return pick(1 - prob, prob, wantCdf);
  }
  if (!wantCdf) {
    if (nxsquared >= 370) return 0;
    if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  }
  let cdf: number;
  if (nxsquared >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = durbinMatrixCdf(n, x);
  else cdf = pelzGoodCdf(n, x);
  return pick(cdf, 1 - cdf, wantCdf);
}

/** Which algorithm `kstwoSf(d, n)` uses (for documentation, logging and tests). */
export type KstwoMethod = 'trivial' | 'ruben-gambino' | 'smirnov' | 'durbin' | 'pomeranz' | 'pelz-good';

export function kstwoMethod(d: number, n: number): KstwoMethod {
  if (d >= 1 || d <= 0 || n * d <= 0.5) return 'trivial';
  const t = n * d;
  if (t <= 1 || t >= n - 1) return 'ruben-gambino';
  if (d >= 0.5) return 'smirnov';
  const nx2 = t * d;
  if (n <= 140) return nx2 <= 0.754693 ? 'durbin' : nx2 <= 4 ? 'pomeranz' : 'smirnov';
  if (nx2 >= 370) return 'trivial';
  if (nx2 >= 2.2) return 'smirnov';
  return n <= 100000 && n * d ** 1.5 <= 1.4 ? 'durbin' : 'pelz-good';
}

/**
 * Survival function P(D_n >= d) of the two-sided one-sample KS statistic: `scipy.stats.kstwo.sf(d, n)`.
 * n must be a positive integer (NaN otherwise). See the module comment for the algorithm used in each region.
 */
export function kstwoSf(d: number, n: number): number {
  return kolmogn(n, d, false);
}

/** CDF P(D_n <= d) of the two-sided one-sample KS statistic: `scipy.stats.kstwo.cdf(d, n)`. */
export function kstwoCdf(d: number, n: number): number {
  return kolmogn(n, d, true);
}
