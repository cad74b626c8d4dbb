/**
 * Realized classification performance from an additive confusion matrix.
 *
 * Conventions are those of scikit-learn 1.2 with its default `zero_division="warn"`, which returns 0 for an
 * undefined ratio:
 * - precision_k = TP_k / (TP_k + FP_k), 0 when class k is never predicted;
 * - recall_k = TP_k / (TP_k + FN_k), 0 when class k never occurs;
 * - F1_k = 2 P_k R_k / (P_k + R_k), 0 when P_k + R_k = 0 (equivalently 2 TP_k / (2 TP_k + FP_k + FN_k));
 * - accuracy = trace / total (`accuracy_score`), NaN for an empty matrix;
 * - macro averages = unweighted means of the per-class values over the averaged classes: by default the
 *   classes that occur as actual or predicted (`f1_score(y_true, y_pred, average="macro")`, which averages over
 *   `unique_labels(y_true, y_pred)`), or all K classes with `labels: 'all'`
 *   (`f1_score(..., labels=range(K), average="macro")`, where an absent class scores 0).
 */

/** How many classes a confusion matrix may have (the caller bounds K; this is a hard safety limit). */
export const MAX_CLASSES = 1024;

/**
 * K x K confusion matrix of counts, `counts[actual * K + predicted]`, as `sklearn.metrics.confusion_matrix(y_true,
 * y_pred, labels=range(K))`. Additive: the matrix of a window is the cell-wise sum of its slices' matrices
 * (`merge`). Memory K^2 doubles. Weights may be fractional (e.g. for resampling); counts are never negative.
 */
export class ConfusionMatrix {
  readonly classes: number;
  readonly counts: Float64Array;

  constructor(classes: number) {
    if (!Number.isInteger(classes) || classes < 1 || classes > MAX_CLASSES) {
      throw new RangeError(`a confusion matrix needs 1..${MAX_CLASSES} classes, got ${classes}`);
    }
    this.classes = classes;
    this.counts = new Float64Array(classes * classes);
  }

  /** A matrix holding the given row-major counts (actual x predicted). */
  static fromCounts(classes: number, counts: ArrayLike<number>): ConfusionMatrix {
    const cm = new ConfusionMatrix(classes);
    if (counts.length !== classes * classes) throw new RangeError(`expected ${classes * classes} counts, got ${counts.length}`);
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i] as number;
      if (!(c >= 0 && c < Number.POSITIVE_INFINITY)) throw new RangeError(`confusion counts must be finite and non-negative, got ${c}`);
      cm.counts[i] = c;
    }
    return cm;
  }

  private checkClass(k: number, what: string): void {
    if (!Number.isInteger(k) || k < 0 || k >= this.classes) throw new RangeError(`${what} class ${k} outside 0..${this.classes - 1}`);
  }

  /** Counts one record (or `weight` records) with the given actual and predicted class indexes. */
  add(actual: number, predicted: number, weight = 1): void {
    this.checkClass(actual, 'actual');
    this.checkClass(predicted, 'predicted');
    if (!(weight >= 0 && weight < Number.POSITIVE_INFINITY)) throw new RangeError(`weight must be finite and non-negative, got ${weight}`);
    const i = actual * this.classes + predicted;
    this.counts[i] = (this.counts[i] as number) + weight;
  }

  /** The count of records with this actual and predicted class. */
  count(actual: number, predicted: number): number {
    return this.counts[actual * this.classes + predicted] as number;
  }

  /** Records whose actual class is k (the support of k). */
  actualTotal(k: number): number {
    let s = 0;
    for (let j = 0; j < this.classes; j++) s += this.counts[k * this.classes + j] as number;
    return s;
  }

  /** Records predicted as class k. */
  predictedTotal(k: number): number {
    let s = 0;
    for (let i = 0; i < this.classes; i++) s += this.counts[i * this.classes + k] as number;
    return s;
  }

  /** Records on the diagonal. */
  correct(): number {
    let s = 0;
    for (let k = 0; k < this.classes; k++) s += this.counts[k * this.classes + k] as number;
    return s;
  }

  total(): number {
    let s = 0;
    for (let i = 0; i < this.counts.length; i++) s += this.counts[i] as number;
    return s;
  }

  /** Adds `other`'s counts into this matrix (same K). */
  merge(other: ConfusionMatrix): this {
    if (other.classes !== this.classes) throw new RangeError(`cannot merge a ${other.classes}-class matrix into a ${this.classes}-class one`);
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] as number) + (other.counts[i] as number);
    return this;
  }

  reset(): void {
    this.counts.fill(0);
  }

  clone(): ConfusionMatrix {
    return ConfusionMatrix.fromCounts(this.classes, this.counts);
  }

  toJSON(): { classes: number; counts: number[] } {
    return { classes: this.classes, counts: Array.from(this.counts) };
  }

  static fromJSON(json: { classes: number; counts: number[] }): ConfusionMatrix {
    return ConfusionMatrix.fromCounts(json.classes, json.counts);
  }
}

