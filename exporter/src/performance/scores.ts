/**
 * Realized performance of binary scores (the probability, or any score, of the positive class): ROC AUC, Gini
 * and KS separation from bounded per-class score histograms, log loss and Brier score from running sums. All
 * aggregates are additive across time slices.
 */

/** Default number of equal-width score bins on [min, max]. */
export const DEFAULT_SCORE_BINS = 1000;
/** Hard limit on the number of bins (memory is 2 doubles per bin). */
export const MAX_SCORE_BINS = 1_000_000;

export interface ScoreHistogramOptions {
  /** Equal-width bins (default 1000). */
  bins?: number;
  /** Lower end of the score range (default 0). */
  min?: number;
  /** Upper end of the score range (default 1). */
  max?: number;
}

/**
 * Per-class histograms of scores over `bins` equal-width bins on [min, max]: bin b = floor((s - min) / (max - min)
 * * bins), clamped to [0, bins - 1] (so max itself and scores outside the range fall in the end bins). Because
 * the bin index is a non-decreasing function of the score, records in different bins are ordered exactly as their
 * scores are; only the order of distinct scores within one bin is lost, and every statistic below comes with a
 * bound computed from the histogram itself for that loss. Records with equal scores always share a bin, so ties
 * are handled exactly.
 *
 * `positive[b]` and `negative[b]` hold (possibly fractional) weights; realized labels add 1 to one of them.
 * Memory: 2 x bins doubles (16 kB at the default 1000 bins).
 */
export class ScoreHistogram {
  readonly bins: number;
  readonly min: number;
  readonly max: number;
  readonly positive: Float64Array;
  readonly negative: Float64Array;
  private readonly scale: number;

  constructor(options: ScoreHistogramOptions = {}) {
    const bins = options.bins ?? DEFAULT_SCORE_BINS;
    const min = options.min ?? 0;
    const max = options.max ?? 1;
    if (!Number.isInteger(bins) || bins < 1 || bins > MAX_SCORE_BINS) throw new RangeError(`score bins must be an integer in 1..${MAX_SCORE_BINS}, got ${bins}`);
    if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) throw new RangeError(`score range must be finite with max > min, got [${min}, ${max}]`);
    this.bins = bins;
    this.min = min;
    this.max = max;
    this.scale = bins / (max - min);
    this.positive = new Float64Array(bins);
    this.negative = new Float64Array(bins);
  }

  /** The bin of a score (clamped into the range); -1 for NaN. */
  binOf(score: number): number {
    if (Number.isNaN(score)) return -1;
    const b = Math.floor((score - this.min) * this.scale);
    if (b < 0) return 0;
    if (b >= this.bins) return this.bins - 1;
    return b;
  }

  /**
   * Counts one labelled record (or `weight` records). Returns false (nothing counted) for a NaN score; throws
   * RangeError for a negative or non-finite weight.
   */
  add(score: number, isPositive: boolean, weight = 1): boolean {
    if (!(weight >= 0 && weight < Number.POSITIVE_INFINITY)) throw new RangeError(`weight must be finite and non-negative, got ${weight}`);
    const b = this.binOf(score);
    if (b < 0) return false;
    if (isPositive) this.positive[b] = (this.positive[b] as number) + weight;
    else this.negative[b] = (this.negative[b] as number) + weight;
    return true;
  }

  /** Total positive weight P. */
  positiveTotal(): number {
    let s = 0;
    for (let b = 0; b < this.bins; b++) s += this.positive[b] as number;
    return s;
  }

  /** Total negative weight N. */
  negativeTotal(): number {
    let s = 0;
    for (let b = 0; b < this.bins; b++) s += this.negative[b] as number;
    return s;
  }

  /** Adds `other` into this histogram (same bins and range). */
  merge(other: ScoreHistogram): this {
    if (other.bins !== this.bins || other.min !== this.min || other.max !== this.max) {
      throw new RangeError('cannot merge score histograms with different bins or ranges');
    }
    for (let b = 0; b < this.bins; b++) {
      this.positive[b] = (this.positive[b] as number) + (other.positive[b] as number);
      this.negative[b] = (this.negative[b] as number) + (other.negative[b] as number);
    }
    return this;
  }

  reset(): void {
    this.positive.fill(0);
    this.negative.fill(0);
  }

  clone(): ScoreHistogram {
    const h = new ScoreHistogram({ bins: this.bins, min: this.min, max: this.max });
    h.positive.set(this.positive);
    h.negative.set(this.negative);
    return h;
  }

  toJSON(): { bins: number; min: number; max: number; positive: number[]; negative: number[] } {
    return { bins: this.bins, min: this.min, max: this.max, positive: Array.from(this.positive), negative: Array.from(this.negative) };
  }

  static fromJSON(json: { bins: number; min: number; max: number; positive: number[]; negative: number[] }): ScoreHistogram {
    const h = new ScoreHistogram(json);
    if (json.positive.length !== h.bins || json.negative.length !== h.bins) throw new RangeError('score histogram arrays do not match its bins');
    h.positive.set(json.positive);
    h.negative.set(json.negative);
    return h;
  }
}

