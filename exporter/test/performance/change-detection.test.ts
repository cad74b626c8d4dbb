import { describe, expect, it } from 'vitest';
import { PageHinkley, type PageHinkleyState } from '../../src/performance/change-detection.js';
import { SeededRandom } from '../../src/stats/random.js';
import { fixtures, type PageHinkleyCase } from './fixtures.js';

/** Rebuilds a fixture stream exactly as the Python generator does (same generator, exact operations). */
function rebuild(c: PageHinkleyCase): number[] {
  const rng = new SeededRandom(c.stream.seed);
  const out: number[] = [];
  for (const seg of c.stream.segments) {
    for (let i = 0; i < seg.n; i++) {
      if (seg.kind === 'bernoulli') out.push(rng.next() < (seg.p as number) ? 1 : 0);
      else out.push(rng.next() * (seg.scale as number) + (seg.shift as number));
    }
  }
  expect(out.slice(0, c.first.length)).toEqual(c.first);
  expect(out[out.length - 1]).toBe(c.last);
  return out;
}

function detections(ph: PageHinkley, xs: readonly number[]): number[] {
  const found: number[] = [];
  xs.forEach((x, i) => {
    if (ph.update(x)) found.push(i);
  });
  return found;
}

describe('Page-Hinkley against an independent re-implementation of River', () => {
  for (const c of fixtures().pageHinkley) {
    it(c.name, () => {
      const xs = rebuild(c);
      for (const run of c.runs) expect(detections(new PageHinkley(run.options), xs), run.config).toEqual(run.detections);
    });
  }
});

describe('Page-Hinkley behaviour', () => {
  it('no false alarm on a long stationary low-variance stream with the defaults', () => {
    const rng = new SeededRandom(2024);
    const ph = new PageHinkley();
    let alarms = 0;
    // A 1% error stream (sd ~0.1) and a uniform [0, 0.3) score stream (sd ~0.087), 300,000 values each.
    for (let i = 0; i < 300_000; i++) if (ph.update(rng.next() < 0.01 ? 1 : 0)) alarms++;
    const scores = new PageHinkley();
    for (let i = 0; i < 300_000; i++) if (scores.update(rng.next() * 0.3)) alarms++;
    expect(alarms).toBe(0);
  });

  it('detects an error-rate step from 1% to 10% within 800 values, in up and both modes only', () => {
    // Expected delay ~ threshold / (0.09 - delta) ~ 590 values when the running mean is the pre-change rate.
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = new SeededRandom(seed);
      const xs: number[] = [];
      for (let i = 0; i < 20_000; i++) xs.push(rng.next() < (i < 10_000 ? 0.01 : 0.1) ? 1 : 0);
      // Only the first detection is checked: after it the detector restarts on a 10% stream (sd 0.3), where the
      // defaults may raise further alarms (see the module comment).
      const both = detections(new PageHinkley(), xs);
      expect(both[0], `seed ${seed}`).toBeGreaterThan(10_000);
      expect(both[0], `seed ${seed}`).toBeLessThanOrEqual(10_800);
      expect(detections(new PageHinkley({ mode: 'up' }), xs)[0]).toBe(both[0]);
      expect(detections(new PageHinkley({ mode: 'down' }), xs)).toEqual([]);
    }
  });

  it('by hand: after minInstances, a jump of 60 in a zero stream triggers at once (U - min U = 60 - ... > 50)', () => {
    const ph = new PageHinkley({ minInstances: 3, delta: 0, alpha: 1, threshold: 50 });
    expect(ph.update(0)).toBe(false);
    expect(ph.update(0)).toBe(false);
    expect(ph.update(0)).toBe(false);
    // mean = 15, dev = 45, U = 45 while min U = 0: 45 <= 50, no detection.
    expect(ph.update(60)).toBe(false);
    expect(ph.statistics().increase).toBe(45);
    // mean = 32, dev = 128 - 32 = 96 more: U = 141 - 0 > 50.
    expect(ph.update(128)).toBe(true);
    expect(ph.driftDetected).toBe(true);
    // The next value starts a new segment.
    expect(ph.update(5)).toBe(false);
    expect(ph.samples).toBe(1);
  });

  it('serialises mid-stream: a restored detector continues identically', () => {
    const c = fixtures().pageHinkley.find((x) => x.name === 'uniform_level_shifts') as PageHinkleyCase;
    const xs = rebuild(c);
    const options = { minInstances: 10, delta: 0.01, threshold: 5, alpha: 0.999, mode: 'both' as const };
    const straight = detections(new PageHinkley(options), xs);
    let ph = new PageHinkley(options);
    const found: number[] = [];
    xs.forEach((x, i) => {
      if (i % 997 === 0) ph = PageHinkley.fromJSON(JSON.parse(JSON.stringify(ph.toJSON())) as PageHinkleyState);
      if (ph.update(x)) found.push(i);
    });
    expect(found).toEqual(straight);
    const fresh = PageHinkley.fromJSON(JSON.parse(JSON.stringify(new PageHinkley().toJSON())) as PageHinkleyState);
    expect(fresh.toJSON()).toEqual(new PageHinkley().toJSON());
  });

  it('ignores non-finite values and validates parameters', () => {
    const ph = new PageHinkley();
    expect(ph.update(Number.NaN)).toBe(false);
    expect(ph.samples).toBe(0);
    expect(() => new PageHinkley({ alpha: 0 })).toThrow(RangeError);
    expect(() => new PageHinkley({ threshold: 0 })).toThrow(RangeError);
    expect(() => new PageHinkley({ minInstances: 0 })).toThrow(RangeError);
    expect(() => new PageHinkley({ mode: 'sideways' as 'up' })).toThrow(RangeError);
  });
});
