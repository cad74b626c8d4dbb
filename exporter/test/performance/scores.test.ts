import { describe, expect, it } from 'vitest';
import { rocAucInterval, rocAucVariance } from '../../src/performance/intervals.js';
import {
  brierScore,
  giniFromAuc,
  ksSeparation,
  LEGACY_LOG_LOSS_EPS,
  logLoss,
  ProbabilityLossSums,
  recordLogLoss,
  rocAuc,
  rocAucFromCounts,
  ScoreHistogram,
} from '../../src/performance/scores.js';
import { SeededRandom } from '../../src/stats/random.js';
import { expectStat } from '../stats/fixtures.js';
import { fixtures, num, unevenSplits, type ScoresCase } from './fixtures.js';

function histogramOf(c: ScoresCase, from = 0, to = c.scores.length, bins?: number): ScoreHistogram {
  const h = new ScoreHistogram(bins === undefined ? {} : { bins });
  for (let i = from; i < to; i++) h.add(c.scores[i] as number, c.labels[i] === 1);
  return h;
}

function lossesOf(c: ScoresCase, eps?: number, from = 0, to = c.scores.length): ProbabilityLossSums {
  const s = new ProbabilityLossSums(eps);
  for (let i = from; i < to; i++) expect(s.add(c.labels[i] === 1, c.scores[i] as number)).toBe(true);
  return s;
}

describe('ROC AUC, Gini and KS from score histograms against sklearn / scipy', () => {
  for (const c of fixtures().scores) {
    it(c.name, () => {
      const h = histogramOf(c);
      const auc = rocAuc(h);
      const ks = ksSeparation(h);
      if (c.rocAuc === null) {
        expect(auc.auc).toBeNaN();
        expect(ks.statistic).toBeNaN();
        expect(rocAucInterval(h).lower).toBeNaN();
        return;
      }
      if (c.exactGrid) {
        // Scores on a grid coarser than the 1000 bins: one distinct score per bin, so binning loses nothing (the
        // bounds stay positive: they cannot tell exact ties, scored exactly, from distinct scores in a bin).
        expectStat(auc.auc, c.rocAuc, 'auc', 1e-12);
        expectStat(giniFromAuc(auc.auc), 2 * c.rocAuc - 1, 'gini', 1e-12);
        expectStat(ks.statistic, num(c.ks), 'ks', 1e-12);
        expectStat(rocAucVariance(h), num(c.delongVariance), 'DeLong variance', 1e-12);
      } else {
        // The a-posteriori bounds hold and are small at 1000 bins.
        expect(Math.abs(auc.auc - c.rocAuc)).toBeLessThanOrEqual(auc.errorBound + 1e-12);
        expect(auc.errorBound).toBeLessThan(1e-3);
        const exactKs = num(c.ks);
        expect(ks.statistic).toBeLessThanOrEqual(exactKs + 1e-12);
        expect(exactKs - ks.statistic).toBeLessThanOrEqual(ks.errorBound + 1e-12);
        expect(ks.errorBound).toBeLessThan(0.01);
        const v = num(c.delongVariance);
        if (v === 0) expect(rocAucVariance(h)).toBe(0);
        else expect(Math.abs(rocAucVariance(h) - v) / v).toBeLessThan(0.02);
      }
      expect(Math.abs(auc.auc - c.rocAuc)).toBeLessThanOrEqual(auc.errorBound + 1e-12);
      expect(ks.tpr - ks.fpr).toBeCloseTo(ks.signedDifference, 12);
      expect(Math.abs(ks.signedDifference)).toBe(ks.statistic);
    });
  }

  it('errors shrink with finer bins on continuous scores (|binned - exact| <= bound ~ 1 / (2 bins))', () => {
    const c = fixtures().scores.find((s) => s.name === 'continuous') as ScoresCase;
    let previous = Number.POSITIVE_INFINITY;
    for (const bins of [10, 100, 1000, 10000]) {
      const r = rocAuc(histogramOf(c, 0, c.scores.length, bins));
      expect(Math.abs(r.auc - (c.rocAuc as number))).toBeLessThanOrEqual(r.errorBound + 1e-12);
      expect(r.errorBound).toBeLessThan(previous);
      expect(r.errorBound).toBeLessThanOrEqual(1 / (2 * bins) + 1e-12);
      previous = r.errorBound;
    }
  });

  it('Mann-Whitney by hand: positives {0.9, 0.5}, negatives {0.5, 0.1} give (1 + 1 + 1/2 + 1) / 4', () => {
    const h = new ScoreHistogram({ bins: 10 });
    h.add(0.95, true);
    h.add(0.55, true);
    h.add(0.55, false);
    h.add(0.15, false);
    expect(rocAuc(h).auc).toBe(3.5 / 4);
    expect(rocAucFromCounts([0, 1, 1], [1, 1, 0]).auc).toBe(3.5 / 4);
    // KS: F- - F+ is 1/2 above 0.15 (F- = 1/2, F+ = 0) and above 0.55 (1 - 1/2); TPR - FPR = 1/2 there.
    expect(ksSeparation(h).statistic).toBe(0.5);
  });

  it('clamps scores outside [min, max] into the end bins, ignores NaN', () => {
    const h = new ScoreHistogram({ bins: 4 });
    expect(h.binOf(-3)).toBe(0);
    expect(h.binOf(1)).toBe(3);
    expect(h.binOf(7)).toBe(3);
    expect(h.add(Number.NaN, true)).toBe(false);
    expect(h.positiveTotal()).toBe(0);
    expect(() => new ScoreHistogram({ bins: 0 })).toThrow(RangeError);
    expect(() => new ScoreHistogram({ min: 1, max: 1 })).toThrow(RangeError);
  });
});