export interface RocAucResult {
  /** ROC AUC of the binned scores; NaN unless both classes have weight. */
  auc: number;
  /**
   * Upper bound on |auc - exact AUC of the unbinned scores|: 0.5 * sum_b pos_b * neg_b / (P * N). The binned
   * value scores every positive-negative pair within one bin as a tie (1/2), while the exact value scores it 1, 0
   * or 1/2; pairs in different bins are scored exactly. 0 when no bin holds both classes (e.g. scores on a grid
   * coarser than the bins).
   */
  errorBound: number;
  /** P, the positive weight. */
  positives: number;
  /** N, the negative weight. */
  negatives: number;
}

/**
 * ROC AUC from per-bin class weights, as the Mann-Whitney statistic with ties counted 1/2:
 *   AUC = (sum_b neg_b * (pos_{>b} + pos_b / 2) - selfPairs / 2) / (P * N - selfPairs),
 * pos_{>b} the positive weight in bins above b. With `selfPairs` = 0 and integer counts this is exactly
 * `sklearn.metrics.roc_auc_score` (the trapezoidal area under the ROC curve, which scores ties 1/2) of the binned
 * scores. `selfPairs` (sum of w+_i w-_i over records carrying both a positive and a negative weight) removes each
 * fractional record's pairing with itself; see ./estimation.ts.
 */
export function rocAucFromCounts(positive: ArrayLike<number>, negative: ArrayLike<number>, selfPairs = 0): RocAucResult {
  const bins = positive.length;
  if (negative.length !== bins) throw new RangeError('positive and negative histograms differ in length');
  let pTotal = 0;
  let nTotal = 0;
  for (let b = 0; b < bins; b++) {
    pTotal += positive[b] as number;
    nTotal += negative[b] as number;
  }
  if (!(pTotal > 0 && nTotal > 0)) return { auc: Number.NaN, errorBound: Number.NaN, positives: pTotal, negatives: nTotal };
  // Walk from the top bin down so pos_{>b} accumulates.
  let above = 0;
  let concordant = 0;
  let withinBin = 0;
  for (let b = bins - 1; b >= 0; b--) {
    const pos = positive[b] as number;
    const neg = negative[b] as number;
    concordant += neg * above;
    withinBin += neg * pos;
    above += pos;
  }
  const pairs = pTotal * nTotal - selfPairs;
  const auc = (concordant + 0.5 * (withinBin - selfPairs)) / pairs;
  return { auc: Math.min(1, Math.max(0, auc)), errorBound: (0.5 * (withinBin - selfPairs)) / pairs, positives: pTotal, negatives: nTotal };
}

/** ROC AUC of a score histogram (see `rocAucFromCounts`). */
export function rocAuc(hist: ScoreHistogram): RocAucResult {
  return rocAucFromCounts(hist.positive, hist.negative);
}

