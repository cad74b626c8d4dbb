/**
 * Confidence intervals for the realized performance metrics, all computed from the same additive aggregates as
 * the metrics themselves. Every function returns `{ value, lower, upper }` at a two-sided confidence level
 * (default 95%); bounds are NaN when the interval is undefined (too few records, zero denominators), and are
 * clamped to the metric's range. `value` is always the metric as computed in the metric modules.
 *
 * Methods:
 * - proportions (accuracy, precision, recall): Wilson score interval;
 * - F1 of a class and macro-F1: delta method under multinomial sampling of the confusion-matrix cells;
 * - ROC AUC and Gini: DeLong's variance evaluated on the binned scores;
 * - KS: binomial variance of TPR - FPR at the maximising threshold;
 * - means (MAE, MAPE, log loss, Brier): normal interval with the sample standard deviation from the sums of
 *   squares; RMSE and R^2 by the delta method; median absolute error by sample order statistics.
 */
import { classMetrics, isAveragedClass, multiclassMetrics, type ConfusionMatrix, type MacroLabels } from './classification.js';
import { twoSidedZ } from './normal-quantile.js';
import { adjustedRSquared, regressionMetrics, rSquared, sortedAbsolute, totalSumOfSquares, type RegressionSums } from './regression.js';
import { brierScore, giniFromAuc, ksSeparation, logLoss, rocAuc, type ProbabilityLossSums, type ScoreHistogram } from './scores.js';
import { quantileSorted } from '../stats/quantile.js';

/** A metric value with the bounds of its confidence interval. */
export interface Interval {
  value: number;
  lower: number;
  upper: number;
}

export const DEFAULT_CONFIDENCE = 0.95;

/** The `{ value, lower, upper }` shape. */
export function withInterval(value: number, lower: number, upper: number): Interval {
  return { value, lower, upper };
}

/** A value without a defined interval (NaN bounds). */
export function withoutInterval(value: number): Interval {
  return { value, lower: Number.NaN, upper: Number.NaN };
}

/**
 * value +- z * standardError, clamped to [min, max]; NaN bounds when the standard error is not a finite
 * non-negative number or the value is NaN.
 */
export function normalInterval(
  value: number,
  standardError: number,
  confidence = DEFAULT_CONFIDENCE,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): Interval {
  const z = twoSidedZ(confidence);
  if (Number.isNaN(value) || !(standardError >= 0 && standardError < Number.POSITIVE_INFINITY)) return withoutInterval(value);
  return withInterval(value, Math.max(min, value - z * standardError), Math.min(max, value + z * standardError));
}

/**
 * Wilson score interval for a binomial proportion k / n (statsmodels `proportion_confint(k, n, alpha,
 * method="wilson")`): (p + z^2 / 2n +- z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n), p = k / n.
 * Value p; NaN everything when n = 0. Unlike the Wald interval it stays inside [0, 1] and is not degenerate at
 * p = 0 or 1.
 */
export function wilsonInterval(successes: number, trials: number, confidence = DEFAULT_CONFIDENCE): Interval {
  const z = twoSidedZ(confidence);
  if (!(trials > 0)) return withInterval(Number.NaN, Number.NaN, Number.NaN);
  if (!(successes >= 0 && successes <= trials)) throw new RangeError(`successes ${successes} outside 0..${trials}`);
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At k = 0 and k = n the bounds are exactly 0 and 1 (the formula leaves a rounding residue).
  return withInterval(p, successes === 0 ? 0 : Math.max(0, centre - half), successes === trials ? 1 : Math.min(1, centre + half));
}

/**
 * Normal interval for a mean from count, sum and sum of squares: value = sum / n, standard error s / sqrt(n)
 * with the sample variance s^2 = (sumSquares - sum^2 / n) / (n - 1) (clamped at 0). NaN value when n = 0, NaN
 * bounds when n < 2.
 */
export function meanInterval(
  count: number,
  sum: number,
  sumSquares: number,
  confidence = DEFAULT_CONFIDENCE,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): Interval {
  if (count === 0) return withoutInterval(Number.NaN);
  const mean = sum / count;
  if (count < 2) return withoutInterval(mean);
  const variance = Math.max(0, (sumSquares - sum * mean) / (count - 1));
  return normalInterval(mean, Math.sqrt(variance / count), confidence, min, max);
}

