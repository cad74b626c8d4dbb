import { describe, expect, it } from 'vitest';
import { r2Interval, regressionIntervals, rSquaredVariance } from '../../src/performance/intervals.js';
import { adjustedRSquared, medianAbsoluteError, RegressionSums, regressionMetrics, rSquared } from '../../src/performance/regression.js';
import { mergeReservoirSlices, ReservoirSample } from '../../src/stats/reservoir.js';
import { seededUniform } from '../../src/stats/random.js';
import { expectStat } from '../stats/fixtures.js';
import { fixtures, num, unevenSplits, type RegressionCase } from './fixtures.js';

function sumsOf(c: RegressionCase, shift = c.shift, from = 0, to = c.actual.length): RegressionSums {
  const s = new RegressionSums(shift);
  for (let i = from; i < to; i++) expect(s.add(c.actual[i] as number, c.predicted[i] as number)).toBe(true);
  return s;
}

function absoluteErrors(c: RegressionCase): number[] {
  return c.actual.map((y, i) => (c.predicted[i] as number) - y);
}

describe('regression metrics from running sums against sklearn', () => {
  for (const c of fixtures().regression) {
    it(c.name, () => {
      const m = regressionMetrics(sumsOf(c), c.features ?? undefined);
      expectStat(m.meanError, c.meanError, 'mean error', 1e-9);
      expectStat(m.mae, c.mae, 'mae', 1e-9);
      expectStat(m.mse, c.mse, 'mse', 1e-9);
      expectStat(m.rmse, c.rmse, 'rmse', 1e-9);
      expectStat(m.mape, num(c.mape), 'mape (records with actual != 0)', 1e-9);
      expect(m.zeroActuals).toBe(c.zeroActuals);
      expectStat(m.r2, num(c.r2), 'r2', 1e-9);
      if (c.adjustedR2 !== undefined) expectStat(m.adjustedR2, num(c.adjustedR2), 'adjusted r2', 1e-9);
      const median = medianAbsoluteError(absoluteErrors(c));
      expectStat(median.value, c.medianAe, 'median absolute error', 1e-12);
      expect(median.exact).toBe(true);
    });
  }

  it('R^2 variance (influence functions from sums) matches numerical derivatives of sklearn r2_score', () => {
    for (const c of fixtures().regression) {
      const v = rSquaredVariance(sumsOf(c));
      if (c.r2Variance === null) continue;
      expect(Math.abs(v - c.r2Variance) / c.r2Variance, c.name).toBeLessThan(1e-5);
    }
    const perfect = fixtures().regression.find((c) => c.name === 'perfect_fit') as RegressionCase;
    const i = r2Interval(sumsOf(perfect));
    expect([i.value, i.lower, i.upper]).toEqual([1, 1, 1]);
    const constant = fixtures().regression.find((c) => c.name === 'constant_actuals') as RegressionCase;
    expect(rSquaredVariance(sumsOf(constant))).toBeNaN();
  });

  it('a shift far from the actuals loses digits; a near shift keeps 1e-9 (large_offset case)', () => {
    const c = fixtures().regression.find((x) => x.name === 'large_offset') as RegressionCase;
    expectStat(rSquared(sumsOf(c, 1e6)), num(c.r2), 'r2 with shift 1e6', 1e-9);
    expectStat(rSquared(sumsOf(c, 999_990)), num(c.r2), 'r2 with shift 1e6 - 10', 1e-9);
    // Around 0 the centred sum of squares of values ~1e6 keeps only a few digits.
    expect(Math.abs(rSquared(sumsOf(c, 0)) - num(c.r2))).toBeLessThan(0.05);
  });

  it('adjusted R^2 by hand and its undefined cases', () => {
    expect(adjustedRSquared(0.5, 11, 2)).toBeCloseTo(1 - (0.5 * 10) / 8, 15);
    expect(adjustedRSquared(0.5, 3, 2)).toBeNaN();
    expect(adjustedRSquared(Number.NaN, 30, 2)).toBeNaN();
    expect(() => adjustedRSquared(0.5, 30, -1)).toThrow(RangeError);
    expect(regressionMetrics(new RegressionSums()).mae).toBeNaN();
  });
});