/** Gini coefficient (accuracy ratio) = 2 AUC - 1. */
export function giniFromAuc(auc: number): number {
  return 2 * auc - 1;
}

export interface KsSeparation {
  /**
   * max over bin edges t of |TPR(t) - FPR(t)|, TPR(t) / FPR(t) = share of positives / negatives scoring above t;
   * equivalently max |F+(t) - F-(t)| of the two class-conditional CDFs, the statistic of
   * `scipy.stats.ks_2samp(positive_scores, negative_scores)`. NaN unless both classes have weight.
   */
  statistic: number;
  /**
   * Upper bound on (exact statistic - statistic): max_b min(pos_b / P, neg_b / N). The binned value is the
   * maximum over the subset of thresholds at bin edges, so it never exceeds the exact value; inside a bin
   * either CDF moves by at most its bin share. 0 when every bin holds at most one distinct score.
   */
  errorBound: number;
  /** Upper edge of the bin where the maximum is reached (records with a score in a bin at or below it count as "<= t"). */
  threshold: number;
  /** F-(t) - F+(t) = TPR - FPR at that edge (positive when positives score higher). */
  signedDifference: number;
  /** TPR and FPR at that edge: shares of positives / negatives in the bins above. */
  tpr: number;
  fpr: number;
  positives: number;
  negatives: number;
}

/** KS separation of a score histogram; see `KsSeparation`. */
export function ksSeparation(hist: ScoreHistogram): KsSeparation {
  const pTotal = hist.positiveTotal();
  const nTotal = hist.negativeTotal();
  const nan: KsSeparation = {
    statistic: Number.NaN,
    errorBound: Number.NaN,
    threshold: Number.NaN,
    signedDifference: Number.NaN,
    tpr: Number.NaN,
    fpr: Number.NaN,
    positives: pTotal,
    negatives: nTotal,
  };
  if (!(pTotal > 0 && nTotal > 0)) return nan;
  let cumPos = 0;
  let cumNeg = 0;
  let best = -1;
  let bestBin = 0;
  let bestSigned = 0;
  let bound = 0;
  for (let b = 0; b < hist.bins; b++) {
    const pos = hist.positive[b] as number;
    const neg = hist.negative[b] as number;
    if (pos === 0 && neg === 0) continue;
    cumPos += pos;
    cumNeg += neg;
    const signed = cumNeg / nTotal - cumPos / pTotal;
    if (Math.abs(signed) > best) {
      best = Math.abs(signed);
      bestBin = b;
      bestSigned = signed;
    }
    const within = Math.min(pos / pTotal, neg / nTotal);
    if (within > bound) bound = within;
  }
  // TPR / FPR above the edge = 1 - CDF at the edge.
  let cp = 0;
  let cn = 0;
  for (let b = 0; b <= bestBin; b++) {
    cp += hist.positive[b] as number;
    cn += hist.negative[b] as number;
  }
  return {
    statistic: best,
    errorBound: bound,
    threshold: hist.min + ((bestBin + 1) * (hist.max - hist.min)) / hist.bins,
    signedDifference: bestSigned,
    tpr: 1 - cp / pTotal,
    fpr: 1 - cn / nTotal,
    positives: pTotal,
    negatives: nTotal,
  };
}

/**
 * Probability clipping of `sklearn.metrics.log_loss` in scikit-learn >= 1.2 (its default `eps="auto"`, the
 * machine epsilon of float64, 2^-52).
 */
export const LOG_LOSS_EPS = Number.EPSILON;
/** The clipping of `log_loss` before scikit-learn 1.2 (`eps=1e-15`), for comparison with older reports. */
export const LEGACY_LOG_LOSS_EPS = 1e-15;

/**
 * The log loss of one record, as `sklearn.metrics.log_loss([y], [p], labels=[0, 1], eps=eps)` computes it:
 * q = clip(p, eps, 1 - eps), the pair (1 - q, q) renormalised by its sum, and -ln of the entry of the actual
 * class.
 */
