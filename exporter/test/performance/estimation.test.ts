import { describe, expect, it } from 'vitest';
import { fitIsotonic, isotonicCalibrator } from '../../src/performance/calibration.js';
import { binaryMetrics, ConfusionMatrix } from '../../src/performance/classification.js';
import { estimatedBinaryMetrics, estimatedRocAuc, ExpectedConfusion, ExpectedScoreHistogram } from '../../src/performance/estimation.js';
import type { Interval } from '../../src/performance/intervals.js';
import { estimatedBinaryPerformance } from '../../src/performance/report.js';
import { rocAuc, ScoreHistogram } from '../../src/performance/scores.js';
import { SeededRandom } from '../../src/stats/random.js';
import { expectStat } from '../stats/fixtures.js';
import { fixtures } from './fixtures.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('expected confusion matrix with sklearn-calibrated probabilities', () => {
  it('matches the fixture (isotonic fit on the reference, expected cells on the current scores)', () => {
    const c = fixtures().cbpe;
    const calibrate = isotonicCalibrator(fitIsotonic(c.referenceScores, c.referenceLabels));
    const e = new ExpectedConfusion();
    c.currentScores.forEach((s, i) => {
      const p = calibrate(s);
      expectStat(p, c.calibrated[i] as number, `calibrated[${i}]`, 1e-12);
      e.add(p, s >= c.threshold);
    });
    expectStat(e.truePositives, c.truePositives, 'TP', 1e-10);
    expectStat(e.falsePositives, c.falsePositives, 'FP', 1e-10);
    expectStat(e.falseNegatives, c.falseNegatives, 'FN', 1e-10);
    expectStat(e.trueNegatives, c.trueNegatives, 'TN', 1e-10);
    const m = estimatedBinaryMetrics(e);
    expectStat(m.accuracy.value, c.accuracy, 'accuracy', 1e-12);
    expectStat(m.precision.value, c.precision, 'precision', 1e-12);
    expectStat(m.recall.value, c.recall, 'recall', 1e-12);
    expectStat(m.f1.value, c.f1, 'f1', 1e-12);
  });

  it('is additive and serialisable', () => {
    const rng = new SeededRandom(3);
    const whole = new ExpectedConfusion();
    const parts = [new ExpectedConfusion(), new ExpectedConfusion(), new ExpectedConfusion()];
    for (let i = 0; i < 300; i++) {
      const p = rng.next();
      const yhat = rng.next() < 0.4;
      whole.add(p, yhat);
      (parts[i % 3] as ExpectedConfusion).add(p, yhat);
    }
    const merged = parts.reduce((acc, part) => acc.merge(part), new ExpectedConfusion());
    const a = estimatedBinaryMetrics(merged);
    const b = estimatedBinaryMetrics(whole);
    for (const key of ['accuracy', 'precision', 'recall', 'f1'] as const) {
      expectStat(a[key].value, b[key].value, key, 1e-12);
      expectStat(a[key].lower, b[key].lower, `${key} lower`, 1e-12);
    }
    const back = ExpectedConfusion.fromJSON(JSON.parse(JSON.stringify(whole.toJSON())) as Record<string, number>);
    expect(back.toJSON()).toEqual(whole.toJSON());
    expect(whole.clone().total).toBe(300);
    expect(whole.add(1.5, true)).toBe(false);
    whole.reset();
    expect(estimatedBinaryMetrics(whole).accuracy.value).toBeNaN();
  });
});

describe('expected ROC AUC', () => {
  it('equals the direct definition sum_{i != j} p_i (1 - p_j) h(s_i, s_j) / sum_{i != j} p_i (1 - p_j)', () => {
    const scores = [0.12, 0.33, 0.33, 0.5, 0.71, 0.9, 0.05];
    const probs = [0.1, 0.4, 0.2, 0.5, 0.7, 0.95, 0.3];
    let num = 0;
    let den = 0;
    for (let i = 0; i < scores.length; i++) {
      for (let j = 0; j < scores.length; j++) {
        if (i === j) continue;
        const w = (probs[i] as number) * (1 - (probs[j] as number));
        const si = scores[i] as number;
        const sj = scores[j] as number;
        num += w * (si > sj ? 1 : si === sj ? 0.5 : 0);
        den += w;
      }
    }
    const h = new ExpectedScoreHistogram();
    scores.forEach((s, i) => h.add(s, probs[i] as number));
    expectStat(estimatedRocAuc(h).value, num / den, 'expected AUC', 1e-14);
  });

  it('reduces to the realized AUC for 0/1 probabilities; merges like the realized histogram', () => {
    const rng = new SeededRandom(8);
    const e = new ExpectedScoreHistogram();
    const r = new ScoreHistogram();
    const parts = [new ExpectedScoreHistogram(), new ExpectedScoreHistogram()];
    for (let i = 0; i < 500; i++) {
      const y = rng.next() < 0.4;
      const s = sigmoid(rng.normal() + (y ? 1 : 0));
      e.add(s, y ? 1 : 0);
      r.add(s, y);
      (parts[i % 2] as ExpectedScoreHistogram).add(s, y ? 1 : 0);
    }
    expect(estimatedRocAuc(e).value).toBeCloseTo(rocAuc(r).auc, 14);
    const merged = parts[0]!.clone().merge(parts[1]!);
    expect(estimatedRocAuc(merged)).toEqual(estimatedRocAuc(e));
    const back = ExpectedScoreHistogram.fromJSON(JSON.parse(JSON.stringify(e.toJSON())) as ReturnType<ExpectedScoreHistogram['toJSON']>);
    expect(estimatedRocAuc(back)).toEqual(estimatedRocAuc(e));
    e.reset();
    expect(estimatedRocAuc(e).value).toBeNaN();
    expect(e.add(Number.NaN, 0.5)).toBe(false);
  });
});

