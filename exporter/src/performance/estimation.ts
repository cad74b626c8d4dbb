/**
 * Confidence-based performance estimation (CBPE, as in NannyML) for binary classification without labels.
 *
 * With a calibration map fitted on the reference (./calibration.ts), each unlabelled record's calibrated score
 * p_i = P(y_i = 1 | score_i) makes its label a Bernoulli(p_i) variable. Expected confusion matrix, with yhat_i the
 * model's predicted class:
 *   TP = sum p_i [yhat = 1], FP = sum (1 - p_i) [yhat = 1], FN = sum p_i [yhat = 0], TN = sum (1 - p_i) [yhat = 0],
 * additive per slice. The estimated metrics are the metrics of that matrix. The estimate is unbiased for
 * accuracy (and for precision, whose denominator is the known count of positive predictions) as long as the
 * calibration holds on the current data, which it does under pure covariate shift (P(y | x) unchanged) when the
 * map was fitted on representative reference data; it cannot see concept drift.
 *
 * Intervals (`estimatedBinaryMetrics`) describe where the realized metric of the same records will fall once
 * their labels arrive, given perfect calibration: the labels are independent Bernoulli(p_i), so the number of
 * positives among the predicted positives has the Poisson-binomial variance V1 = sum_{yhat=1} p_i (1 - p_i), and
 * likewise V0 among the predicted negatives. They do not include the error of the calibration map itself.
 */
import { DEFAULT_CONFIDENCE, normalInterval, withInterval, withoutInterval, type Interval } from './intervals.js';
import { f1FromPrecisionRecall } from './classification.js';
import { twoSidedZ } from './normal-quantile.js';
import { rocAucFromCounts, ScoreHistogram, type ScoreHistogramOptions } from './scores.js';

/** Additive expected confusion matrix and Poisson-binomial variances (8 numbers). */
export class ExpectedConfusion {
  /** Expected cell counts. */
  truePositives = 0;
  falsePositives = 0;
  falseNegatives = 0;
  trueNegatives = 0;
  /** Exact counts of predicted positives / negatives. */
  predictedPositives = 0;
  predictedNegatives = 0;
  /** sum p (1 - p) over predicted positives / predicted negatives. */
  varianceAmongPredictedPositives = 0;
  varianceAmongPredictedNegatives = 0;

  /**
   * Adds one unlabelled record with calibrated probability p of the positive class and the model's predicted
   * class. Returns false (nothing counted) when p is NaN or outside [0, 1].
   */
  add(probability: number, predictedPositive: boolean): boolean {
    if (!(probability >= 0 && probability <= 1)) return false;
    const q = 1 - probability;
    const v = probability * q;
    if (predictedPositive) {
      this.truePositives += probability;
      this.falsePositives += q;
      this.predictedPositives++;
      this.varianceAmongPredictedPositives += v;
    } else {
      this.falseNegatives += probability;
      this.trueNegatives += q;
      this.predictedNegatives++;
      this.varianceAmongPredictedNegatives += v;
    }
    return true;
  }

  get total(): number {
    return this.predictedPositives + this.predictedNegatives;
  }

  merge(other: ExpectedConfusion): this {
    this.truePositives += other.truePositives;
    this.falsePositives += other.falsePositives;
    this.falseNegatives += other.falseNegatives;
    this.trueNegatives += other.trueNegatives;
    this.predictedPositives += other.predictedPositives;
    this.predictedNegatives += other.predictedNegatives;
    this.varianceAmongPredictedPositives += other.varianceAmongPredictedPositives;
    this.varianceAmongPredictedNegatives += other.varianceAmongPredictedNegatives;
    return this;
  }

  reset(): void {
    this.truePositives = 0;
    this.falsePositives = 0;
    this.falseNegatives = 0;
    this.trueNegatives = 0;
    this.predictedPositives = 0;
    this.predictedNegatives = 0;
    this.varianceAmongPredictedPositives = 0;
    this.varianceAmongPredictedNegatives = 0;
  }

  clone(): ExpectedConfusion {
    return new ExpectedConfusion().merge(this);
  }

  toJSON(): Record<string, number> {
    return {
      truePositives: this.truePositives,
      falsePositives: this.falsePositives,
      falseNegatives: this.falseNegatives,
      trueNegatives: this.trueNegatives,
      predictedPositives: this.predictedPositives,
      predictedNegatives: this.predictedNegatives,
      varianceAmongPredictedPositives: this.varianceAmongPredictedPositives,
      varianceAmongPredictedNegatives: this.varianceAmongPredictedNegatives,
    };
  }

