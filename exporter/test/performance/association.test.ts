import { describe, expect, it } from 'vitest';
import { ContingencyTable, cramersV, PearsonSums, pearsonCorrelation } from '../../src/performance/association.js';
import { pearsonInterval } from '../../src/performance/intervals.js';
import { SeededRandom } from '../../src/stats/random.js';
import { expectP, expectStat } from '../stats/fixtures.js';
import { fixtures, num, unevenSplits } from './fixtures.js';

describe('Pearson correlation from additive sums against scipy.stats.pearsonr', () => {
  for (const c of fixtures().pearson) {
    it(c.name, () => {
      const whole = new PearsonSums(c.shiftX);
      c.x.forEach((x, i) => whole.add(x, c.y[i] as number));
      expectStat(pearsonCorrelation(whole), num(c.r), 'r', 1e-12);
      const merged = new PearsonSums(c.shiftX);
      for (const [a, b] of unevenSplits(c.x.length, 4)) {
        const part = new PearsonSums(c.shiftX);
        for (let i = a; i < b; i++) part.add(c.x[i] as number, c.y[i] as number);
        merged.merge(part);
      }
      expectStat(pearsonCorrelation(merged), num(c.r), 'r (merged slices)', 1e-12);
      const back = PearsonSums.fromJSON(JSON.parse(JSON.stringify(merged.toJSON())) as Record<string, number | null>);
      expect(pearsonCorrelation(back)).toEqual(pearsonCorrelation(merged));
    });
  }

  it('Fisher-z interval covers the true correlation ~95% of the time', () => {
    const rng = new SeededRandom(41);
    const rho = 0.5;
    let covered = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const s = new PearsonSums();
      for (let i = 0; i < 60; i++) {
        const x = rng.normal();
        s.add(x, rho * x + Math.sqrt(1 - rho * rho) * rng.normal());
      }
      const i = pearsonInterval(pearsonCorrelation(s), s.count);
      if (i.lower <= rho && rho <= i.upper) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.97);
  });

  it('undefined cases', () => {
    const s = new PearsonSums();
    expect(pearsonCorrelation(PearsonSums.fromJSON(JSON.parse(JSON.stringify(s.toJSON())) as Record<string, number | null>))).toBeNaN();
    s.add(1, 2);
    expect(pearsonCorrelation(s)).toBeNaN();
    expect(s.add(Number.NaN, 1)).toBe(false);
    expect(pearsonInterval(0.3, 3).lower).toBeNaN();
    expect(pearsonInterval(1, 10)).toEqual({ value: 1, lower: 1, upper: 1 });
    expect(() => s.merge(new PearsonSums(1))).toThrow(RangeError);
  });
});

describe("Cramér's V against scipy.stats.contingency.association(method='cramer')", () => {
  for (const c of fixtures().cramer) {
    it(c.name, () => {
      const t = new ContingencyTable(c.rows, c.columns);
      c.counts.forEach((count, i) => t.add(Math.floor(i / c.columns), i % c.columns, count));
      const v = cramersV(t);
      expectStat(v.value, num(c.value), 'V', 1e-12);
      expectStat(v.chi2, num(c.chi2), 'chi2', 1e-9);
      expect(v.dof).toBe(c.dof);
      if (c.pValue === null) expect(v.pValue).toBeNaN();
      else expectP(v.pValue, c.pValue, 'p-value', 1e-9);
      // Additive: two halves of every cell merge back to the table.
      const a = new ContingencyTable(c.rows, c.columns);
      const b = new ContingencyTable(c.rows, c.columns);
      c.counts.forEach((count, i) => {
        a.add(Math.floor(i / c.columns), i % c.columns, Math.floor(count / 2));
        b.add(Math.floor(i / c.columns), i % c.columns, count - Math.floor(count / 2));
      });
      expect(cramersV(a.merge(b))).toEqual(v);
      expect(cramersV(ContingencyTable.fromJSON(JSON.parse(JSON.stringify(t.toJSON())) as ReturnType<ContingencyTable['toJSON']>))).toEqual(v);
    });
  }

  it('validates cells and shapes', () => {
    const t = new ContingencyTable(2, 2);
    expect(() => t.add(2, 0)).toThrow(RangeError);
    expect(() => t.merge(new ContingencyTable(3, 2))).toThrow(RangeError);
    expect(() => new ContingencyTable(0, 2)).toThrow(RangeError);
    expect(cramersV(t).value).toBeNaN();
    t.add(0, 0, 3);
    const c = t.clone();
    t.reset();
    expect(c.counts[0]).toBe(3);
  });
});
