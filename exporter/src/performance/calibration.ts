/**
 * Isotonic calibration of binary scores: fitted once on the reference rows (score, label), stored as a short
 * list of breakpoints, applied as a pure function.
 *
 * Semantics of `sklearn.isotonic.IsotonicRegression(out_of_bounds="clip")` (increasing, no y bounds) in
 * scikit-learn 1.2, step by step:
 * 1. drop pairs with a non-finite score or label or a weight <= 0; sort by score, then label;
 * 2. merge scores closer than 1e-15 to the first score of their group (sklearn's `_make_unique` with
 *    `np.finfo(float64).resolution`) into one point at that first score, with the weighted mean label and the
 *    summed weight;
 * 3. pool adjacent violators: the weighted least-squares non-decreasing fit of the labels, adjacent blocks with
 *    equal values pooled;
 * 4. keep as breakpoints the first and the last point of every block (sklearn's `trim_duplicates`);
 * 5. predict by linear interpolation between breakpoints (`scipy.interpolate.interp1d(kind="linear")`), after
 *    clipping the score into [first, last] breakpoint.
 * With 0/1 labels the fitted values are probabilities of the positive class.
 */

/** The fitted calibration map: ascending breakpoint scores `x` and their non-decreasing values `y`. */
export interface IsotonicCalibration {
  x: number[];
  y: number[];
}

/** sklearn's tolerance for "the same score" (np.finfo(np.float64).resolution). */
export const ISOTONIC_SAME_SCORE = 1e-15;

/**
 * Fits the isotonic regression of `labels` on `scores` (see the module comment). `weights` default to 1.
 * Throws RangeError when the arrays differ in length or no usable pair remains. Cost O(n log n); the result
 * has at most 2 breakpoints per block (usually a few dozen for thousands of reference rows).
 */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicCalibration {
  const n = scores.length;
  if (labels.length !== n || (weights !== undefined && weights.length !== n)) {
    throw new RangeError('isotonic fit needs scores, labels (and weights) of the same length');
  }
  const index: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    if (Number.isFinite(scores[i]) && Number.isFinite(labels[i]) && w > 0 && w < Number.POSITIVE_INFINITY) index.push(i);
  }
  if (index.length === 0) throw new RangeError('isotonic fit needs at least one finite (score, label) pair with positive weight');
  index.sort((a, b) => (scores[a] as number) - (scores[b] as number) || (labels[a] as number) - (labels[b] as number));

  // 2. Unique scores with weighted mean labels.
  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  let currentX = scores[index[0] as number] as number;
  let currentWY = 0;
  let currentW = 0;
  for (const i of index) {
    const x = scores[i] as number;
    const w = weights === undefined ? 1 : (weights[i] as number);
    const y = labels[i] as number;
    if (x - currentX >= ISOTONIC_SAME_SCORE) {
      ux.push(currentX);
      uw.push(currentW);
      uy.push(currentWY / currentW);
      currentX = x;
      currentW = w;
      currentWY = y * w;
    } else {
      currentW += w;
      currentWY += y * w;
    }
  }
  ux.push(currentX);
  uw.push(currentW);
  uy.push(currentWY / currentW);

  // 3. Pool adjacent violators, in place: target[i] = last index of the block starting at i (and target[last] =
  //    first), so blocks are walked and merged in O(n) overall, backtracking one block after each merge.
  const m = uy.length;
  const y = Float64Array.from(uy);
  const w = Float64Array.from(uw);
  const target = new Int32Array(m);
  for (let i = 0; i < m; i++) target[i] = i;
  let i = 0;
  while (i < m) {
    let k = (target[i] as number) + 1;
    if (k === m) break;
    if ((y[i] as number) < (y[k] as number)) {
      i = k;
      continue;
    }
    let sumWY = (w[i] as number) * (y[i] as number);
    let sumW = w[i] as number;
    for (;;) {
      const previous = y[k] as number;
      sumWY += (w[k] as number) * (y[k] as number);
      sumW += w[k] as number;
      k = (target[k] as number) + 1;
      if (k === m || previous < (y[k] as number)) {
        y[i] = sumWY / sumW;
        w[i] = sumW;
        target[i] = k - 1;
        target[k - 1] = i;
        if (i > 0) i = target[i - 1] as number;
        break;
      }
    }
  }
  // Spread each block's value over its members.
  i = 0;
  while (i < m) {
    const k = (target[i] as number) + 1;
    for (let j = i + 1; j < k; j++) y[j] = y[i] as number;
    i = k;
  }

  // 4. Keep the ends of runs of equal values.
  const x: number[] = [];
  const fitted: number[] = [];
  for (let j = 0; j < m; j++) {
    const keep = j === 0 || j === m - 1 || y[j] !== y[j - 1] || y[j] !== y[j + 1];
    if (!keep) continue;
    x.push(ux[j] as number);
    fitted.push(y[j] as number);
  }
  return { x, y: fitted };
}

/**
 * The calibrated value at `score`: clipped into [x_first, x_last], then linearly interpolated between the
 * surrounding breakpoints exactly as scipy's `interp1d` evaluates it (lower breakpoint = the one before the
 * first breakpoint >= score). A single breakpoint gives a constant. NaN for a NaN score.
 */
export function applyIsotonic(calibration: IsotonicCalibration, score: number): number {
  const xs = calibration.x;
  const ys = calibration.y;
  const m = xs.length;
  if (m === 0) throw new RangeError('empty isotonic calibration');
  if (Number.isNaN(score)) return Number.NaN;
  if (m === 1) return ys[0] as number;
  const t = Math.min(Math.max(score, xs[0] as number), xs[m - 1] as number);
  // First index with xs[idx] >= t (searchsorted 'left'), kept in 1..m-1.
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  const idx = Math.min(Math.max(lo, 1), m - 1);
  const xLo = xs[idx - 1] as number;
  const xHi = xs[idx] as number;
  const yLo = ys[idx - 1] as number;
  const yHi = ys[idx] as number;
  const slope = (yHi - yLo) / (xHi - xLo);
  return slope * (t - xLo) + yLo;
}

/** `applyIsotonic` bound to a calibration, after checking that it is well formed (ascending x, non-decreasing y). */
export function isotonicCalibrator(calibration: IsotonicCalibration): (score: number) => number {
  const { x, y } = calibration;
  if (x.length === 0 || x.length !== y.length) throw new RangeError('isotonic calibration needs as many values as breakpoints (at least one)');
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new RangeError('isotonic breakpoints must be finite');
    if (i > 0 && !((x[i] as number) > (x[i - 1] as number) && (y[i] as number) >= (y[i - 1] as number))) {
      throw new RangeError('isotonic breakpoints must have ascending scores and non-decreasing values');
    }
  }
  const frozen: IsotonicCalibration = { x: x.slice(), y: y.slice() };
  return (score: number) => applyIsotonic(frozen, score);
}