  static fromJSON(json: Record<string, number>): ExpectedConfusion {
    const e = new ExpectedConfusion();
    for (const key of Object.keys(e.toJSON())) {
      const v = json[key];
      if (typeof v !== 'number') throw new RangeError(`expected confusion: ${key} missing`);
      (e as unknown as Record<string, number>)[key] = v;
    }
    return e;
  }
}

export interface EstimatedBinaryMetrics {
  accuracy: Interval;
  precision: Interval;
  recall: Interval;
  f1: Interval;
}

/**
 * Estimated accuracy, precision, recall and F1 of the positive class from the expected confusion matrix, with
 * sklearn's zero-division convention (0), each with the interval of the realized value (see the module comment).
 * With A = sum_{yhat=1} y (mean TP, variance V1), B = sum_{yhat=0} y (mean FN, variance V0), n1 predicted
 * positives, n records:
 * - accuracy = (TP + TN) / n, Var = (V1 + V0) / n^2;
 * - precision = TP / n1, Var = V1 / n1^2;
 * - recall = TP / (TP + FN), delta method on A / (A + B): Var = (FN^2 V1 + TP^2 V0) / (TP + FN)^4;
 * - F1 = 2 TP / (n1 + TP + FN), delta method on 2A / (n1 + A + B):
 *   Var = 4 ((n1 + FN)^2 V1 + TP^2 V0) / (n1 + TP + FN)^4.
 * Bounds clamped to [0, 1]; NaN value and bounds for an empty aggregate.
 */
export function estimatedBinaryMetrics(e: ExpectedConfusion, confidence = DEFAULT_CONFIDENCE): EstimatedBinaryMetrics {
  const n = e.total;
  const nan = withoutInterval(Number.NaN);
  if (n === 0) return { accuracy: nan, precision: nan, recall: nan, f1: nan };
  const tp = e.truePositives;
  const fn = e.falseNegatives;
  const n1 = e.predictedPositives;
  const v1 = e.varianceAmongPredictedPositives;
  const v0 = e.varianceAmongPredictedNegatives;
  const accuracy = normalInterval((tp + e.trueNegatives) / n, Math.sqrt(v1 + v0) / n, confidence, 0, 1);
  const precisionValue = n1 === 0 ? 0 : tp / n1;
  const precision = n1 === 0 ? withoutInterval(0) : normalInterval(precisionValue, Math.sqrt(v1) / n1, confidence, 0, 1);
  const positives = tp + fn;
  const recallValue = positives === 0 ? 0 : tp / positives;
  const recall =
    positives === 0
      ? withoutInterval(0)
      : normalInterval(recallValue, Math.sqrt(fn * fn * v1 + tp * tp * v0) / (positives * positives), confidence, 0, 1);
  const f1Value = f1FromPrecisionRecall(precisionValue, recallValue);
  const d = n1 + positives;
  const f1 =
    d === 0
      ? withoutInterval(f1Value)
      : normalInterval(f1Value, (2 * Math.sqrt((n1 + fn) * (n1 + fn) * v1 + tp * tp * v0)) / (d * d), confidence, 0, 1);
  return { accuracy, precision, recall, f1 };
}

/**
 * Histogram of raw model scores with fractional labels, for the expected ROC AUC: each record adds p_i to the
 * positive and 1 - p_i to the negative histogram at its score's bin, and p_i (1 - p_i) to `selfPairs` of that
 * bin. Additive (`merge`). Memory 3 x bins doubles.
 */
export class ExpectedScoreHistogram {
  readonly histogram: ScoreHistogram;
  readonly selfPairs: Float64Array;

  constructor(options: ScoreHistogramOptions = {}) {
    this.histogram = new ScoreHistogram(options);
    this.selfPairs = new Float64Array(this.histogram.bins);
  }