describe('CBPE under covariate shift (simulation with a known P(y | x))', () => {
  // Truth: P(y = 1 | x) = sigmoid(1.5 x - 0.3). The model scores s = sigmoid(0.8 x) (right ranking, wrong
  // probabilities) and predicts 1 when s >= 0.5. The calibration is fitted on reference data x ~ N(0, 1); the
  // current windows move x to N(mu, 1), which changes accuracy but not P(y | x): the estimate must follow.
  const truth = (x: number): number => sigmoid(1.5 * x - 0.3);
  const score = (x: number): number => sigmoid(0.8 * x);

  /** E over x ~ N(mu, 1) of P(prediction correct | x), by the midpoint rule on [mu - 10, mu + 10]. */
  const populationAccuracy = (mu: number): number => {
    const steps = 200_000;
    const width = 20 / steps;
    let sum = 0;
    for (let k = 0; k < steps; k++) {
      const x = mu - 10 + (k + 0.5) * width;
      const density = Math.exp(-((x - mu) ** 2) / 2) / Math.sqrt(2 * Math.PI);
      sum += density * (x >= 0 ? truth(x) : 1 - truth(x)) * width;
    }
    return sum;
  };

  it('the estimates track the realized accuracy, precision, recall, F1 and AUC within their intervals', () => {
    const rng = new SeededRandom(2025);
    const refScores: number[] = [];
    const refLabels: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = rng.normal();
      refScores.push(score(x));
      refLabels.push(rng.next() < truth(x) ? 1 : 0);
    }
    const calibrate = isotonicCalibrator(fitIsotonic(refScores, refLabels));
    const shifts = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
    const windowsPerShift = 20;
    const names = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc'] as const;
    const covered: Record<(typeof names)[number], number> = { accuracy: 0, precision: 0, recall: 0, f1: 0, roc_auc: 0 };
    const meanRealized: number[] = [];
    const meanEstimated: number[] = [];
    for (const mu of shifts) {
      let realizedSum = 0;
      let estimatedSum = 0;
      for (let w = 0; w < windowsPerShift; w++) {
        const expected = new ExpectedConfusion();
        const expectedScores = new ExpectedScoreHistogram();
        const cm = new ConfusionMatrix(2);
        const realizedScores = new ScoreHistogram();
        for (let i = 0; i < 1000; i++) {
          const x = mu + rng.normal();
          const s = score(x);
          const p = calibrate(s);
          const yhat = s >= 0.5;
          const y = rng.next() < truth(x);
          expected.add(p, yhat);
          expectedScores.add(s, p);
          cm.add(y ? 1 : 0, yhat ? 1 : 0);
          realizedScores.add(s, y);
        }
        const realized = binaryMetrics(cm, 1);
        const est = estimatedBinaryPerformance(expected, expectedScores);
        const actual = { accuracy: realized.accuracy, precision: realized.precision, recall: realized.recall, f1: realized.f1, roc_auc: rocAuc(realizedScores).auc };
        for (const name of names) {
          const i = est[name] as Interval;
          if (i.lower <= actual[name] && actual[name] <= i.upper) covered[name]++;
        }
        realizedSum += realized.accuracy;
        estimatedSum += (est.accuracy as Interval).value;
      }
      meanRealized.push(realizedSum / windowsPerShift);
      meanEstimated.push(estimatedSum / windowsPerShift);
    }
    const windows = shifts.length * windowsPerShift;
    // The intervals (95%, labels as Bernoulli(p)) leave out the calibration error; they still cover >= 90%.
    for (const name of names) expect(covered[name] / windows, name).toBeGreaterThanOrEqual(0.9);
    // The shift moves the realized accuracy by several points. Per shift (20,000 records), the mean estimate is
    // within 0.006 of the population accuracy E[acc | mu] (integrated below; the calibration map's own sampling
    // error, ~0.003 from 20,000 reference rows, dominates) and within 0.015 of the mean realized accuracy (which
    // adds the labels' noise, sd ~0.003).
    expect(Math.max(...meanRealized) - Math.min(...meanRealized)).toBeGreaterThan(0.1);
    shifts.forEach((mu, k) => {
      expect(Math.abs((meanEstimated[k] as number) - populationAccuracy(mu)), `shift ${mu} vs population`).toBeLessThan(0.006);
      expect(Math.abs((meanEstimated[k] as number) - (meanRealized[k] as number)), `shift ${mu} vs realized`).toBeLessThan(0.015);
    });
  });
});
