import { describe, expect, it } from 'vitest';
import { binaryMetrics, classMetrics, ConfusionMatrix, multiclassMetrics } from '../../src/performance/classification.js';
import { accuracyInterval, f1Interval, f1Variance, macroF1Variance, precisionInterval, recallInterval } from '../../src/performance/intervals.js';
import { expectStat } from '../stats/fixtures.js';
import { fixtures, num, unevenSplits, type ClassificationCase } from './fixtures.js';

function matrixOf(c: ClassificationCase, from = 0, to = c.actual.length): ConfusionMatrix {
  const cm = new ConfusionMatrix(c.classes);
  for (let i = from; i < to; i++) cm.add(c.actual[i] as number, c.predicted[i] as number);
  return cm;
}

describe('confusion-matrix metrics against sklearn 1.2 (zero_division="warn" -> 0)', () => {
  for (const c of fixtures().classification) {
    it(c.name, () => {
      const cm = matrixOf(c);
      expect(Array.from(cm.counts)).toEqual(c.confusion);
      const m = multiclassMetrics(cm);
      expectStat(m.accuracy, num(c.accuracy), 'accuracy', 1e-12);
      for (let k = 0; k < c.classes; k++) {
        expectStat(m.perClass[k]!.precision, c.perClass.precision[k]!, `precision ${k}`, 1e-12);
        expectStat(m.perClass[k]!.recall, c.perClass.recall[k]!, `recall ${k}`, 1e-12);
        expectStat(m.perClass[k]!.f1, c.perClass.f1[k]!, `f1 ${k}`, 1e-12);
        expect(m.perClass[k]!.support).toBe(c.perClass.support[k]);
      }
      expectStat(m.macroPrecision, num(c.macroPresent.precision), 'macro precision', 1e-12);
      expectStat(m.macroRecall, num(c.macroPresent.recall), 'macro recall', 1e-12);
      expectStat(m.macroF1, num(c.macroPresent.f1), 'macro f1', 1e-12);
      const all = multiclassMetrics(cm, { labels: 'all' });
      expectStat(all.macroPrecision, num(c.macroAll.precision), 'macro precision (all labels)', 1e-12);
      expectStat(all.macroRecall, num(c.macroAll.recall), 'macro recall (all labels)', 1e-12);
      expectStat(all.macroF1, num(c.macroAll.f1), 'macro f1 (all labels)', 1e-12);
      if (c.binary) {
        const b = binaryMetrics(cm, c.positiveClass);
        expectStat(b.precision, c.binary.precision, 'binary precision', 1e-12);
        expectStat(b.recall, c.binary.recall, 'binary recall', 1e-12);
        expectStat(b.f1, c.binary.f1, 'binary f1', 1e-12);
        expect(b.truePositives + b.falsePositives + b.falseNegatives + b.trueNegatives).toBe(c.actual.length);
      }
    });
  }
});

describe('Wilson intervals and F1 delta-method variances', () => {
  for (const c of fixtures().classification) {
    it(c.name, () => {
      const cm = matrixOf(c);
      const pairs: [string, { lower: number; upper: number }, [number, number] | null][] = [
        ['accuracy 95%', accuracyInterval(cm), c.wilson.accuracy95],
        ['accuracy 90%', accuracyInterval(cm, 0.9), c.wilson.accuracy90],
        ['precision 95%', precisionInterval(cm, c.positiveClass), c.wilson.precision95],
        ['recall 95%', recallInterval(cm, c.positiveClass), c.wilson.recall95],
      ];
      for (const [label, got, want] of pairs) {
        if (want === null) {
          expect(got.lower, label).toBeNaN();
          expect(got.upper, label).toBeNaN();
        } else {
          expectStat(got.lower, want[0], `${label} lower`, 1e-12);
          expectStat(got.upper, want[1], `${label} upper`, 1e-12);
        }
      }
      // The fixture differentiates sklearn's weighted f1_score numerically (central differences, h = 1e-6).
      const m = classMetrics(cm, c.positiveClass);
      const v = f1Variance(m.truePositives, m.predicted - m.truePositives, m.support - m.truePositives);
      if (c.f1Variance === null) expect(v).toBeNaN();
      else expect(Math.abs(v - c.f1Variance)).toBeLessThanOrEqual(1e-6 * c.f1Variance + 1e-12);
      const present = macroF1Variance(cm, 'present');
      expect(Math.abs(present - c.macroF1VariancePresent)).toBeLessThanOrEqual(1e-6 * c.macroF1VariancePresent + 1e-12);
      const all = macroF1Variance(cm, 'all');
      expect(Math.abs(all - c.macroF1VarianceAll)).toBeLessThanOrEqual(1e-6 * c.macroF1VarianceAll + 1e-12);
    });
  }

  it('F1 variance by hand: TP 40, FP 10, FN 20 gives 4*40*30*70 / 110^4 (2 TP + FP + FN = 110)', () => {
    expect(f1Variance(40, 10, 20)).toBeCloseTo((4 * 40 * 30 * 70) / 110 ** 4, 15);
    const cm = ConfusionMatrix.fromCounts(2, [30, 10, 20, 40]);
    const i = f1Interval(cm, 1);
    expect(i.value).toBeCloseTo(80 / 110, 15);
    const se = Math.sqrt((4 * 40 * 30 * 70) / 110 ** 4);
    expect(i.lower).toBeCloseTo(80 / 110 - 1.959963984540054 * se, 12);
    expect(i.upper).toBeCloseTo(80 / 110 + 1.959963984540054 * se, 12);
  });
});

describe('confusion matrix aggregation', () => {
  it('summing slice matrices equals the matrix of all records (merge-equals-whole)', () => {
    for (const c of fixtures().classification) {
      const whole = matrixOf(c);
      const merged = new ConfusionMatrix(c.classes);
      for (const [a, b] of unevenSplits(c.actual.length, 5)) merged.merge(matrixOf(c, a, b));
      expect(Array.from(merged.counts)).toEqual(Array.from(whole.counts));
      expect(multiclassMetrics(merged)).toEqual(multiclassMetrics(whole));
    }
  });

  it('serialises, clones, resets and validates', () => {
    const cm = new ConfusionMatrix(3);
    cm.add(0, 1);
    cm.add(2, 2, 3);
    const copy = ConfusionMatrix.fromJSON(JSON.parse(JSON.stringify(cm)) as { classes: number; counts: number[] });
    expect(Array.from(copy.counts)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 3]);
    const clone = cm.clone();
    cm.reset();
    expect(cm.total()).toBe(0);
    expect(clone.total()).toBe(4);
    expect(() => cm.add(3, 0)).toThrow(RangeError);
    expect(() => cm.add(0, -1)).toThrow(RangeError);
    expect(() => cm.add(0.5, 0)).toThrow(RangeError);
    expect(() => cm.merge(new ConfusionMatrix(2))).toThrow(RangeError);
    expect(() => new ConfusionMatrix(0)).toThrow(RangeError);
  });

  it('an empty matrix has NaN accuracy and macro averages, 0 precision / recall / F1', () => {
    const m = multiclassMetrics(new ConfusionMatrix(3));
    expect(m.accuracy).toBeNaN();
    expect(m.macroF1).toBeNaN();
    expect(m.averagedClasses).toBe(0);
    const b = binaryMetrics(new ConfusionMatrix(2));
    expect([b.precision, b.recall, b.f1]).toEqual([0, 0, 0]);
    expect(accuracyInterval(new ConfusionMatrix(2)).lower).toBeNaN();
  });
});
