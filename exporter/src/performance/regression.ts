/**
 * Realized regression performance from additive running sums (plus a bounded sample of absolute errors for the
 * median). The error of a record is e = predicted - actual (positive = over-prediction); every metric below
 * except the mean error is symmetric in its sign.
 */
import { quantileSorted } from '../stats/quantile.js';

/** Guard of `sklearn.metrics.mean_absolute_percentage_error`: |actual| is floored at the float64 epsilon. */
export const MAPE_EPSILON = Number.EPSILON;

/**
 * Running sums over the records of a slice or window. Additive (`merge`), 18 numbers whatever the traffic.
 *
 * Actual values enter shifted, d = actual - shift, with a constant `shift` chosen by the caller (e.g. the
 * reference mean of the target; default 0): R^2 needs the centred sum of squares sum d^2 - (sum d)^2 / n, which
 * loses about log10(|mean - shift| / sd)^2 digits to cancellation, so a shift near the actuals keeps it exact
 * enough for any data. The variance of R^2 (./intervals.ts) uses moments up to the 4th, hence the higher sums.
 * Slices with different shifts can still be merged: `merge` re-centres the other slice's sums (binomial
 * expansion).
 *
 * MAPE guard: records with actual = 0 are left out of the percentage-error sums and counted in
 * `zeroActuals`; the others contribute |e| / max(|actual|, 2^-52), so MAPE equals
 * `sklearn.metrics.mean_absolute_percentage_error` on the records with a non-zero actual (sklearn itself would
 * divide by 2^-52 and report ~4.5e15 x |e| for a zero actual).
 */
export class RegressionSums {
  readonly shift: number;
  count = 0;
  /** sum e */
  sumError = 0;
  /** sum |e| */
  sumAbsError = 0;
  /** sum e^2 (also sum |e|^2, for the variance of MAE) */
  sumSquaredError = 0;
  /** sum e^4 (variance of the MSE, hence of the RMSE) */
  sumError4 = 0;
  /** sum d, sum d^2, sum d^3, sum d^4 of the shifted actuals d = actual - shift */
  sumActual = 0;
  sumActual2 = 0;
  sumActual3 = 0;
  sumActual4 = 0;
  /** sum e^2 d and sum e^2 d^2 (covariance terms of the variance of R^2) */
  sumSquaredErrorActual = 0;
  sumSquaredErrorActual2 = 0;
  /** Extremes of the actuals (unshifted): min = max means constant actuals, where R^2 takes sklearn's convention. */
  minActual = Number.POSITIVE_INFINITY;
  maxActual = Number.NEGATIVE_INFINITY;
  /** Records with a non-zero actual, and sum / sum of squares of their |e| / max(|actual|, eps). */
  percentageCount = 0;
  sumAbsPercentageError = 0;
  sumAbsPercentageError2 = 0;

  constructor(shift = 0) {
    if (!Number.isFinite(shift)) throw new RangeError(`regression shift must be finite, got ${shift}`);
    this.shift = shift;
  }

  /** Records whose actual is exactly 0 (excluded from MAPE). */
  get zeroActuals(): number {
    return this.count - this.percentageCount;
  }

  /** Adds one record. Returns false (nothing counted) unless both values are finite. */
  add(actual: number, predicted: number): boolean {
    if (!(Number.isFinite(actual) && Number.isFinite(predicted))) return false;
    const e = predicted - actual;
    const ae = Math.abs(e);
    const e2 = e * e;
    const d = actual - this.shift;
    const d2 = d * d;
    this.count++;
    this.sumError += e;
    this.sumAbsError += ae;
    this.sumSquaredError += e2;
    this.sumError4 += e2 * e2;
    this.sumActual += d;
    this.sumActual2 += d2;
    this.sumActual3 += d2 * d;
    this.sumActual4 += d2 * d2;
    this.sumSquaredErrorActual += e2 * d;
    this.sumSquaredErrorActual2 += e2 * d2;
    if (actual < this.minActual) this.minActual = actual;
    if (actual > this.maxActual) this.maxActual = actual;
    if (actual !== 0) {
      const ape = ae / Math.max(Math.abs(actual), MAPE_EPSILON);
      this.percentageCount++;
      this.sumAbsPercentageError += ape;
      this.sumAbsPercentageError2 += ape * ape;
    }
    return true;
  }