  /**
   * Adds a record with model score `score` (binned, the ranking the AUC is about) and calibrated probability
   * `probability`. Returns false (nothing counted) for a NaN score or a probability outside [0, 1].
   */
  add(score: number, probability: number): boolean {
    if (!(probability >= 0 && probability <= 1)) return false;
    const b = this.histogram.binOf(score);
    if (b < 0) return false;
    const h = this.histogram;
    h.positive[b] = (h.positive[b] as number) + probability;
    h.negative[b] = (h.negative[b] as number) + (1 - probability);
    this.selfPairs[b] = (this.selfPairs[b] as number) + probability * (1 - probability);
    return true;
  }

  merge(other: ExpectedScoreHistogram): this {
    this.histogram.merge(other.histogram);
    for (let b = 0; b < this.selfPairs.length; b++) this.selfPairs[b] = (this.selfPairs[b] as number) + (other.selfPairs[b] as number);
    return this;
  }

  reset(): void {
    this.histogram.reset();
    this.selfPairs.fill(0);
  }

  clone(): ExpectedScoreHistogram {
    const c = new ExpectedScoreHistogram({ bins: this.histogram.bins, min: this.histogram.min, max: this.histogram.max });
    c.merge(this);
    return c;
  }

  toJSON(): { histogram: ReturnType<ScoreHistogram['toJSON']>; selfPairs: number[] } {
    return { histogram: this.histogram.toJSON(), selfPairs: Array.from(this.selfPairs) };
  }

  static fromJSON(json: { histogram: ReturnType<ScoreHistogram['toJSON']>; selfPairs: number[] }): ExpectedScoreHistogram {
    const h = ScoreHistogram.fromJSON(json.histogram);
    const e = new ExpectedScoreHistogram({ bins: h.bins, min: h.min, max: h.max });
    if (json.selfPairs.length !== h.bins) throw new RangeError('selfPairs do not match the histogram bins');
    e.histogram.merge(h);
    e.selfPairs.set(json.selfPairs);
    return e;
  }
}

export interface EstimatedRocAuc extends Interval {
  /** Bound on the binning error, as for the realized AUC (`RocAucResult.errorBound`). */
  errorBound: number;
}

/**
 * Expected ROC AUC: the Mann-Whitney count of the scores with every ordered pair of distinct records (i, j)
 * weighted by the probability p_i (1 - p_j) that i is positive and j negative, divided by the expected number of
 * such pairs:
 *   AUC_est = sum_{i != j} p_i (1 - p_j) h(s_i, s_j) / sum_{i != j} p_i (1 - p_j),  h = 1 if s_i > s_j, 1/2 if tied,
 * i.e. E[U] / E[P N] (the ratio of expectations; its difference from E[U / (P N)] is O(1 / n)). With 0/1
 * probabilities it is the realized AUC. Computed on the binned scores like the realized AUC, the self pairs
 * i = j removed through `selfPairs`.
 *
 * Interval of the realized AUC given the scores: the first-order change of U / (P N) when the label of record k
 * moves from p_k is g_k = (negatives below k + neg_b / 2 - positives above k - pos_b / 2 - AUC (N - P)) / (P N)
 * (weights as expected counts, per bin), and Var = sum_b selfPairs_b g_b^2 (the labels being independent
 * Bernoulli(p_i) with variance p_i (1 - p_i)).
 */
export function estimatedRocAuc(e: ExpectedScoreHistogram, confidence = DEFAULT_CONFIDENCE): EstimatedRocAuc {
  const h = e.histogram;
  let self = 0;
  for (let b = 0; b < e.selfPairs.length; b++) self += e.selfPairs[b] as number;
  const r = rocAucFromCounts(h.positive, h.negative, self);
  if (Number.isNaN(r.auc)) return { ...withoutInterval(Number.NaN), errorBound: Number.NaN };
  const pairs = r.positives * r.negatives - self;
  let posAbove = r.positives;
  let negBelow = 0;
  let variance = 0;
  for (let b = 0; b < h.bins; b++) {
    const pos = h.positive[b] as number;
    const neg = h.negative[b] as number;
    posAbove -= pos;
    const v = e.selfPairs[b] as number;
    if (v > 0) {
      const g = (negBelow + neg / 2 - posAbove - pos / 2 - r.auc * (r.negatives - r.positives)) / pairs;
      variance += v * g * g;
    }
    negBelow += neg;
  }
  const z = twoSidedZ(confidence);
  const se = Math.sqrt(variance);
  return {
    ...withInterval(r.auc, Math.max(0, r.auc - z * se), Math.min(1, r.auc + z * se)),
    errorBound: r.errorBound,
  };
}
