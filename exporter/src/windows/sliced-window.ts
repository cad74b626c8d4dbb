/**
 * A sliding window over receipt time kept as a ring of time slices. Each slice holds bin counts for all
 * of a model version's columns; the window's totals are maintained incrementally (added on ingest,
 * subtracted when a slice expires), so reading a window never rescans records and memory is bounded by
 * slices × bins whatever the traffic.
 *
 * With window length W and S slices (slice length W/S), at time t the window holds the slices whose start
 * lies in (t − W, t]: between W − W/S and W of history.
 */
export interface WindowSnapshot {
  /** Bin totals over the live slices (do not mutate). */
  counts: Float64Array;
  /** Records (predictions or labels) in the window. */
  records: number;
}

export class SlicedWindow {
  readonly sliceMs: number;
  private readonly slices: Float64Array[];
  private readonly sliceRecords: Float64Array;
  private readonly totals: Float64Array;
  private records = 0;
  /** Index (time / sliceMs) of the newest slice. */
  private epoch: number;

  constructor(
    readonly name: string,
    readonly durationMs: number,
    readonly width: number,
    readonly sliceCount = 60,
    now = Date.now(),
  ) {
    if (!(durationMs > 0)) throw new RangeError('window duration must be positive');
    this.sliceMs = durationMs / sliceCount;
    this.slices = Array.from({ length: sliceCount }, () => new Float64Array(width));
    this.sliceRecords = new Float64Array(sliceCount);
    this.totals = new Float64Array(width);
    this.epoch = Math.floor(now / this.sliceMs);
  }

  /** Moves the window to `now`, expiring slices that fell out of it. Time that goes backwards is ignored. */
  advance(now: number): void {
    const e = Math.floor(now / this.sliceMs);
    if (e <= this.epoch) return;
    const steps = Math.min(e - this.epoch, this.sliceCount);
    if (steps === this.sliceCount) {
      for (const s of this.slices) s.fill(0);
      this.sliceRecords.fill(0);
      this.totals.fill(0);
      this.records = 0;
    } else {
      for (let k = 1; k <= steps; k++) {
        const slot = (this.epoch + k) % this.sliceCount;
        const slice = this.slices[slot] as Float64Array;
        const totals = this.totals;
        for (let i = 0; i < slice.length; i++) {
          const c = slice[i] as number;
          if (c !== 0) {
            totals[i] = (totals[i] as number) - c;
            slice[i] = 0;
          }
        }
        this.records -= this.sliceRecords[slot] as number;
        this.sliceRecords[slot] = 0;
      }
    }
    this.epoch = e;
  }

  /**
   * Adds one record's bins (absolute indices; negative entries are skipped). `records` is how much the
   * record counts toward the window's record total (1 for a prediction, 0 for a label).
   */
  add(now: number, bins: ArrayLike<number>, count = bins.length, records = 1): void {
    this.advance(now);
    const slot = this.epoch % this.sliceCount;
    const slice = this.slices[slot] as Float64Array;
    const totals = this.totals;
    for (let i = 0; i < count; i++) {
      const b = bins[i] as number;
      if (b < 0) continue;
      slice[b] = (slice[b] as number) + 1;
      totals[b] = (totals[b] as number) + 1;
    }
    this.sliceRecords[slot] = (this.sliceRecords[slot] as number) + records;
    this.records += records;
  }

  snapshot(now: number): WindowSnapshot {
    this.advance(now);
    return { counts: this.totals, records: this.records };
  }
}