// ---------------------------------------------------------------------------------------------------------------
// Classification

/** Wilson interval of accuracy = correct / total. */
export function accuracyInterval(cm: ConfusionMatrix, confidence = DEFAULT_CONFIDENCE): Interval {
  return wilsonInterval(cm.correct(), cm.total(), confidence);
}

/** Wilson interval of the precision of class k, TP / (TP + FP). Value 0 and NaN bounds if k is never predicted. */
export function precisionInterval(cm: ConfusionMatrix, k: number, confidence = DEFAULT_CONFIDENCE): Interval {
  const m = classMetrics(cm, k);
  if (m.predicted === 0) return withoutInterval(m.precision);
  return wilsonInterval(m.truePositives, m.predicted, confidence);
}

/** Wilson interval of the recall of class k, TP / (TP + FN). Value 0 and NaN bounds if k never occurs. */
export function recallInterval(cm: ConfusionMatrix, k: number, confidence = DEFAULT_CONFIDENCE): Interval {
  const m = classMetrics(cm, k);
  if (m.support === 0) return withoutInterval(m.recall);
  return wilsonInterval(m.truePositives, m.support, confidence);
}

/**
 * Delta-method variance of F1 = 2 TP / (2 TP + FP + FN) when the n records are a multinomial sample over the
 * cells (TP, FP, FN, TN): with a, b, c the cell proportions, grad F1 = (2 (b + c), -2a, -2a, 0) / (2a + b + c)^2,
 * and Var = grad' (diag(pi) - pi pi') grad / n simplifies (F1 is homogeneous of degree 0, so grad' pi = 0) to
 *   Var(F1) = 4 TP (FP + FN) (TP + FP + FN) / (2 TP + FP + FN)^4
 * in counts. NaN when 2 TP + FP + FN = 0. Zero when F1 is 0 or 1 (the interval degenerates to a point there).
 */
export function f1Variance(tp: number, fp: number, fn: number): number {
  const d = 2 * tp + fp + fn;
  if (!(d > 0)) return Number.NaN;
  return (4 * tp * (fp + fn) * (tp + fp + fn)) / (d * d * d * d);
}

/** Delta-method normal interval of the F1 of class `positiveClass`, clamped to [0, 1]; see `f1Variance`. */
export function f1Interval(cm: ConfusionMatrix, positiveClass = 1, confidence = DEFAULT_CONFIDENCE): Interval {
  const m = classMetrics(cm, positiveClass);
  const variance = f1Variance(m.truePositives, m.predicted - m.truePositives, m.support - m.truePositives);
  return normalInterval(m.f1, Math.sqrt(variance), confidence, 0, 1);
}

/**
 * Delta-method variance of macro-F1 under multinomial sampling of the K^2 cells. With cell proportions
 * pi_ij, R_k / C_k the row / column shares of class k and D_k = R_k + C_k, F1_k = 2 pi_kk / D_k and
 * macro-F1 = (1 / K') sum_{k in S} F1_k over the averaged classes S (see `MacroLabels`). The gradient is
 *   g_ij = (1 / K') ([i = j in S] 2 / D_i - [i in S] 2 pi_ii / D_i^2 - [j in S] 2 pi_jj / D_j^2)
 * (classes with D_k = 0 have a constant F1 of 0 and no gradient), and Var = (sum pi g^2 - (sum pi g)^2) / n.
 * NaN when the matrix is empty or no class is averaged.
 */
export function macroF1Variance(cm: ConfusionMatrix, labels: MacroLabels = 'present'): number {
  const k = cm.classes;
  const n = cm.total();
  if (!(n > 0)) return Number.NaN;
  const diagonalTerm = new Float64Array(k);
  const marginTerm = new Float64Array(k);
  let averaged = 0;
  for (let c = 0; c < k; c++) {
    if (!isAveragedClass(cm, c, labels)) continue;
    averaged++;
    const d = (cm.actualTotal(c) + cm.predictedTotal(c)) / n;
    if (d === 0) continue;
    diagonalTerm[c] = 2 / d;
    marginTerm[c] = (2 * (cm.count(c, c) / n)) / (d * d);
  }
  if (averaged === 0) return Number.NaN;
  let first = 0;
  let second = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const pi = cm.count(i, j) / n;
      if (pi === 0) continue;
      let g = -(marginTerm[i] as number) - (marginTerm[j] as number);
      if (i === j) g += diagonalTerm[i] as number;
      g /= averaged;
      first += pi * g * g;
      second += pi * g;
    }
  }
  return Math.max(0, first - second * second) / n;
}

