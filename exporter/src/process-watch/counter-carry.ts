/**
 * Sums per-process counters (CPU seconds, I/O bytes) over a changing set of processes without ever going
 * down when one of them exits.
 *
 * Each process is known by an identity (PID + start time, so a reused PID is another process). For every
 * live identity the last reading is kept (per counter the maximum seen, so a counter that the kernel
 * reports lower never pulls the sum down). When an identity is no longer observed, its last values are
 * added to a carried-over base and it counts as one exit. The exported total is base + live sum.
 *
 * Bounded: the live map holds only what the last update observed; retired identities are remembered (up to
 * `retiredCap`, oldest forgotten first) so that a process which leaves the watched set and comes back (a
 * PID file briefly pointing elsewhere) moves from the base back to the live sum instead of being counted
 * twice. Beyond the cap such a return would be double-counted — still never a decrease.
 *
 * As a last guard against floating-point rounding in base − retired + live, each total is clamped to the
 * previous one: the returned totals are monotone, by construction.
 */

export type CounterReading<K extends string> = Partial<Record<K, number>>;

export const DEFAULT_RETIRED_CAP = 1024;

export class CounterCarry<K extends string> {
  private readonly live = new Map<string, CounterReading<K>>();
  private readonly retired = new Map<string, CounterReading<K>>();
  private readonly base: CounterReading<K> = {};
  private readonly last: CounterReading<K> = {};
  private exitCount = 0;

  constructor(
    private readonly keys: readonly K[],
    private readonly retiredCap: number = DEFAULT_RETIRED_CAP,
  ) {}

  /**
   * One observation of every live process (identity → cumulative readings; a missing key means "could
   * not be read this time"). Returns the totals: for each counter ever read, base + live sum.
   */
  update(observed: ReadonlyMap<string, CounterReading<K>>): CounterReading<K> {
    for (const [id, values] of this.live) {
      if (observed.has(id)) continue;
      this.addTo(this.base, values, 1);
      this.live.delete(id);
      this.retired.delete(id);
      this.retired.set(id, values);
      this.exitCount++;
      if (this.retired.size > this.retiredCap) {
        const oldest = this.retired.keys().next().value as string;
        this.retired.delete(oldest);
      }
    }
    for (const [id, reading] of observed) {
      let previous = this.live.get(id);
      if (!previous) {
        previous = this.retired.get(id);
        if (previous) {
          this.retired.delete(id);
          this.addTo(this.base, previous, -1);
        }
      }
      const next: CounterReading<K> = { ...previous };
      for (const k of this.keys) {
        const v = reading[k];
        if (v === undefined || !Number.isFinite(v) || v < 0) continue;
        const p = next[k];
        next[k] = p === undefined ? v : Math.max(p, v);
      }
      this.live.set(id, next);
    }
    return this.totals();
  }

  /** Processes that stopped being observed since the carry was created. */
  get exits(): number {
    return this.exitCount;
  }

  /** The current totals (as returned by the last update). */
  totals(): CounterReading<K> {
    const out: CounterReading<K> = {};
    for (const k of this.keys) {
      let sum = this.base[k];
      for (const values of this.live.values()) {
        const v = values[k];
        if (v !== undefined) sum = (sum ?? 0) + v;
      }
      const previous = this.last[k];
      if (sum === undefined) sum = previous;
      else if (previous !== undefined && previous > sum) sum = previous;
      if (sum !== undefined) {
        this.last[k] = sum;
        out[k] = sum;
      }
    }
    return out;
  }

  private addTo(target: CounterReading<K>, values: CounterReading<K>, sign: 1 | -1): void {
    for (const k of this.keys) {
      const v = values[k];
      if (v !== undefined) target[k] = (target[k] ?? 0) + sign * v;
    }
  }
}
