import { describe, expect, it } from 'vitest';
import { SlicedWindow } from '../../src/windows/sliced-window.js';

describe('SlicedWindow', () => {
  const MIN = 60_000;

  it('keeps counts for the window length and expires whole slices without a rescan of records', () => {
    // 1-minute window in 6 slices of 10 s.
    const t0 = 1_000_000_000_000;
    const w = new SlicedWindow('1m', MIN, 3, 6, t0);
    w.add(t0, [0, 2]);
    w.add(t0 + 5_000, [1]);
    w.add(t0 + 25_000, [2]);
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
    const w = new SlicedWindow('5m', 5 * MIN, 4, 60, 0);
    w.add(1000, [3, -1, 0]);
    w.add(2000, [3], 1, 0);
    const s = w.snapshot(3000);
    expect(Array.from(s.counts)).toEqual([1, 0, 0, 2]);
    expect(s.records).toBe(1);
  });

  it('ignores time going backwards (adds to the newest slice)', () => {
    const w = new SlicedWindow('1m', MIN, 1, 6, 100_000);
    w.add(100_000, [0]);
    w.add(50_000, [0]);
    expect(w.snapshot(100_000).records).toBe(2);
  });

  it('matches a brute-force recount over a random stream', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const w = new SlicedWindow('1m', MIN, 5, 12, 0);
    const events: { t: number; bin: number }[] = [];
    let t = 0;
    for (let i = 0; i < 5000; i++) {
      t += Math.floor(rand() * 200);
      const bin = Math.floor(rand() * 5);
      events.push({ t, bin });
      w.add(t, [bin]);
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
