/**
 * Sample moments used by the drift statistics.
 *
 * Sums use Neumaier's compensated summation, so the result is (nearly) the correctly rounded sum whatever the
 * order or magnitude of the values; numpy uses pairwise summation, and the two agree to a few units in the last
 * place.
 */

/** Neumaier compensated sum of `values[from..to)`. Returns 0 for an empty range. */
export function compensatedSum(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0;
  let compensation = 0;
  for (let i = from; i < to; i++) {
    const v = values[i] as number;
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) compensation += sum - t + v;
    else compensation += v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** Count, mean and population standard deviation of a sample. */
export interface MeanStd {
  count: number;
  mean: number;
  /** Population standard deviation (ddof = 0): sqrt(sum (x - mean)^2 / n), numpy's `np.std` default. */
  std: number;
}

/**
 * Mean and population standard deviation (ddof = 0, like `np.mean(x)` and `np.std(x)`), two-pass:
 * mean = sum(x) / n, std = sqrt(sum((x - mean)^2) / n).
 * An empty sample gives count 0 and NaN mean and std. Values are used as given (filter NaN first).
 */
export function meanStd(values: ArrayLike<number>): MeanStd {
  const n = values.length;
  if (n === 0) return { count: 0, mean: Number.NaN, std: Number.NaN };
  const mean = compensatedSum(values) / n;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    const v = d * d;
    const t = sum + v;
    if (sum >= v) compensation += sum - t + v;
    else compensation += v - t + sum;
    sum = t;
  }
  return { count: n, mean, std: Math.sqrt((sum + compensation) / n) };
}