describe('regression sums are additive', () => {
  it('merging slices (same shift) equals summing all records', () => {
    for (const c of fixtures().regression) {
      const whole = sumsOf(c);
      const merged = new RegressionSums(c.shift);
      for (const [a, b] of unevenSplits(c.actual.length, 5)) merged.merge(sumsOf(c, c.shift, a, b));
      const mw = regressionMetrics(whole, c.features ?? undefined);
      const mm = regressionMetrics(merged, c.features ?? undefined);
      for (const key of Object.keys(mw) as (keyof typeof mw)[]) expectStat(mm[key], mw[key], `${c.name} ${key}`, 1e-11);
      const iw = regressionIntervals(whole, { features: c.features ?? undefined });
      const im = regressionIntervals(merged, { features: c.features ?? undefined });
      for (const key of Object.keys(iw) as (keyof typeof iw)[]) {
        expectStat(im[key].lower, iw[key].lower, `${c.name} ${key} lower`, 1e-9);
        expectStat(im[key].upper, iw[key].upper, `${c.name} ${key} upper`, 1e-9);
      }
    }
  });

  it('merging slices with different shifts re-centres them', () => {
    const c = fixtures().regression.find((x) => x.name === 'random_with_zero_actuals') as RegressionCase;
    const whole = sumsOf(c, 10);
    const merged = new RegressionSums(10);
    const shifts = [0, 7.5, 12, 10, -3];
    unevenSplits(c.actual.length, 5).forEach(([a, b], k) => merged.merge(sumsOf(c, shifts[k % shifts.length], a, b)));
    expectStat(rSquared(merged), rSquared(whole), 'r2', 1e-11);
    expectStat(rSquaredVariance(merged), rSquaredVariance(whole), 'r2 variance', 1e-9);
    const raw = merged.rawActualSums();
    const sumY = c.actual.reduce((s, y) => s + y, 0);
    const sumY2 = c.actual.reduce((s, y) => s + y * y, 0);
    expectStat(raw.sum, sumY, 'sum y', 1e-12);
    expectStat(raw.sumSquares, sumY2, 'sum y^2', 1e-12);
  });

  it('round-trips through JSON; skips non-finite records', () => {
    const c = fixtures().regression[0] as RegressionCase;
    const s = sumsOf(c);
    const back = RegressionSums.fromJSON(JSON.parse(JSON.stringify(s)) as Record<string, number | null>);
    expect(regressionMetrics(back, 3)).toEqual(regressionMetrics(s, 3));
    const empty = RegressionSums.fromJSON(JSON.parse(JSON.stringify(new RegressionSums(2))) as Record<string, number | null>);
    expect(empty.minActual).toBe(Number.POSITIVE_INFINITY);
    expect(s.clone().count).toBe(s.count);
    expect(s.add(Number.NaN, 1)).toBe(false);
    expect(s.add(1, Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('median absolute error from merged slice reservoirs: exact while the window fits the sample', () => {
    const c = fixtures().regression[0] as RegressionCase;
    const errors = absoluteErrors(c);
    const random = seededUniform(3);
    const parts = unevenSplits(errors.length, 4).map(([a, b]) => {
      const r = new ReservoirSample(1000, random);
      for (let i = a; i < b; i++) r.add(Math.abs(errors[i] as number));
      return { values: r.values(), seen: r.seen };
    });
    const merged = mergeReservoirSlices(parts, 1000, random);
    const m = medianAbsoluteError(merged, errors.length);
    expect(m.exact).toBe(true);
    expectStat(m.value, c.medianAe, 'median', 1e-12);
    // A 50-value sample of the 200 errors is an estimate, flagged as such.
    const small = medianAbsoluteError(mergeReservoirSlices(parts, 50, random), errors.length);
    expect(small.exact).toBe(false);
    expect(small.sampleSize).toBe(50);
  });
});