  /** Adds `other` into these sums, re-centring its actual sums when its shift differs. */
  merge(other: RegressionSums): this {
    const n = other.count;
    if (n === 0) return this;
    // d' = d + delta re-expresses the other's actuals around this shift.
    const delta = other.shift - this.shift;
    let s1 = other.sumActual;
    let s2 = other.sumActual2;
    let s3 = other.sumActual3;
    let s4 = other.sumActual4;
    let ed = other.sumSquaredErrorActual;
    let ed2 = other.sumSquaredErrorActual2;
    if (delta !== 0) {
      const o1 = s1;
      const o2 = s2;
      const o3 = s3;
      const e2 = other.sumSquaredError;
      const oed = ed;
      s1 = o1 + n * delta;
      s2 = o2 + 2 * delta * o1 + n * delta * delta;
      s3 = o3 + 3 * delta * o2 + 3 * delta * delta * o1 + n * delta * delta * delta;
      s4 = s4 + 4 * delta * o3 + 6 * delta * delta * o2 + 4 * delta * delta * delta * o1 + n * delta * delta * delta * delta;
      ed = oed + delta * e2;
      ed2 = ed2 + 2 * delta * oed + delta * delta * e2;
    }
    this.count += n;
    this.sumError += other.sumError;
    this.sumAbsError += other.sumAbsError;
    this.sumSquaredError += other.sumSquaredError;
    this.sumError4 += other.sumError4;
    this.sumActual += s1;
    this.sumActual2 += s2;
    this.sumActual3 += s3;
    this.sumActual4 += s4;
    this.sumSquaredErrorActual += ed;
    this.sumSquaredErrorActual2 += ed2;
    if (other.minActual < this.minActual) this.minActual = other.minActual;
    if (other.maxActual > this.maxActual) this.maxActual = other.maxActual;
    this.percentageCount += other.percentageCount;
    this.sumAbsPercentageError += other.sumAbsPercentageError;
    this.sumAbsPercentageError2 += other.sumAbsPercentageError2;
    return this;
  }

  reset(): void {
    this.count = 0;
    this.sumError = 0;
    this.sumAbsError = 0;
    this.sumSquaredError = 0;
    this.sumError4 = 0;
    this.sumActual = 0;
    this.sumActual2 = 0;
    this.sumActual3 = 0;
    this.sumActual4 = 0;
    this.sumSquaredErrorActual = 0;
    this.sumSquaredErrorActual2 = 0;
    this.minActual = Number.POSITIVE_INFINITY;
    this.maxActual = Number.NEGATIVE_INFINITY;
    this.percentageCount = 0;
    this.sumAbsPercentageError = 0;
    this.sumAbsPercentageError2 = 0;
  }

  clone(): RegressionSums {
    return new RegressionSums(this.shift).merge(this);
  }

  /**
   * Unshifted sum of actuals and of their squares (sum y, sum y^2), e.g. for export as counters that PromQL can
   * combine across replicas.
   */
  rawActualSums(): { sum: number; sumSquares: number } {
    const c = this.shift;
    return {
      sum: this.sumActual + this.count * c,
      sumSquares: this.sumActual2 + 2 * c * this.sumActual + this.count * c * c,
    };
  }

  toJSON(): Record<string, number | null> {
    return {
      shift: this.shift,
      count: this.count,
      sumError: this.sumError,
      sumAbsError: this.sumAbsError,
      sumSquaredError: this.sumSquaredError,
      sumError4: this.sumError4,
      sumActual: this.sumActual,
      sumActual2: this.sumActual2,
      sumActual3: this.sumActual3,
      sumActual4: this.sumActual4,
      sumSquaredErrorActual: this.sumSquaredErrorActual,
      sumSquaredErrorActual2: this.sumSquaredErrorActual2,
      minActual: Number.isFinite(this.minActual) ? this.minActual : null,
      maxActual: Number.isFinite(this.maxActual) ? this.maxActual : null,
      percentageCount: this.percentageCount,
      sumAbsPercentageError: this.sumAbsPercentageError,
      sumAbsPercentageError2: this.sumAbsPercentageError2,
    };
  }

  static fromJSON(json: Record<string, number | null>): RegressionSums {
    const num = (key: string): number => {
      const v = json[key];
      if (typeof v !== 'number') throw new RangeError(`regression sums: ${key} missing`);
      return v;
    };
    const s = new RegressionSums(num('shift'));
    s.count = num('count');
    s.sumError = num('sumError');
    s.sumAbsError = num('sumAbsError');
    s.sumSquaredError = num('sumSquaredError');
    s.sumError4 = num('sumError4');
    s.sumActual = num('sumActual');
    s.sumActual2 = num('sumActual2');
    s.sumActual3 = num('sumActual3');
    s.sumActual4 = num('sumActual4');
    s.sumSquaredErrorActual = num('sumSquaredErrorActual');
    s.sumSquaredErrorActual2 = num('sumSquaredErrorActual2');
    s.minActual = json.minActual ?? Number.POSITIVE_INFINITY;
    s.maxActual = json.maxActual ?? Number.NEGATIVE_INFINITY;
    s.percentageCount = num('percentageCount');
    s.sumAbsPercentageError = num('sumAbsPercentageError');
    s.sumAbsPercentageError2 = num('sumAbsPercentageError2');
    return s;
  }
}

