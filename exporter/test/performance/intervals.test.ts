import { describe, expect, it } from 'vitest';
import { ConfusionMatrix, multiclassMetrics } from '../../src/performance/classification.js';
import {
  brierInterval,
  f1Interval,
  ksInterval,
  logLossInterval,
  macroF1Interval,
  maeInterval,
  mapeInterval,
  meanInterval,
  medianAbsoluteErrorInterval,
  normalInterval,
  r2Interval,
  rmseInterval,
  rocAucInterval,
  wilsonInterval,
  withInterval,
  type Interval,
} from '../../src/performance/intervals.js';
import { normalQuantile, twoSidedZ } from '../../src/performance/normal-quantile.js';
import { RegressionSums } from '../../src/performance/regression.js';
import { ProbabilityLossSums, ScoreHistogram } from '../../src/performance/scores.js';
import { normalCdf } from '../../src/stats/normal.js';
import { SeededRandom } from '../../src/stats/random.js';
import { expectStat } from '../stats/fixtures.js';
import { fixtures } from './fixtures.js';

function covers(i: Interval, truth: number): boolean {
  return i.lower <= truth && truth <= i.upper;
}

/** Draws a category from cumulative probabilities. */
function draw(rng: SeededRandom, cumulative: readonly number[]): number {
  const u = rng.next();
  for (let k = 0; k < cumulative.length; k++) if (u < (cumulative[k] as number)) return k;
  return cumulative.length - 1;
}

function cumulative(p: readonly number[]): number[] {
  let s = 0;
  return p.map((v) => (s += v));
}