describe('log loss and Brier score against sklearn', () => {
  for (const c of fixtures().scores) {
    it(c.name, () => {
      expectStat(logLoss(lossesOf(c)), c.logLoss, 'log loss (eps = 2^-52, sklearn >= 1.2)', 1e-12);
      expectStat(logLoss(lossesOf(c, LEGACY_LOG_LOSS_EPS)), c.logLossLegacy, 'log loss (eps = 1e-15)', 1e-12);
      expectStat(brierScore(lossesOf(c)), c.brier, 'brier', 1e-12);
    });
  }

  it('clips probabilities 0 and 1 at eps', () => {
    expect(recordLogLoss(true, 0)).toBeCloseTo(-Math.log(Number.EPSILON), 12);
    expect(recordLogLoss(false, 1)).toBeCloseTo(-Math.log(Number.EPSILON), 12);
    expect(recordLogLoss(true, 1)).toBe(-Math.log(1 - Number.EPSILON));
    const s = new ProbabilityLossSums();
    expect(s.add(true, 1.2)).toBe(false);
    expect(s.add(true, Number.NaN)).toBe(false);
    expect(s.count).toBe(0);
    expect(logLoss(s)).toBeNaN();
    expect(brierScore(s)).toBeNaN();
  });
});

describe('score aggregates are additive', () => {
  it('merging slice histograms and loss sums equals aggregating all records', () => {
    for (const c of fixtures().scores) {
      const whole = histogramOf(c);
      const merged = new ScoreHistogram();
      const wholeLoss = lossesOf(c);
      const mergedLoss = new ProbabilityLossSums();
      for (const [a, b] of unevenSplits(c.scores.length, 6)) {
        merged.merge(histogramOf(c, a, b));
        mergedLoss.merge(lossesOf(c, undefined, a, b));
      }
      expect(Array.from(merged.positive)).toEqual(Array.from(whole.positive));
      expect(Array.from(merged.negative)).toEqual(Array.from(whole.negative));
      expect(rocAuc(merged)).toEqual(rocAuc(whole));
      expect(ksSeparation(merged)).toEqual(ksSeparation(whole));
      expectStat(logLoss(mergedLoss), logLoss(wholeLoss), 'log loss', 1e-13);
      expectStat(brierScore(mergedLoss), brierScore(wholeLoss), 'brier', 1e-13);
      expect(mergedLoss.count).toBe(wholeLoss.count);
    }
  });

  it('round-trips through JSON and rejects incompatible merges', () => {
    const rng = new SeededRandom(5);
    const h = new ScoreHistogram({ bins: 50 });
    for (let i = 0; i < 100; i++) h.add(rng.next(), rng.next() < 0.5);
    const back = ScoreHistogram.fromJSON(JSON.parse(JSON.stringify(h)) as ReturnType<ScoreHistogram['toJSON']>);
    expect(rocAuc(back)).toEqual(rocAuc(h));
    const clone = h.clone();
    h.reset();
    expect(h.positiveTotal() + h.negativeTotal()).toBe(0);
    expect(clone.positiveTotal() + clone.negativeTotal()).toBe(100);
    expect(() => h.merge(new ScoreHistogram({ bins: 51 }))).toThrow(RangeError);
    const s = new ProbabilityLossSums();
    s.add(true, 0.3);
    const s2 = ProbabilityLossSums.fromJSON(JSON.parse(JSON.stringify(s)) as ReturnType<ProbabilityLossSums['toJSON']>);
    expect(logLoss(s2)).toBe(logLoss(s));
    expect(() => s.merge(new ProbabilityLossSums(LEGACY_LOG_LOSS_EPS))).toThrow(RangeError);
  });
});
