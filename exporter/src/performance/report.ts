/**
 * All performance metrics of one aggregate with their confidence intervals, keyed by the `metric` label values
 * of `modelwatch_model_performance` / `modelwatch_model_performance_estimated`. Metrics whose aggregate is not
 * supplied are left out.
 */
import type { ConfusionMatrix, MacroLabels } from './classification.js';
import { estimatedBinaryMetrics, estimatedRocAuc, type ExpectedConfusion, type ExpectedScoreHistogram } from './estimation.js';
import {
  accuracyInterval,
  brierInterval,
  DEFAULT_CONFIDENCE,
  f1Interval,
  giniInterval,
  ksInterval,
  logLossInterval,
  macroF1Interval,
  medianAbsoluteErrorInterval,
  precisionInterval,
  recallInterval,
  regressionIntervals,
  rocAucInterval,
  withInterval,
  type Interval,
} from './intervals.js';
import { medianAbsoluteError, type RegressionSums } from './regression.js';
import type { ProbabilityLossSums, ScoreHistogram } from './scores.js';

export type BinaryMetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'roc_auc' | 'gini' | 'ks' | 'log_loss' | 'brier';
export type MulticlassMetricName = 'accuracy' | 'macro_f1';
export type RegressionMetricName = 'mae' | 'rmse' | 'mape' | 'r2' | 'adjusted_r2' | 'median_ae';
export type EstimatedMetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'roc_auc' | 'gini';

export interface BinaryAggregates {
  confusion: ConfusionMatrix;
  /** Class index of the positive class (default 1). */
  positiveClass?: number;
  /** Scores of the positive class per actual class: roc_auc, gini, ks. */
  scores?: ScoreHistogram;
  /** Log loss and Brier sums: log_loss, brier. */
  losses?: ProbabilityLossSums;
}

/** Realized binary metrics with intervals (accuracy/precision/recall Wilson, F1 delta, AUC/Gini DeLong, ...). */
export function binaryPerformance(a: BinaryAggregates, confidence = DEFAULT_CONFIDENCE): Partial<Record<BinaryMetricName, Interval>> {
  const positive = a.positiveClass ?? 1;
  const out: Partial<Record<BinaryMetricName, Interval>> = {
    accuracy: accuracyInterval(a.confusion, confidence),
    precision: precisionInterval(a.confusion, positive, confidence),
    recall: recallInterval(a.confusion, positive, confidence),
    f1: f1Interval(a.confusion, positive, confidence),
  };
  if (a.scores) {
    out.roc_auc = rocAucInterval(a.scores, confidence);
    out.gini = giniInterval(a.scores, confidence);
    out.ks = ksInterval(a.scores, confidence);
  }
  if (a.losses) {
    out.log_loss = logLossInterval(a.losses, confidence);
    out.brier = brierInterval(a.losses, confidence);
  }
  return out;
}

/** Realized multiclass accuracy (Wilson) and macro-F1 (delta method). */
export function multiclassPerformance(
  confusion: ConfusionMatrix,
  options: { labels?: MacroLabels; confidence?: number } = {},
): Record<MulticlassMetricName, Interval> {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  return { accuracy: accuracyInterval(confusion, confidence), macro_f1: macroF1Interval(confusion, { labels: options.labels ?? 'present', confidence }) };
}

/**
 * Realized regression metrics with intervals. `absoluteErrors` is a uniform sample of |e| for median_ae (left
 * out when not given); `features` enables adjusted_r2.
 */
export function regressionPerformance(
  sums: RegressionSums,
  options: { features?: number; absoluteErrors?: ArrayLike<number>; confidence?: number } = {},
): Partial<Record<RegressionMetricName, Interval>> {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const r = regressionIntervals(sums, { features: options.features, confidence });
  const out: Partial<Record<RegressionMetricName, Interval>> = { mae: r.mae, rmse: r.rmse, mape: r.mape, r2: r.r2 };
  if (options.features !== undefined) out.adjusted_r2 = r.adjusted_r2;
  if (options.absoluteErrors) {
    const i = medianAbsoluteErrorInterval(options.absoluteErrors, confidence);
    out.median_ae = withInterval(medianAbsoluteError(options.absoluteErrors).value, i.lower, i.upper);
  }
  return out;
}

/** Estimated (CBPE) binary metrics; roc_auc and gini need the expected score histogram. */
export function estimatedBinaryPerformance(
  expected: ExpectedConfusion,
  scores?: ExpectedScoreHistogram,
  confidence = DEFAULT_CONFIDENCE,
): Partial<Record<EstimatedMetricName, Interval>> {
  const m = estimatedBinaryMetrics(expected, confidence);
  const out: Partial<Record<EstimatedMetricName, Interval>> = { accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1 };
  if (scores) {
    const auc = estimatedRocAuc(scores, confidence);
    out.roc_auc = withInterval(auc.value, auc.lower, auc.upper);
    out.gini = withInterval(2 * auc.value - 1, 2 * auc.lower - 1, 2 * auc.upper - 1);
  }
  return out;
}