/** Delta-method normal interval of macro-F1 (see `macroF1Variance`), clamped to [0, 1]. */
export function macroF1Interval(cm: ConfusionMatrix, options: { labels?: MacroLabels; confidence?: number } = {}): Interval {
  const labels = options.labels ?? 'present';
  const value = multiclassMetrics(cm, { labels }).macroF1;
  return normalInterval(value, Math.sqrt(macroF1Variance(cm, labels)), options.confidence ?? DEFAULT_CONFIDENCE, 0, 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Scores

/**
 * DeLong's variance of the ROC AUC (DeLong, DeLong & Clarke-Pearson 1988), evaluated on the binned scores
 * (records in one bin are tied). Placement values: each positive in bin b gets
 * V10_b = (negatives below b + neg_b / 2) / N, each negative V01_b = (positives above b + pos_b / 2) / P; then
 *   S10 = sum_b pos_b (V10_b - AUC)^2 / (P - 1), S01 = sum_b neg_b (V01_b - AUC)^2 / (N - 1),
 *   Var(AUC) = S10 / P + S01 / N.
 * Equal to the DeLong variance of the unbinned scores when no bin holds two distinct scores. NaN unless
 * P >= 2 and N >= 2. Zero for perfectly separated classes.
 */
export function rocAucVariance(hist: ScoreHistogram): number {
  const p = hist.positiveTotal();
  const n = hist.negativeTotal();
  if (!(p >= 2 && n >= 2)) return Number.NaN;
  const auc = rocAuc(hist).auc;
  // Positives above bin b, by a top-down pass; negatives below, by a bottom-up pass.
  let s10 = 0;
  let s01 = 0;
  let negBelow = 0;
  for (let b = 0; b < hist.bins; b++) {
    const pos = hist.positive[b] as number;
    const neg = hist.negative[b] as number;
    if (pos > 0) {
      const v = (negBelow + neg / 2) / n - auc;
      s10 += pos * v * v;
    }
    negBelow += neg;
  }
  let posAbove = 0;
  for (let b = hist.bins - 1; b >= 0; b--) {
    const pos = hist.positive[b] as number;
    const neg = hist.negative[b] as number;
    if (neg > 0) {
      const v = (posAbove + pos / 2) / p - auc;
      s01 += neg * v * v;
    }
    posAbove += pos;
  }
  return s10 / (p - 1) / p + s01 / (n - 1) / n;
}

/** Normal interval of the ROC AUC with DeLong's standard error (`rocAucVariance`), clamped to [0, 1]. */
export function rocAucInterval(hist: ScoreHistogram, confidence = DEFAULT_CONFIDENCE): Interval {
  return normalInterval(rocAuc(hist).auc, Math.sqrt(rocAucVariance(hist)), confidence, 0, 1);
}

/** Gini = 2 AUC - 1 with the AUC interval mapped through the same transformation. */
export function giniInterval(hist: ScoreHistogram, confidence = DEFAULT_CONFIDENCE): Interval {
  const a = rocAucInterval(hist, confidence);
  return withInterval(giniFromAuc(a.value), giniFromAuc(a.lower), giniFromAuc(a.upper));
}

/**
 * Interval of the KS separation: normal, with the binomial variance of TPR - FPR at the maximising threshold t,
 * TPR (1 - TPR) / P + FPR (1 - FPR) / N, clamped to [0, 1]. It treats t as fixed, so it ignores the upward bias
 * of taking a maximum: optimistic (too narrow and too high), markedly so when the true separation is near 0. In a
 * simulation with two binormal classes of 200 records each and a true KS of 0.55, the nominal 95% interval covered
 * about 90% of the time.
 */
export function ksInterval(hist: ScoreHistogram, confidence = DEFAULT_CONFIDENCE): Interval {
  const ks = ksSeparation(hist);
  if (Number.isNaN(ks.statistic)) return withoutInterval(ks.statistic);
  const variance = (ks.tpr * (1 - ks.tpr)) / ks.positives + (ks.fpr * (1 - ks.fpr)) / ks.negatives;
  return normalInterval(ks.statistic, Math.sqrt(variance), confidence, 0, 1);
}

/** Normal interval of the mean log loss (from the sum of squared per-record losses), lower bound 0. */
export function logLossInterval(sums: ProbabilityLossSums, confidence = DEFAULT_CONFIDENCE): Interval {
  const i = meanInterval(sums.count, sums.sumLogLoss, sums.sumLogLossSquares, confidence, 0);
  return withInterval(logLoss(sums), i.lower, i.upper);
}

/** Normal interval of the Brier score (from the sum of squared per-record scores), clamped to [0, 1]. */
export function brierInterval(sums: ProbabilityLossSums, confidence = DEFAULT_CONFIDENCE): Interval {
  const i = meanInterval(sums.count, sums.sumBrier, sums.sumBrierSquares, confidence, 0, 1);
  return withInterval(brierScore(sums), i.lower, i.upper);
}

// ---------------------------------------------------------------------------------------------------------------
// Regression

/** Normal interval of MAE, the mean of |e|, whose sum of squares is sum e^2. Lower bound 0. */
export function maeInterval(sums: RegressionSums, confidence = DEFAULT_CONFIDENCE): Interval {
  return meanInterval(sums.count, sums.sumAbsError, sums.sumSquaredError, confidence, 0);
}

/** Normal interval of the mean error (bias), mean of e. */
export function meanErrorInterval(sums: RegressionSums, confidence = DEFAULT_CONFIDENCE): Interval {
  return meanInterval(sums.count, sums.sumError, sums.sumSquaredError, confidence);
}

/** Normal interval of MSE, the mean of e^2, whose sum of squares is sum e^4. Lower bound 0. */
export function mseInterval(sums: RegressionSums, confidence = DEFAULT_CONFIDENCE): Interval {
  return meanInterval(sums.count, sums.sumSquaredError, sums.sumError4, confidence, 0);
}

/**
 * Delta-method interval of RMSE = sqrt(MSE): standard error se(MSE) / (2 RMSE), se(MSE) from sum e^4 (see
 * `mseInterval`); lower bound 0. A perfect fit gives [0, 0].
 */
export function rmseInterval(sums: RegressionSums, confidence = DEFAULT_CONFIDENCE): Interval {
  const n = sums.count;
  if (n === 0) return withoutInterval(Number.NaN);
  const mse = sums.sumSquaredError / n;
  const rmse = Math.sqrt(mse);
  if (n < 2) return withoutInterval(rmse);
  if (rmse === 0) return withInterval(0, 0, 0);
  const varE2 = Math.max(0, (sums.sumError4 - sums.sumSquaredError * mse) / (n - 1));
  return normalInterval(rmse, Math.sqrt(varE2 / n) / (2 * rmse), confidence, 0);
}

/** Normal interval of MAPE over the records with a non-zero actual (fractions, lower bound 0). */
export function mapeInterval(sums: RegressionSums, confidence = DEFAULT_CONFIDENCE): Interval {
  return meanInterval(sums.percentageCount, sums.sumAbsPercentageError, sums.sumAbsPercentageError2, confidence, 0);
}

/**
 * Delta-method variance of R^2 = 1 - A / B, A = mean e^2, B = mean (y - mean y)^2. The influence of record i is
 * IF_i = -(e_i^2 - k (y_i - mean y)^2) / B with k = A / B (its mean is 0), and Var = sum IF_i^2 / (n (n - 1)) =
 * (E e^4 - 2 k E[e^2 (y - ybar)^2] + k^2 E (y - ybar)^4) / (B^2 (n - 1)), the expectations being sample means
 * expanded in the power sums of the shifted actuals. NaN for n < 3 or constant actuals; 0 for a perfect fit.
 */
export function rSquaredVariance(sums: RegressionSums): number {
  const n = sums.count;
  if (n < 3) return Number.NaN;
  const ssTot = totalSumOfSquares(sums);
  if (!(ssTot > 0)) return Number.NaN;
  const b = ssTot / n;
  const a = sums.sumSquaredError / n;
  const k = a / b;
  const m1 = sums.sumActual / n;
  const m2 = sums.sumActual2 / n;
  const m3 = sums.sumActual3 / n;
  const m4 = sums.sumActual4 / n;
  const e4 = sums.sumError4 / n;
  const e2d2 = (sums.sumSquaredErrorActual2 - 2 * m1 * sums.sumSquaredErrorActual + m1 * m1 * sums.sumSquaredError) / n;
  const d4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1;
  const meanSquare = Math.max(0, e4 - 2 * k * e2d2 + k * k * d4);
  return meanSquare / (b * b * (n - 1));
}

/** Delta-method normal interval of R^2 (see `rSquaredVariance`), upper bound 1. */
export function r2Interval(sums: RegressionSums, confidence = DEFAULT_CONFIDENCE): Interval {
  return normalInterval(rSquared(sums), Math.sqrt(rSquaredVariance(sums)), confidence, Number.NEGATIVE_INFINITY, 1);
}

/** Adjusted R^2 and the R^2 interval mapped through the same increasing affine map. */
export function adjustedR2Interval(sums: RegressionSums, features: number, confidence = DEFAULT_CONFIDENCE): Interval {
  const r = r2Interval(sums, confidence);
  const n = sums.count;
  return withInterval(adjustedRSquared(r.value, n, features), adjustedRSquared(r.lower, n, features), adjustedRSquared(r.upper, n, features));
}

/**
 * Distribution-free interval for the median absolute error from a uniform sample of m values of |e| (see
 * `medianAbsoluteError` in ./regression.ts): the order statistics of ranks floor(m / 2 - z sqrt(m) / 2) and
 * ceil(1 + m / 2 + z sqrt(m) / 2) (1-based, clamped to 1..m), the normal approximation to the binomial(m, 1/2)
 * count below the median. It covers the median of the distribution the sample was drawn from. Value as
 * `medianAbsoluteError`; NaN bounds for an empty sample.
 */
export function medianAbsoluteErrorInterval(sample: ArrayLike<number>, confidence = DEFAULT_CONFIDENCE): Interval {
  const z = twoSidedZ(confidence);
  const sorted = sortedAbsolute(sample);
  const m = sorted.length;
  if (m === 0) return withoutInterval(Number.NaN);
  const value = quantileSorted(sorted, 0.5);
  const half = (z * Math.sqrt(m)) / 2;
  const lo = Math.min(m, Math.max(1, Math.floor(m / 2 - half)));
  const hi = Math.min(m, Math.max(1, Math.ceil(1 + m / 2 + half)));
  return withInterval(value, sorted[lo - 1] as number, sorted[hi - 1] as number);
}

/** The sum-based regression metrics with their intervals, keyed by the exported metric names. */
export function regressionIntervals(
  sums: RegressionSums,
  options: { features?: number; confidence?: number } = {},
): { mae: Interval; rmse: Interval; mape: Interval; r2: Interval; adjusted_r2: Interval } {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const m = regressionMetrics(sums, options.features);
  return {
    mae: maeInterval(sums, confidence),
    rmse: rmseInterval(sums, confidence),
    mape: mapeInterval(sums, confidence),
    r2: r2Interval(sums, confidence),
    adjusted_r2: options.features === undefined ? withoutInterval(m.adjustedR2) : adjustedR2Interval(sums, options.features, confidence),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Association

/**
 * Fisher-z interval of a Pearson correlation: tanh(atanh(r) +- z / sqrt(n - 3)). NaN bounds for n <= 3 or NaN r;
 * [r, r] when |r| = 1.
 */
export function pearsonInterval(r: number, count: number, confidence = DEFAULT_CONFIDENCE): Interval {
  const z = twoSidedZ(confidence);
  if (Number.isNaN(r) || count <= 3) return withoutInterval(r);
  if (Math.abs(r) >= 1) return withInterval(r, r, r);
  const f = Math.atanh(r);
  const se = 1 / Math.sqrt(count - 3);
  return withInterval(r, Math.tanh(f - z * se), Math.tanh(f + z * se));
}