export function recordLogLoss(isPositive: boolean, probability: number, eps = LOG_LOSS_EPS): number {
  const q = Math.min(Math.max(probability, eps), 1 - eps);
  const other = 1 - q;
  const sum = other + q;
  return -Math.log((isPositive ? q : other) / sum);
}

/**
 * Running sums for log loss and Brier score of binary probabilities. Additive (`merge`): 5 numbers.
 * Per record i with y_i in {0, 1} and probability p_i of the positive class:
 * - log loss l_i = `recordLogLoss(y_i, p_i, eps)`; the window's log loss is sum l_i / n
 *   (`sklearn.metrics.log_loss(y, p, labels=[0, 1], eps=eps)`; sklearn needs `labels` when a window holds one
 *   class only);
 * - Brier b_i = (y_i - p_i)^2; the window's Brier score is sum b_i / n (`sklearn.metrics.brier_score_loss`).
 * The sums of squares (sum l_i^2, sum b_i^2) give the standard errors of the two means (./intervals.ts).
 */
export class ProbabilityLossSums {
  readonly eps: number;
  count = 0;
  sumLogLoss = 0;
  sumLogLossSquares = 0;
  sumBrier = 0;
  sumBrierSquares = 0;

  constructor(eps = LOG_LOSS_EPS) {
    if (!(eps > 0 && eps < 0.5)) throw new RangeError(`log loss eps must be in (0, 0.5), got ${eps}`);
    this.eps = eps;
  }

  /**
   * Adds one record. Returns false and counts nothing when the probability is NaN or outside [0, 1]
   * (sklearn's `brier_score_loss` rejects those).
   */
  add(isPositive: boolean, probability: number): boolean {
    if (!(probability >= 0 && probability <= 1)) return false;
    const l = recordLogLoss(isPositive, probability, this.eps);
    const d = (isPositive ? 1 : 0) - probability;
    const b = d * d;
    this.count++;
    this.sumLogLoss += l;
    this.sumLogLossSquares += l * l;
    this.sumBrier += b;
    this.sumBrierSquares += b * b;
    return true;
  }

  merge(other: ProbabilityLossSums): this {
    if (other.eps !== this.eps) throw new RangeError('cannot merge log loss sums with different eps');
    this.count += other.count;
    this.sumLogLoss += other.sumLogLoss;
    this.sumLogLossSquares += other.sumLogLossSquares;
    this.sumBrier += other.sumBrier;
    this.sumBrierSquares += other.sumBrierSquares;
    return this;
  }

  reset(): void {
    this.count = 0;
    this.sumLogLoss = 0;
    this.sumLogLossSquares = 0;
    this.sumBrier = 0;
    this.sumBrierSquares = 0;
  }

  clone(): ProbabilityLossSums {
    return new ProbabilityLossSums(this.eps).merge(this);
  }

  toJSON(): { eps: number; count: number; sumLogLoss: number; sumLogLossSquares: number; sumBrier: number; sumBrierSquares: number } {
    return {
      eps: this.eps,
      count: this.count,
      sumLogLoss: this.sumLogLoss,
      sumLogLossSquares: this.sumLogLossSquares,
      sumBrier: this.sumBrier,
      sumBrierSquares: this.sumBrierSquares,
    };
  }

  static fromJSON(json: ReturnType<ProbabilityLossSums['toJSON']>): ProbabilityLossSums {
    const s = new ProbabilityLossSums(json.eps);
    s.count = json.count;
    s.sumLogLoss = json.sumLogLoss;
    s.sumLogLossSquares = json.sumLogLossSquares;
    s.sumBrier = json.sumBrier;
    s.sumBrierSquares = json.sumBrierSquares;
    return s;
  }
}

/** Mean log loss, NaN when empty. */
export function logLoss(sums: ProbabilityLossSums): number {
  return sums.count === 0 ? Number.NaN : sums.sumLogLoss / sums.count;
}

/** Brier score (mean squared difference between label and probability), NaN when empty. */
export function brierScore(sums: ProbabilityLossSums): number {
  return sums.count === 0 ? Number.NaN : sums.sumBrier / sums.count;
}
