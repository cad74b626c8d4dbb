import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from '../../src/performance/classification.js';
import * as performance from '../../src/performance/index.js';
import {
  accuracyInterval,
  f1Interval,
  giniInterval,
  ksInterval,
  logLossInterval,
  macroF1Interval,
  medianAbsoluteErrorInterval,
  rocAucInterval,
} from '../../src/performance/intervals.js';
import { RegressionSums } from '../../src/performance/regression.js';
import { binaryPerformance, multiclassPerformance, regressionPerformance } from '../../src/performance/report.js';
import { ProbabilityLossSums, ScoreHistogram } from '../../src/performance/scores.js';
import { SeededRandom } from '../../src/stats/random.js';

describe('performance reports keyed by metric label', () => {
  it('binary: every metric present with the interval of its module', () => {
    const rng = new SeededRandom(9);
    const cm = new ConfusionMatrix(2);
    const h = new ScoreHistogram();
    const l = new ProbabilityLossSums();
    for (let i = 0; i < 400; i++) {
      const y = rng.next() < 0.3;
      const p = Math.min(1, Math.max(0, (y ? 0.65 : 0.35) + 0.3 * (rng.next() - 0.5)));
      cm.add(y ? 1 : 0, p >= 0.5 ? 1 : 0);
      h.add(p, y);
      l.add(y, p);
    }
    const r = binaryPerformance({ confusion: cm, scores: h, losses: l });
    expect(Object.keys(r).sort()).toEqual(['accuracy', 'brier', 'f1', 'gini', 'ks', 'log_loss', 'precision', 'recall', 'roc_auc']);
    expect(r.accuracy).toEqual(accuracyInterval(cm));
    expect(r.f1).toEqual(f1Interval(cm, 1));
    expect(r.roc_auc).toEqual(rocAucInterval(h));
    expect(r.gini).toEqual(giniInterval(h));
    expect(r.ks).toEqual(ksInterval(h));
    expect(r.log_loss).toEqual(logLossInterval(l));
    for (const i of Object.values(r)) expect(i.lower <= i.value && i.value <= i.upper).toBe(true);
    expect(Object.keys(binaryPerformance({ confusion: cm })).sort()).toEqual(['accuracy', 'f1', 'precision', 'recall']);
  });

  it('multiclass and regression', () => {
    const cm = ConfusionMatrix.fromCounts(3, [20, 3, 1, 2, 15, 4, 0, 5, 30]);
    expect(multiclassPerformance(cm)).toEqual({ accuracy: accuracyInterval(cm), macro_f1: macroF1Interval(cm) });
    const s = new RegressionSums();
    const errors: number[] = [];
    const rng = new SeededRandom(4);
    for (let i = 0; i < 100; i++) {
      const y = 5 + rng.normal();
      const p = y + 0.3 * rng.normal();
      s.add(y, p);
      errors.push(Math.abs(p - y));
    }
    const r = regressionPerformance(s, { features: 2, absoluteErrors: errors });
    expect(Object.keys(r).sort()).toEqual(['adjusted_r2', 'mae', 'mape', 'median_ae', 'r2', 'rmse']);
    expect(r.median_ae).toEqual(medianAbsoluteErrorInterval(errors));
    expect(Object.keys(regressionPerformance(s)).sort()).toEqual(['mae', 'mape', 'r2', 'rmse']);
  });

  it('the index re-exports the modules', () => {
    expect(performance.ConfusionMatrix).toBe(ConfusionMatrix);
    expect(typeof performance.fitIsotonic).toBe('function');
    expect(typeof performance.PageHinkley).toBe('function');
  });
});
