import { describe, expect, it } from 'vitest';
import { PageHinkley } from '../../src/performance/change-detection.js';
import { SeededRandom } from '../../src/stats/random.js';
import { CHANGE_BLOCK, CHANGE_THRESHOLD } from '../../src/model/version-state.js';

/** Block means of Bernoulli(rate) errors, as the exporter feeds its error-rate detector. */
function blocks(rng: SeededRandom, rate: number, n: number): number[] {
  return Array.from({ length: n }, () => {
    let errors = 0;
    for (let i = 0; i < CHANGE_BLOCK; i++) if (rng.next() < rate) errors++;
    return errors / CHANGE_BLOCK;
  });
}

describe('change detection as configured for the error stream', () => {
  it('stays silent on 100,000 stationary records at a 10% and a 40% error rate', () => {
    for (const rate of [0.1, 0.4]) {
      const rng = new SeededRandom(rate * 100);
      const ph = new PageHinkley({ threshold: CHANGE_THRESHOLD });
      const alarms = blocks(rng, rate, 2000).filter((x) => ph.update(x)).length;
      expect(alarms).toBe(0);
    }
  });

  it('detects a 10% to 30% jump within about a thousand records', () => {
    const rng = new SeededRandom(3);
    const ph = new PageHinkley({ threshold: CHANGE_THRESHOLD });
    for (const x of blocks(rng, 0.1, 200)) expect(ph.update(x)).toBe(false);
    const after = blocks(rng, 0.3, 40);
    const at = after.findIndex((x) => ph.update(x));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(40);
  });
});