export interface RegressionMetrics {
  count: number;
  /** Mean of predicted - actual (bias); NaN when empty. */
  meanError: number;
  /** `mean_absolute_error`. */
  mae: number;
  /** `mean_squared_error`. */
  mse: number;
  /** sqrt(MSE) (`mean_squared_error(..., squared=False)`). */
  rmse: number;
  /** Mean of |e| / max(|actual|, 2^-52) over records with actual != 0 (a fraction, not a percentage); NaN if none. */
  mape: number;
  /** Records left out of MAPE because their actual is 0. */
  zeroActuals: number;
  /** `r2_score` (see `rSquared`). */
  r2: number;
  /** Adjusted R^2 for `features` predictors; NaN when not given or n - p - 1 <= 0. */
  adjustedR2: number;
}

/**
 * Total sum of squares sum (y - mean y)^2 from the sums: 0 exactly when the actuals are constant (min = max),
 * otherwise sum d^2 - (sum d)^2 / n; NaN if that came out <= 0 for non-constant actuals (all precision lost to
 * cancellation: choose a shift near the actuals).
 */
export function totalSumOfSquares(sums: RegressionSums): number {
  if (sums.count === 0) return Number.NaN;
  if (sums.minActual === sums.maxActual) return 0;
  const ss = sums.sumActual2 - (sums.sumActual * sums.sumActual) / sums.count;
  return ss > 0 ? ss : Number.NaN;
}

/**
 * R^2 = 1 - SS_res / SS_tot with `sklearn.metrics.r2_score`'s conventions (scikit-learn 1.2, force_finite=True):
 * NaN for fewer than 2 records; with constant actuals (SS_tot = 0) 1 for a perfect fit (SS_res = 0) and 0
 * otherwise. (For constant actuals whose mean is not exactly representable, sklearn's two-pass SS_tot is a
 * rounding residue such as 1e-33 rather than 0 and its R^2 an arbitrary large negative number; this function
 * detects constancy exactly through min = max.)
 */
export function rSquared(sums: RegressionSums): number {
  if (sums.count < 2) return Number.NaN;
  const ssRes = sums.sumSquaredError;
  const ssTot = totalSumOfSquares(sums);
  if (ssRes === 0) return 1;
  if (ssTot === 0) return 0;
  return 1 - ssRes / ssTot;
}

/**
 * Adjusted R^2 = 1 - (1 - R^2) (n - 1) / (n - p - 1) for p predictors (features). NaN when n - p - 1 <= 0 or R^2
 * is NaN.
 */
export function adjustedRSquared(r2: number, count: number, features: number): number {
  if (!(Number.isInteger(features) && features >= 0)) throw new RangeError(`feature count must be a non-negative integer, got ${features}`);
  const dof = count - features - 1;
  if (dof <= 0 || Number.isNaN(r2)) return Number.NaN;
  return 1 - ((1 - r2) * (count - 1)) / dof;
}

/** All sum-based regression metrics. `features` (p) enables adjusted R^2. */
export function regressionMetrics(sums: RegressionSums, features?: number): RegressionMetrics {
  const n = sums.count;
  const mean = (s: number): number => (n === 0 ? Number.NaN : s / n);
  const mse = mean(sums.sumSquaredError);
  const r2 = rSquared(sums);
  return {
    count: n,
    meanError: mean(sums.sumError),
    mae: mean(sums.sumAbsError),
    mse,
    rmse: Math.sqrt(mse),
    mape: sums.percentageCount === 0 ? Number.NaN : sums.sumAbsPercentageError / sums.percentageCount,
    zeroActuals: sums.zeroActuals,
    r2,
    adjustedR2: features === undefined ? Number.NaN : adjustedRSquared(r2, n, features),
  };
}

export interface MedianAbsoluteError {
  /** Median of the sample (numpy's `np.median`: mean of the two middle values for an even size); NaN if empty. */
  value: number;
  /** Values in the sample. */
  sampleSize: number;
  /** True when the sample holds every absolute error of the window (seen <= sample size): value is exact. */
  exact: boolean;
}

/**
 * Median absolute error (`sklearn.metrics.median_absolute_error`) from a uniform sample of |e|, e.g. a
 * `ReservoirSample` per slice merged by `mergeReservoirSlices` (../stats/reservoir.ts). `seen` is the number of
 * records the sample was drawn from. Exact when seen <= sample size; otherwise an estimate: the window's
 * median lies between sample order statistics given by `medianAbsoluteErrorInterval` (./intervals.ts) with the
 * stated confidence, and its rank error is about 0.5 / sqrt(sampleSize) in quantile terms (e.g. +-1.6
 * percentile points for 1,000 values at 1 sd). Non-finite values in the sample are ignored.
 */
export function medianAbsoluteError(sample: ArrayLike<number>, seen: number = sample.length): MedianAbsoluteError {
  const sorted = sortedAbsolute(sample);
  return {
    value: sorted.length === 0 ? Number.NaN : quantileSorted(sorted, 0.5),
    sampleSize: sorted.length,
    exact: seen <= sorted.length,
  };
}

/** |v| of the finite values, ascending. */
export function sortedAbsolute(sample: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < sample.length; i++) if (Number.isFinite(sample[i])) count++;
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i] as number;
    if (Number.isFinite(v)) out[j++] = Math.abs(v);
  }
  return out.sort();
}
