import { describe, expect, it } from 'vitest';
import { applyIsotonic, fitIsotonic, isotonicCalibrator } from '../../src/performance/calibration.js';
import { expectStat } from '../stats/fixtures.js';
import { fixtures } from './fixtures.js';

describe('isotonic calibration against sklearn IsotonicRegression(out_of_bounds="clip")', () => {
  for (const c of fixtures().isotonic) {
    it(c.name, () => {
      const fit = fitIsotonic(c.scores, c.labels, c.weights);
      expect(fit.x).toEqual(c.x);
      expect(fit.y.length).toBe(c.y.length);
      fit.y.forEach((v, i) => expectStat(v, c.y[i] as number, `y[${i}]`, 1e-12));
      const f = isotonicCalibrator(fit);
      c.queries.forEach((q, i) => expectStat(f(q), c.predictions[i] as number, `predict(${q})`, 1e-12));
    });
  }

  it('pools violators by hand: labels 0, 1, 0, 1 at scores 1..4 give 0, 1/2, 1/2, 1', () => {
    const fit = fitIsotonic([1, 2, 3, 4], [0, 1, 0, 1]);
    expect(fit).toEqual({ x: [1, 2, 3, 4], y: [0, 0.5, 0.5, 1] });
    expect(applyIsotonic(fit, 2.5)).toBe(0.5);
    expect(applyIsotonic(fit, 1.5)).toBe(0.25);
    expect(applyIsotonic(fit, -10)).toBe(0);
    expect(applyIsotonic(fit, 10)).toBe(1);
    expect(applyIsotonic(fit, Number.NaN)).toBeNaN();
  });

  it('ignores non-finite pairs and rejects unusable input', () => {
    expect(fitIsotonic([0.1, Number.NaN, 0.9], [0, 1, 1])).toEqual({ x: [0.1, 0.9], y: [0, 1] });
    expect(() => fitIsotonic([Number.NaN], [1])).toThrow(RangeError);
    expect(() => fitIsotonic([0.1, 0.2], [1])).toThrow(RangeError);
    expect(() => isotonicCalibrator({ x: [0.2, 0.1], y: [0, 1] })).toThrow(RangeError);
    expect(() => isotonicCalibrator({ x: [0.1, 0.2], y: [1, 0] })).toThrow(RangeError);
    expect(() => isotonicCalibrator({ x: [], y: [] })).toThrow(RangeError);
  });
});
