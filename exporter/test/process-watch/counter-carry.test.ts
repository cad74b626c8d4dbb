import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CounterCarry } from '../../src/process-watch/counter-carry.js';

type K = 'cpu' | 'io';
const obs = (entries: [string, Partial<Record<K, number>>][]): Map<string, Partial<Record<K, number>>> => new Map(entries);

describe('CounterCarry', () => {
  it('sums live processes and keeps the final values of exited ones', () => {
    const c = new CounterCarry<K>(['cpu', 'io']);
    expect(c.update(obs([]))).toEqual({});
    expect(c.update(obs([['a', { cpu: 1, io: 10 }], ['b', { cpu: 2 }]]))).toEqual({ cpu: 3, io: 10 });
    expect(c.update(obs([['a', { cpu: 5, io: 30 }], ['b', { cpu: 4 }]]))).toEqual({ cpu: 9, io: 30 });
    // b exits: its last 4 s stay in the total
    expect(c.update(obs([['a', { cpu: 6, io: 30 }]]))).toEqual({ cpu: 10, io: 30 });
    expect(c.exits).toBe(1);
    // a restarts as a new process (new identity) with a small counter
    expect(c.update(obs([['a2', { cpu: 0.5, io: 1 }]]))).toEqual({ cpu: 10.5, io: 31 });
    expect(c.exits).toBe(2);
    // everything gone: totals stay
    expect(c.update(obs([]))).toEqual({ cpu: 10.5, io: 31 });
    expect(c.exits).toBe(3);
  });

  it('never lets a per-process counter that reads lower pull the sum down', () => {
    const c = new CounterCarry<K>(['cpu']);
    c.update(obs([['a', { cpu: 5 }]]));
    expect(c.update(obs([['a', { cpu: 4 }]]))).toEqual({ cpu: 5 });
    expect(c.update(obs([['a', {}]]))).toEqual({ cpu: 5 }); // unreadable this time
    expect(c.update(obs([['a', { cpu: 7 }]]))).toEqual({ cpu: 7 });
  });

  it('does not double count a process that leaves and comes back', () => {
    const c = new CounterCarry<K>(['cpu']);
    c.update(obs([['a', { cpu: 5 }], ['b', { cpu: 1 }]]));
    expect(c.update(obs([['b', { cpu: 1 }]]))).toEqual({ cpu: 6 });
    expect(c.update(obs([['a', { cpu: 8 }], ['b', { cpu: 1 }]]))).toEqual({ cpu: 9 });
  });

  it('bounds the retired identities it remembers', () => {
    const c = new CounterCarry<K>(['cpu'], 2);
    for (const id of ['a', 'b', 'c']) {
      c.update(obs([[id, { cpu: 1 }]]));
    }
    c.update(obs([]));
    // 'a' was forgotten (cap 2): its return is counted again, which over-counts but never decreases
    expect(c.update(obs([['a', { cpu: 1 }]]))).toEqual({ cpu: 4 });
    // 'c' is remembered: moved back from the base
    expect(c.update(obs([['a', { cpu: 1 }], ['c', { cpu: 2 }]]))).toEqual({ cpu: 5 });
  });

  it('totals are monotone for any sequence of observations', () => {
    const step = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.double({ min: 0, max: 1e6, noNaN: true })), { maxLength: 4 });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const c = new CounterCarry<'cpu'>(['cpu'], 2);
        const latest = new Map<string, number>();
        let previous = 0;
        for (const s of steps) {
          const o = new Map<string, { cpu: number }>();
          for (const [id, inc] of s) {
            const v = (latest.get(id) ?? 0) + inc; // each identity's own counter only grows
            latest.set(id, v);
            o.set(id, { cpu: v });
          }
          const total = c.update(o).cpu ?? 0;
          expect(total).toBeGreaterThanOrEqual(previous);
          previous = total;
        }
      }),
    );
  });

  it('with every identity remembered, the total is the sum of each process\'s last value', () => {
    const step = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 1000 })), { maxLength: 4 });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const c = new CounterCarry<'cpu'>(['cpu']);
        const latest = new Map<string, number>();
        for (const s of steps) {
          const o = new Map<string, { cpu: number }>();
          for (const [id, inc] of s) {
            const v = (latest.get(id) ?? 0) + inc;
            latest.set(id, v);
            o.set(id, { cpu: v });
          }
          const expected = [...latest.values()].reduce((a, b) => a + b, 0);
          expect(c.update(o).cpu ?? 0).toBe(expected);
        }
      }),
    );
  });
});