/** One class's one-vs-rest metrics. */
export interface ClassMetrics {
  /** TP_k / (TP_k + FP_k); 0 when the class is never predicted. */
  precision: number;
  /** TP_k / (TP_k + FN_k); 0 when the class never occurs. */
  recall: number;
  /** 2 P R / (P + R); 0 when P + R = 0. */
  f1: number;
  /** TP_k. */
  truePositives: number;
  /** Records of actual class k (TP_k + FN_k), sklearn's `support`. */
  support: number;
  /** Records predicted as class k (TP_k + FP_k). */
  predicted: number;
}

/** Which classes a macro average runs over. */
export type MacroLabels = 'present' | 'all';

export interface MulticlassMetrics {
  total: number;
  correct: number;
  /** correct / total; NaN when empty. */
  accuracy: number;
  perClass: ClassMetrics[];
  /** Mean of the per-class precision over the averaged classes; NaN when there are none. */
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  /** Number of classes in the macro averages. */
  averagedClasses: number;
}

/** sklearn's `_prf_divide` with zero_division 0. */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** F1 from precision and recall as sklearn computes it: 2 P R / (P + R), 0 when the denominator is 0. */
export function f1FromPrecisionRecall(precision: number, recall: number): number {
  const denom = precision + recall;
  return (2 * precision * recall) / (denom === 0 ? 1 : denom);
}

/** One-vs-rest precision, recall and F1 of class k (`precision_recall_fscore_support(..., labels=[k])`). */
export function classMetrics(cm: ConfusionMatrix, k: number): ClassMetrics {
  if (!Number.isInteger(k) || k < 0 || k >= cm.classes) throw new RangeError(`class ${k} outside 0..${cm.classes - 1}`);
  const tp = cm.count(k, k);
  const support = cm.actualTotal(k);
  const predicted = cm.predictedTotal(k);
  const precision = ratio(tp, predicted);
  const recall = ratio(tp, support);
  return { precision, recall, f1: f1FromPrecisionRecall(precision, recall), truePositives: tp, support, predicted };
}

/** Whether class k takes part in a macro average under `labels`. */
export function isAveragedClass(cm: ConfusionMatrix, k: number, labels: MacroLabels): boolean {
  return labels === 'all' || cm.actualTotal(k) + cm.predictedTotal(k) > 0;
}

/**
 * Accuracy, per-class precision / recall / F1 and their macro averages (see the module comment for the
 * conventions). `labels: 'present'` (default) matches sklearn's default label set, `'all'` matches
 * `labels=range(K)`.
 */
export function multiclassMetrics(cm: ConfusionMatrix, options: { labels?: MacroLabels } = {}): MulticlassMetrics {
  const labels = options.labels ?? 'present';
  const total = cm.total();
  const correct = cm.correct();
  const perClass: ClassMetrics[] = [];
  let p = 0;
  let r = 0;
  let f = 0;
  let averaged = 0;
  for (let k = 0; k < cm.classes; k++) {
    const m = classMetrics(cm, k);
    perClass.push(m);
    if (!isAveragedClass(cm, k, labels)) continue;
    p += m.precision;
    r += m.recall;
    f += m.f1;
    averaged++;
  }
  const mean = (s: number): number => (averaged === 0 ? Number.NaN : s / averaged);
  return {
    total,
    correct,
    accuracy: total === 0 ? Number.NaN : correct / total,
    perClass,
    macroPrecision: mean(p),
    macroRecall: mean(r),
    macroF1: mean(f),
    averagedClasses: averaged,
  };
}

export interface BinaryMetrics {
  total: number;
  /** correct / total over all classes; NaN when empty. */
  accuracy: number;
  /** Of the positive class (sklearn `average="binary"`, `pos_label=positiveClass`). */
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
}

/**
 * Binary metrics for the positive class: `accuracy_score`, and `precision_score` / `recall_score` / `f1_score`
 * with `pos_label=positiveClass, average="binary"`. Also defined for K > 2 as one-vs-rest metrics of that class
 * (sklearn's `labels=[positiveClass], average=None`). A window where the positive class occurs neither as actual
 * nor as predicted gives precision = recall = F1 = 0, as sklearn does.
 */
export function binaryMetrics(cm: ConfusionMatrix, positiveClass = 1): BinaryMetrics {
  const m = classMetrics(cm, positiveClass);
  const total = cm.total();
  const correct = cm.correct();
  const fp = m.predicted - m.truePositives;
  const fn = m.support - m.truePositives;
  return {
    total,
    accuracy: total === 0 ? Number.NaN : correct / total,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    truePositives: m.truePositives,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: total - m.truePositives - fp - fn,
  };
}