describe('normal quantile against scipy.stats.norm.ppf', () => {
  it('matches to ~1e-15 relative, tails included', () => {
    for (const { p, z } of fixtures().normalQuantile) expectStat(normalQuantile(p), z, `ppf(${p})`, 1e-14);
    expect(twoSidedZ(0.95)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(() => twoSidedZ(1)).toThrow(RangeError);
  });
});

describe('interval helpers by hand', () => {
  it('Wilson: 0 of 10 at 95% gives [0, z^2 / (10 + z^2)]', () => {
    const z = twoSidedZ(0.95);
    const i = wilsonInterval(0, 10);
    expect(i.value).toBe(0);
    expect(i.lower).toBe(0);
    expect(i.upper).toBeCloseTo((z * z) / (10 + z * z), 14);
    expect(wilsonInterval(0, 0).value).toBeNaN();
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
  });

  it('mean interval: values 1, 2, 3, 4 give 2.5 +- z sqrt(5/3 / 4)', () => {
    const z = twoSidedZ(0.95);
    const i = meanInterval(4, 10, 30);
    expect(i.value).toBe(2.5);
    expect(i.lower).toBeCloseTo(2.5 - z * Math.sqrt(5 / 3 / 4), 14);
    expect(i.upper).toBeCloseTo(2.5 + z * Math.sqrt(5 / 3 / 4), 14);
    expect(meanInterval(1, 3, 9).lower).toBeNaN();
    expect(meanInterval(0, 0, 0).value).toBeNaN();
    expect(normalInterval(0.1, 0.2, 0.95, 0, 1).lower).toBe(0);
    expect(normalInterval(0.1, Number.NaN).upper).toBeNaN();
    expect(withInterval(1, 0, 2)).toEqual({ value: 1, lower: 0, upper: 2 });
  });

  it('RMSE delta method: errors 1, -1, 3, -3 (MSE 5, var of e^2 = 64/3) give sqrt 5 +- z sqrt(64/3/4) / (2 sqrt 5)', () => {
    const s = new RegressionSums();
    for (const e of [1, -1, 3, -3]) s.add(10, 10 + e);
    const z = twoSidedZ(0.95);
    const i = rmseInterval(s);
    const se = Math.sqrt(64 / 3 / 4) / (2 * Math.sqrt(5));
    expect(i.value).toBeCloseTo(Math.sqrt(5), 14);
    expect(i.lower).toBeCloseTo(Math.sqrt(5) - z * se, 13);
    expect(i.upper).toBeCloseTo(Math.sqrt(5) + z * se, 13);
  });

  it('median order statistics: m = 100 at 95% uses ranks 40 and 61', () => {
    const sample = Array.from({ length: 100 }, (_, i) => -(i + 1));
    const i = medianAbsoluteErrorInterval(sample);
    // floor(50 - 1.96 * 10 / 2) = 40, ceil(1 + 50 + 9.8) = 61 (1-based) of |e| = 1..100.
    expect([i.value, i.lower, i.upper]).toEqual([50.5, 40, 61]);
    expect(medianAbsoluteErrorInterval([]).value).toBeNaN();
  });
});

describe('coverage of the intervals by simulation (seeded)', () => {
  it('Wilson interval of a proportion: ~95%', () => {
    const rng = new SeededRandom(11);
    for (const [p, n] of [
      [0.9, 100],
      [0.3, 40],
      [0.6, 500],
    ] as const) {
      let covered = 0;
      const runs = 2000;
      for (let run = 0; run < runs; run++) {
        let k = 0;
        for (let i = 0; i < n; i++) if (rng.next() < p) k++;
        if (covers(wilsonInterval(k, n), p)) covered++;
      }
      expect(covered / runs, `p ${p} n ${n}`).toBeGreaterThan(0.93);
      expect(covered / runs, `p ${p} n ${n}`).toBeLessThan(0.97);
    }
  });

  it('DeLong interval of the ROC AUC from a 1000-bin histogram: ~95% (binormal, AUC = Phi(mu / sqrt 2))', () => {
    const rng = new SeededRandom(12);
    const mu = 1.2;
    const truth = normalCdf(mu / Math.SQRT2);
    let covered = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const h = new ScoreHistogram();
      // A sigmoid maps the binormal scores into [0, 1] without changing their order (the AUC).
      for (let i = 0; i < 60; i++) h.add(1 / (1 + Math.exp(-(rng.normal() + mu))), true);
      for (let i = 0; i < 90; i++) h.add(1 / (1 + Math.exp(-rng.normal())), false);
      if (covers(rocAucInterval(h), truth)) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.97);
  });

  it('KS interval at the maximising threshold: close to 95% for clearly separated classes (KS = 2 Phi(mu / 2) - 1)', () => {
    const rng = new SeededRandom(13);
    const mu = 1.5;
    const truth = 2 * normalCdf(mu / 2) - 1;
    let covered = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const h = new ScoreHistogram();
      for (let i = 0; i < 200; i++) h.add(1 / (1 + Math.exp(-(rng.normal() + mu))), true);
      for (let i = 0; i < 200; i++) h.add(1 / (1 + Math.exp(-rng.normal())), false);
      if (covers(ksInterval(h), truth)) covered++;
    }
    // Documented as optimistic (the maximum is biased upward); measured coverage stays above 85%.
    expect(covered / runs).toBeGreaterThan(0.85);
    expect(covered / runs).toBeLessThan(0.98);
  });

  it('F1 delta-method interval: ~95% (cells TN .5, FP .1, FN .1, TP .3, F1 = 0.75)', () => {
    const rng = new SeededRandom(14);
    const cells = cumulative([0.5, 0.1, 0.1, 0.3]);
    let covered = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const cm = new ConfusionMatrix(2);
      for (let i = 0; i < 400; i++) {
        const c = draw(rng, cells);
        cm.add(c >> 1, c & 1);
      }
      if (covers(f1Interval(cm, 1), 0.75)) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.97);
  });

  it('macro-F1 delta-method interval: ~95% (3 classes, population macro-F1 from the cell probabilities)', () => {
    const rng = new SeededRandom(15);
    const p = [0.25, 0.04, 0.03, 0.05, 0.2, 0.05, 0.02, 0.06, 0.3];
    const truth = multiclassMetrics(ConfusionMatrix.fromCounts(3, p)).macroF1;
    const cells = cumulative(p);
    let covered = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const cm = new ConfusionMatrix(3);
      for (let i = 0; i < 500; i++) {
        const c = draw(rng, cells);
        cm.add(Math.floor(c / 3), c % 3);
      }
      if (covers(macroF1Interval(cm), truth)) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.97);
  });

  it('MAE, RMSE, MAPE and R^2 intervals: ~95% (y = x + e, prediction x, e ~ N(0, 0.25))', () => {
    const rng = new SeededRandom(16);
    const sigma = 0.5;
    // Population values: E|e| = sigma sqrt(2 / pi); RMSE = sigma; R^2 = 1 - sigma^2 / (1 + sigma^2) for x ~ N(0, 1);
    // MAPE on y = 1.5 + u, u ~ U(0, 1), e ~ N(0, 0.01): E|e| E[1 / y] = 0.1 sqrt(2 / pi) ln(2.5 / 1.5).
    const truthMae = sigma * Math.sqrt(2 / Math.PI);
    const truthR2 = 1 - (sigma * sigma) / (1 + sigma * sigma);
    const truthMape = 0.1 * Math.sqrt(2 / Math.PI) * Math.log(2.5 / 1.5);
    const covered = { mae: 0, rmse: 0, r2: 0, mape: 0 };
    const runs = 800;
    for (let run = 0; run < runs; run++) {
      const s = new RegressionSums();
      for (let i = 0; i < 300; i++) {
        const x = rng.normal();
        s.add(x + sigma * rng.normal(), x);
      }
      const m = new RegressionSums(2);
      for (let i = 0; i < 300; i++) {
        const y = 1.5 + rng.next();
        m.add(y, y + 0.1 * rng.normal());
      }
      if (covers(maeInterval(s), truthMae)) covered.mae++;
      if (covers(rmseInterval(s), sigma)) covered.rmse++;
      if (covers(r2Interval(s), truthR2)) covered.r2++;
      if (covers(mapeInterval(m), truthMape)) covered.mape++;
    }
    for (const [name, count] of Object.entries(covered)) {
      expect(count / runs, name).toBeGreaterThan(0.925);
      expect(count / runs, name).toBeLessThan(0.975);
    }
  });

  it('log loss and Brier intervals: ~95% (calibrated forecasts p ~ U(0.1, 0.9), y ~ Bernoulli(p))', () => {
    // E[Brier] = E[p (1 - p)] = (1 / 0.8) [p^2 / 2 - p^3 / 3] from 0.1 to 0.9; E[log loss] = E[entropy(p)], by the
    // midpoint rule on 100,000 points.
    const truthBrier = (1 / 0.8) * ((0.9 ** 2 / 2 - 0.9 ** 3 / 3) - (0.1 ** 2 / 2 - 0.1 ** 3 / 3));
    let entropy = 0;
    const steps = 100_000;
    for (let k = 0; k < steps; k++) {
      const p = 0.1 + (0.8 * (k + 0.5)) / steps;
      entropy += -p * Math.log(p) - (1 - p) * Math.log(1 - p);
    }
    const truthLogLoss = entropy / steps;
    const rng = new SeededRandom(17);
    let coveredBrier = 0;
    let coveredLog = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const s = new ProbabilityLossSums();
      for (let i = 0; i < 300; i++) {
        const p = 0.1 + 0.8 * rng.next();
        s.add(rng.next() < p, p);
      }
      if (covers(brierInterval(s), truthBrier)) coveredBrier++;
      if (covers(logLossInterval(s), truthLogLoss)) coveredLog++;
    }
    for (const c of [coveredBrier, coveredLog]) {
      expect(c / runs).toBeGreaterThan(0.93);
      expect(c / runs).toBeLessThan(0.97);
    }
  });

  it('median absolute error interval: at least 95% (|e|, e ~ N(0, 1), median Phi^-1(0.75))', () => {
    const rng = new SeededRandom(18);
    const truth = normalQuantile(0.75);
    let covered = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const sample = Array.from({ length: 200 }, () => rng.normal());
      if (covers(medianAbsoluteErrorInterval(sample), truth)) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.94);
    expect(covered / runs).toBeLessThan(0.985);
  });
});
