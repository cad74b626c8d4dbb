import { describe, expect, it } from 'vitest';
import { type KstwoMethod, kstwoCdf, kstwoMethod, kstwoSf } from '../../src/stats/kstwo.js';
import { smirnovSf } from '../../src/stats/smirnov.js';
import { expectP, fixtures } from './fixtures.js';

describe('kstwo (one-sample two-sided KS distribution) against scipy.stats.kstwo', () => {
  const byMethod = new Map<KstwoMethod, typeof cases>();
  const cases = fixtures().kstwo;
  for (const c of cases) {
    const m = kstwoMethod(c.d, c.n);
    byMethod.set(m, [...(byMethod.get(m) ?? []), c]);
  }
  for (const [method, list] of byMethod) {
    it(`${method}: ${list.length} points`, () => {
      for (const c of list) {
        expectP(kstwoSf(c.d, c.n), c.sf, `sf(d = ${c.d}, n = ${c.n})`);
        expectP(kstwoCdf(c.d, c.n), c.cdf, `cdf(d = ${c.d}, n = ${c.n})`);
      }
    });
  }

  it('the fixture grid reaches every algorithm', () => {
    expect([...byMethod.keys()].sort()).toEqual(['durbin', 'pelz-good', 'pomeranz', 'ruben-gambino', 'smirnov', 'trivial']);
  });

  it('matches hand-derived closed forms', () => {
    // n = 1: D_1 = max(U, 1 - U), P(D_1 >= d) = 2 (1 - d) for d >= 1/2.
    expect(kstwoSf(0.7, 1)).toBeCloseTo(0.6, 15);
    // Ruben-Gambino, 1/(2n) < d <= 1/n: P(D_n <= d) = n!/n^n (2nd - 1)^n; n = 2, d = 0.4: 2/4 * 0.6^2 = 0.18.
    expect(kstwoCdf(0.4, 2)).toBeCloseTo(0.18, 15);
    // d >= 1 - 1/n: P(D_n >= d) = 2 (1 - d)^n.
    expect(kstwoSf(0.95, 10)).toBeCloseTo(2 * 0.05 ** 10, 25);
    expect(kstwoSf(0, 10)).toBe(1);
    expect(kstwoSf(1, 10)).toBe(0);
    expect(kstwoSf(0.3, 0)).toBeNaN();
    expect(kstwoSf(0.3, 2.5)).toBeNaN();
  });
});

describe('smirnov (one-sided KS distribution) against scipy.special.smirnov', () => {
  it('all grid points', () => {
    for (const c of fixtures().smirnov) expectP(smirnovSf(c.n, c.d), c.sf, `smirnov(${c.n}, ${c.d})`);
  });

  it('matches the Birnbaum-Tingey sum written out for n = 3', () => {
    // P(D+_3 >= d) = d sum_{v=0}^{floor(3(1-d))} C(3, v) (d + v/3)^(v-1) (1 - d - v/3)^(3-v).
    const d = 0.4;
    let sum = 0;
    const binom = [1, 3, 3, 1];
    for (let v = 0; v <= Math.floor(3 * (1 - d)); v++) sum += (binom[v] as number) * (d + v / 3) ** (v - 1) * (1 - d - v / 3) ** (3 - v);
    expect(smirnovSf(3, d)).toBeCloseTo(d * sum, 15);
    expect(smirnovSf(1, 0.3)).toBeCloseTo(0.7, 15);
    expect(smirnovSf(5, 0)).toBe(1);
    expect(smirnovSf(5, 1)).toBe(0);
    expect(smirnovSf(5, 1.5)).toBeNaN();
  });
});
