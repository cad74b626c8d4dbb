/**
 * The model's performance on the reference data, when the reference holds predictions and labels: the
 * baseline that production performance is compared against. Pure: takes the aligned (prediction, label,
 * score) values of the reference rows.
 */
import { binaryMetrics, ConfusionMatrix, multiclassMetrics } from '../performance/classification.js';
import { regressionMetrics, RegressionSums } from '../performance/regression.js';
import { rocAuc, ScoreHistogram } from '../performance/scores.js';

export interface ReferenceRows {
  predicted: (string | number)[];
  actual: (string | number)[];
  /** Positive-class scores aligned with the rows, when the model has them (binary). */
  scores?: number[];
}

export function referencePerformance(task: 'classification' | 'regression', rows: ReferenceRows, positiveClass: string | undefined, features: number): Record<string, number> {
  const n = Math.min(rows.predicted.length, rows.actual.length);
  if (n === 0) return {};
  if (task === 'regression') {
    let shift = 0;
    for (let i = 0; i < n; i++) shift += Number(rows.actual[i]);
    const sums = new RegressionSums(shift / n);
    for (let i = 0; i < n; i++) sums.add(Number(rows.actual[i]), Number(rows.predicted[i]));
    const m = regressionMetrics(sums, features);
    return finite({ mae: m.mae, rmse: m.rmse, mape: m.mape, r2: m.r2, adjusted_r2: m.adjustedR2 });
  }
  const names = [...new Set([...rows.actual.slice(0, n), ...rows.predicted.slice(0, n)].map(String))].sort();
  const index = new Map(names.map((c, i) => [c, i]));
  const cm = new ConfusionMatrix(names.length);
  for (let i = 0; i < n; i++) cm.add(index.get(String(rows.actual[i])) as number, index.get(String(rows.predicted[i])) as number);
  if (positiveClass !== undefined && index.has(positiveClass)) {
    const b = binaryMetrics(cm, index.get(positiveClass) as number);
    const out: Record<string, number> = { accuracy: b.accuracy, precision: b.precision, recall: b.recall, f1: b.f1 };
    if (rows.scores && rows.scores.length === n) {
      const h = new ScoreHistogram({ bins: 1000 });
      for (let i = 0; i < n; i++) h.add(rows.scores[i] as number, String(rows.actual[i]) === positiveClass);
      if (h.positiveTotal() > 0 && h.negativeTotal() > 0) {
        const auc = rocAuc(h).auc;
        out.roc_auc = auc;
        out.gini = 2 * auc - 1;
      }
    }
    return finite(out);
  }
  const m = multiclassMetrics(cm);
  return finite({ accuracy: m.accuracy, macro_f1: m.macroF1 });
}

function finite(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => Number.isFinite(v)));
}
