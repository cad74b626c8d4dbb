import { describe, expect, it } from 'vitest';
import { SlicedWindow, type WindowShape } from '../../src/windows/sliced-window.js';

const shape = (bins: number, numeric = 0, sampleSize = 1000): WindowShape => ({ bins, numeric, sampleSize });
const rec = (bins: number[], records = 1) => ({ bins, binCount: bins.length, records });

describe('SlicedWindow', () => {
  const MIN = 60_000;

  it('keeps counts for the window length and expires whole slices without a rescan of records', () => {
    // 1-minute window in 6 slices of 10 s.
    const t0 = 1_000_000_000_000;
    const w = new SlicedWindow('1m', MIN, shape(3), 6, t0);
    w.add(t0, rec([0, 2]));
    w.add(t0 + 5_000, rec([1]));
    w.add(t0 + 25_000, rec([2]));
    let s = w.snapshot(t0 + 30_000);
    expect(Array.from(s.counts)).toEqual([1, 1, 2]);
    expect(s.records).toBe(3);
    // The first slice (t0's) leaves the window once six newer slices began.
    const firstSliceStart = Math.floor(t0 / 10_000) * 10_000;
    s = w.snapshot(firstSliceStart + 60_000 - 1);
    expect(s.records).toBe(3);
    s = w.snapshot(firstSliceStart + 60_000);
    expect(Array.from(s.counts)).toEqual([0, 0, 1]);
    expect(s.records).toBe(1);
    s = w.snapshot(t0 + 10 * MIN);
    expect(Array.from(s.counts)).toEqual([0, 0, 0]);
    expect(s.records).toBe(0);
  });

  it('counts labels toward bins but not toward records, and skips negative bins', () => {
    const w = new SlicedWindow('5m', 5 * MIN, shape(4), 60, 0);
    w.add(1000, rec([3, -1, 0]));
    w.add(2000, rec([3], 0));
    const s = w.snapshot(3000);
    expect(Array.from(s.counts)).toEqual([1, 0, 0, 2]);
    expect(s.records).toBe(1);
  });

  it('ignores time going backwards (adds to the newest slice)', () => {
    const w = new SlicedWindow('1m', MIN, shape(1), 6, 100_000);
    w.add(100_000, rec([0]));
    w.add(50_000, rec([0]));
    expect(w.snapshot(100_000).records).toBe(2);
  });

  it('matches a brute-force recount over a random stream', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const w = new SlicedWindow('1m', MIN, shape(5), 12, 0);
    const events: { t: number; bin: number }[] = [];
    let t = 0;
    for (let i = 0; i < 5000; i++) {
      t += Math.floor(rand() * 200);
      const bin = Math.floor(rand() * 5);
      events.push({ t, bin });
      w.add(t, rec([bin]));
      if (i % 500 === 499) {
        const sliceMs = MIN / 12;
        const liveFrom = (Math.floor(t / sliceMs) - 11) * sliceMs;
        const expected = [0, 0, 0, 0, 0];
        for (const e of events) if (e.t >= liveFrom) expected[e.bin]!++;
        expect(Array.from(w.snapshot(t).counts)).toEqual(expected);
      }
    }
  });
});

describe('SlicedWindow values', () => {
  it('aggregates sums, extremes and out-of-range counts over live slices only', () => {
    const w = new SlicedWindow('1m', 60_000, shape(1, 2, 100), 6, 0);
    const add = (t: number, a: number, b: number, oor = [0, 0]) =>
      w.add(t, { bins: [], binCount: 0, numeric: Float64Array.of(a, b), outOfRange: Uint8Array.from(oor), records: 1 });
    add(1000, 1, Number.NaN);
    add(2000, 3, 10, [1, 0]);
    add(15_000, -2, 20, [0, 1]);
    expect(w.numericAggregate(16_000, 0)).toEqual({ n: 3, sum: 2, sumSq: 14, min: -2, max: 3, outOfRange: 1 });
    expect(w.numericAggregate(16_000, 1)).toEqual({ n: 2, sum: 30, sumSq: 500, min: 10, max: 20, outOfRange: 1 });
    // The first slice [0, 10 s) expires at 60 s.
    expect(w.numericAggregate(60_000, 0)).toEqual({ n: 1, sum: -2, sumSq: 4, min: -2, max: -2, outOfRange: 0 });
  });

  it('merges slice reservoirs into a sample of the window of the target size', () => {
    const w = new SlicedWindow('1m', 60_000, shape(1, 1, 500), 6, 0);
    for (let i = 0; i < 6000; i++) w.add(i * 10, { bins: [], binCount: 0, numeric: Float64Array.of(i), records: 1 });
    const sample = w.sample(59_999, 0);
    expect(sample.length).toBe(500);
    // Uniform over the window: about a sixth of the sample from each 10 s slice (binomial, sd ~ 8.3).
    const perSlice = [0, 0, 0, 0, 0, 0];
    for (const v of sample) perSlice[Math.floor(v / 1000)]!++;
    for (const c of perSlice) expect(Math.abs(c - 500 / 6)).toBeLessThan(40);
    // Everything in the sample was ingested into the live window.
    for (const v of sample) expect(v >= 0 && v < 6000 && Number.isInteger(v)).toBe(true);
  });
});
