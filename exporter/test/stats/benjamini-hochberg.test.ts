import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../src/stats/benjamini-hochberg.js';
import { SeededRandom } from '../../src/stats/random.js';
import { zTest } from '../../src/stats/z-test.js';
import { fixtures } from './fixtures.js';

describe('Benjamini-Hochberg against the reference implementation (statsmodels fdr_bh arithmetic)', () => {
  for (const c of fixtures().bh) {
    it(c.name, () => {
      const p = c.pValues.map((v) => (v === null ? Number.NaN : v));
      const r = benjaminiHochberg(p, c.q);
      expect(r.rejected).toEqual(c.rejected);
      expect(r.tested).toBe(p.filter((v) => !Number.isNaN(v)).length);
      c.adjusted.forEach((a, i) => {
        if (a === null) expect(r.adjusted[i]).toBeNaN();
        else expect(Math.abs((r.adjusted[i] as number) - a)).toBeLessThanOrEqual(1e-15 * Math.max(a, 1e-300));
      });
    });
  }
});

describe('Benjamini-Hochberg by hand', () => {
  it('step-up: a p-value above its own threshold is rejected when a later one passes', () => {
    // m = 4, q = 0.05: thresholds 0.0125, 0.025, 0.0375, 0.05. Sorted p: 0.01 (pass), 0.03 (fail), 0.035 (pass),
    // 0.2 (fail) -> k* = 3, so 0.01, 0.03 and 0.035 are rejected.
    const r = benjaminiHochberg([0.2, 0.03, 0.01, 0.035], 0.05);
    expect(r.rejected).toEqual([false, true, true, true]);
    // adjusted: 0.2 * 4/4 = 0.2; 0.035 * 4/3 = 0.04667; 0.03 * 4/2 = 0.06 -> min with later = 0.04667; 0.01 * 4 = 0.04.
    expect(r.adjusted[0]).toBeCloseTo(0.2, 15);
    expect(r.adjusted[3]).toBeCloseTo(0.035 * (4 / 3), 15);
    expect(r.adjusted[1]).toBeCloseTo(0.035 * (4 / 3), 15);
    expect(r.adjusted[2]).toBeCloseTo(0.04, 15);
  });

  it('ignores NaN (not tested) and handles empty input', () => {
    const r = benjaminiHochberg([Number.NaN, 0.001, Number.NaN], 0.05);
    expect(r.tested).toBe(1);
    expect(r.rejected).toEqual([false, true, false]);
    expect(r.adjusted[0]).toBeNaN();
    expect(r.adjusted[1]).toBe(0.001);
    expect(benjaminiHochberg([], 0.05).tested).toBe(0);
  });

  it('rejects invalid q and p-values', () => {
    expect(() => benjaminiHochberg([0.1], 0)).toThrow(RangeError);
    expect(() => benjaminiHochberg([0.1], 1.5)).toThrow(RangeError);
    expect(() => benjaminiHochberg([1.2], 0.05)).toThrow(RangeError);
    expect(() => benjaminiHochberg([-0.1], 0.05)).toThrow(RangeError);
  });
});

/**
 * Simulation: 50 features per round, each a z-test of a window of 30 draws against its N(0, 1) reference, so that
 * null p-values are exactly uniform. Under the global null BH's FDR equals the family-wise error rate, so the
 * share of rounds with any rejection should be about q = 0.05 (2,000 rounds: standard error 0.0049; tolerance
 * +-0.015, i.e. 3 standard errors).
 */
describe('Benjamini-Hochberg false-positive rate by simulation (seeded)', () => {
  const features = 50;
  const n = 30;
  const q = 0.05;

  function roundPValues(rng: SeededRandom, shifted: number, shift: number): number[] {
    const p: number[] = [];
    for (let f = 0; f < features; f++) {
      let sum = 0;
      const mu = f < shifted ? shift : 0;
      for (let i = 0; i < n; i++) sum += mu + rng.normal();
      p.push(zTest(sum / n, n, 0, 1).pValue);
    }
    return p;
  }

  it('global null: P(any feature flagged) stays near q', () => {
    const rng = new SeededRandom(2024);
    const rounds = 2000;
    let anyRejected = 0;
    let falseFlags = 0;
    for (let r = 0; r < rounds; r++) {
      const res = benjaminiHochberg(roundPValues(rng, 0, 0), q);
      const flagged = res.rejected.filter(Boolean).length;
      if (flagged > 0) anyRejected++;
      falseFlags += flagged;
    }
    expect(Math.abs(anyRejected / rounds - q)).toBeLessThanOrEqual(0.015);
    // Per-feature false-positive rate is far below q (BH is strict when nothing is drifting).
    expect(falseFlags / (rounds * features)).toBeLessThan(q / 10);
  });

  it('10 drifted of 50: FDR at most q * 40/50 (+ simulation error), drifted features found', () => {
    const rng = new SeededRandom(7);
    const rounds = 1000;
    let fdpSum = 0;
    let found = 0;
    for (let r = 0; r < rounds; r++) {
      const res = benjaminiHochberg(roundPValues(rng, 10, 0.8), q);
      let rejected = 0;
      let falseRejected = 0;
      res.rejected.forEach((rej, f) => {
        if (!rej) return;
        rejected++;
        if (f >= 10) falseRejected++;
        else found++;
      });
      fdpSum += rejected > 0 ? falseRejected / rejected : 0;
    }
    expect(fdpSum / rounds).toBeLessThanOrEqual(q * (40 / 50) + 0.01);
    expect(found / (rounds * 10)).toBeGreaterThan(0.9);
  });
});
