/**
 * A sliding window over receipt time kept as a ring of time slices. Each slice holds, for one model
 * version:
 *   - bin counts for all monitored columns (the window's totals are maintained incrementally: added on
 *     ingest, subtracted when a slice expires, so reading them never rescans records);
 *   - per numeric column: sum, sum of squares, min, max, out-of-range count, and a bounded uniform
 *     reservoir sample of the values (for the exact two-sample tests);
 *   - per record: outlier and duplicate-id counts.
 * Memory is bounded by slices × (bins + numeric columns × reservoir capacity) whatever the traffic.
 *
 * With window length W and S slices (slice length W/S), at time t the window holds the slices whose start
 * lies in (t − W, t]: between W − W/S and W of history.
 */
import { mergeReservoirSlices, ReservoirSample, type ReservoirSlice } from '../stats/reservoir.js';
import { seededUniform, type RandomSource } from '../stats/random.js';

export interface WindowShape {
  /** Width of the flat bin-count array. */
  bins: number;
  /** Number of numeric columns with per-value aggregates. */
  numeric: number;
  /** Target size of the window's merged sample per numeric column. */
  sampleSize: number;
}

/** One record as the window sees it. */
export interface WindowRecord {
  /** Absolute bins to increment (negative entries skipped). */
  bins: ArrayLike<number>;
  binCount: number;
  /** Value per numeric column (NaN: missing or not in this record). */
  numeric?: Float64Array;
  /** Per numeric column: 1 when the value is outside the reference [min, max]. */
  outOfRange?: Uint8Array;
  /** Counts toward the window's record total (1 for a prediction, 0 for a label). */
  records: number;
  outlier?: boolean;
  duplicate?: boolean;
}

/** Per-slice state owned by another concern (e.g. realized-performance accumulators). */
export interface SliceExtra {
  reset(): void;
}

class Slice {
  records = 0;
  /** Predictions of this slice whose label has joined (attributed to the prediction's time). */
  labelled = 0;
  extra: SliceExtra | undefined;
  outliers = 0;
  duplicates = 0;
  readonly counts: Float64Array;
  readonly n: Float64Array;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly outOfRange: Float64Array;
  readonly reservoirs: ReservoirSample[];

  constructor(shape: WindowShape, capacity: number, random: RandomSource) {
    this.counts = new Float64Array(shape.bins);
    this.n = new Float64Array(shape.numeric);
    this.sum = new Float64Array(shape.numeric);
    this.sumSq = new Float64Array(shape.numeric);
    this.min = new Float64Array(shape.numeric).fill(Infinity);
    this.max = new Float64Array(shape.numeric).fill(-Infinity);
    this.outOfRange = new Float64Array(shape.numeric);
    this.reservoirs = Array.from({ length: shape.numeric }, () => new ReservoirSample(capacity, random));
  }

  reset(): void {
    this.records = 0;
    this.labelled = 0;
    this.extra?.reset();
    this.outliers = 0;
    this.duplicates = 0;
    this.counts.fill(0);
    this.n.fill(0);
    this.sum.fill(0);
    this.sumSq.fill(0);
    this.min.fill(Infinity);
    this.max.fill(-Infinity);
    this.outOfRange.fill(0);
    for (const r of this.reservoirs) r.clear();
  }
}

/** Aggregates of one numeric column over the live slices. */
export interface NumericAggregate {
  n: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
  outOfRange: number;
}

export interface WindowSnapshot {
  /** Bin totals over the live slices (do not mutate). */
  counts: Float64Array;
  /** Records (predictions) in the window. */
  records: number;
  outliers: number;
  duplicates: number;
  /** Predictions in the window whose label has arrived. */
  labelled: number;
  /** Identifies the set of live slices: changes whenever a slice starts or expires. */
  epoch: number;
}

export class SlicedWindow {
  readonly sliceMs: number;
  private readonly slices: Slice[];
  private readonly totals: Float64Array;
  private records = 0;
  /** Index (time / sliceMs) of the newest slice. */
  private epoch: number;
  private readonly random: RandomSource;

  constructor(
    readonly name: string,
    readonly durationMs: number,
    readonly shape: WindowShape,
    readonly sliceCount = 60,
    now = Date.now(),
    seed = 1,
  ) {
    if (!(durationMs > 0)) throw new RangeError('window duration must be positive');
    this.sliceMs = durationMs / sliceCount;
    this.random = seededUniform(seed);
    // Each slice keeps a few times its share of the target sample, so that uneven traffic across slices
    // still merges into a uniform sample of the window (see mergeReservoirSlices).
    const capacity = Math.min(shape.sampleSize, Math.ceil((4 * shape.sampleSize) / sliceCount));
    this.slices = Array.from({ length: sliceCount }, () => new Slice(shape, capacity, this.random));
    this.totals = new Float64Array(shape.bins);
    this.epoch = Math.floor(now / this.sliceMs);
  }

  /** Moves the window to `now`, expiring slices that fell out of it. Time that goes backwards is ignored. */
  advance(now: number): void {
    const e = Math.floor(now / this.sliceMs);
    if (e <= this.epoch) return;
    const steps = Math.min(e - this.epoch, this.sliceCount);
    if (steps === this.sliceCount) {
      for (const s of this.slices) s.reset();
      this.totals.fill(0);
      this.records = 0;
    } else {
      for (let k = 1; k <= steps; k++) {
        const slice = this.slices[(this.epoch + k) % this.sliceCount] as Slice;
        const counts = slice.counts;
        const totals = this.totals;
        for (let i = 0; i < counts.length; i++) {
          const c = counts[i] as number;
          if (c !== 0) totals[i] = (totals[i] as number) - c;
        }
        this.records -= slice.records;
        slice.reset();
      }
    }
    this.epoch = e;
  }

  /** Adds one record. */
  add(now: number, rec: WindowRecord): void {
    this.advance(now);
    const slice = this.slices[this.epoch % this.sliceCount] as Slice;
    const counts = slice.counts;
    const totals = this.totals;
    for (let i = 0; i < rec.binCount; i++) {
      const b = rec.bins[i] as number;
      if (b < 0) continue;
      counts[b] = (counts[b] as number) + 1;
      totals[b] = (totals[b] as number) + 1;
    }
    const numeric = rec.numeric;
    if (numeric) {
      for (let j = 0; j < numeric.length; j++) {
        const v = numeric[j] as number;
        if (Number.isNaN(v)) continue;
        slice.n[j] = (slice.n[j] as number) + 1;
        slice.sum[j] = (slice.sum[j] as number) + v;
        slice.sumSq[j] = (slice.sumSq[j] as number) + v * v;
        if (v < (slice.min[j] as number)) slice.min[j] = v;
        if (v > (slice.max[j] as number)) slice.max[j] = v;
        if (rec.outOfRange && rec.outOfRange[j]) slice.outOfRange[j] = (slice.outOfRange[j] as number) + 1;
        (slice.reservoirs[j] as ReservoirSample).add(v);
      }
    }
    slice.records += rec.records;
    this.records += rec.records;
    if (rec.outlier) slice.outliers++;
    if (rec.duplicate) slice.duplicates++;
  }

  snapshot(now: number): WindowSnapshot {
    this.advance(now);
    let outliers = 0;
    let duplicates = 0;
    let labelled = 0;
    for (const s of this.slices) {
      outliers += s.outliers;
      duplicates += s.duplicates;
      labelled += s.labelled;
    }
    return { counts: this.totals, records: this.records, outliers, duplicates, labelled, epoch: this.epoch };
  }

  /**
   * The slice holding time `at`, if it is still in the window as of `now` (used to attribute a late
   * label to its prediction's time); creates the slice's extra state on first use.
   */
  private liveSlice(at: number, now: number): Slice | undefined {
    this.advance(now);
    const e = Math.floor(at / this.sliceMs);
    if (e > this.epoch || e <= this.epoch - this.sliceCount) return undefined;
    return this.slices[e % this.sliceCount];
  }

  /** Counts a joined label for a prediction received at `at`; false when that time has left the window. */
  addLabelled(at: number, now: number): boolean {
    const slice = this.liveSlice(at, now);
    if (!slice) return false;
    slice.labelled++;
    return true;
  }

  /** The extra state of the slice holding time `at` (created with `create` on first use), if still live. */
  extraAt<X extends SliceExtra>(at: number, now: number, create: () => X): X | undefined {
    const slice = this.liveSlice(at, now);
    if (!slice) return undefined;
    slice.extra ??= create();
    return slice.extra as X;
  }

  /** The extra states of the live slices. */
  liveExtras<X extends SliceExtra>(now: number): X[] {
    this.advance(now);
    const out: X[] = [];
    for (const s of this.slices) if (s.extra && s.records + s.labelled > 0) out.push(s.extra as X);
    return out;
  }

  /** Sums, extremes and out-of-range counts of numeric column j over the live slices. */
  numericAggregate(now: number, j: number): NumericAggregate {
    this.advance(now);
    const agg: NumericAggregate = { n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity, outOfRange: 0 };
    for (const s of this.slices) {
      const n = s.n[j] as number;
      if (n === 0) continue;
      agg.n += n;
      agg.sum += s.sum[j] as number;
      agg.sumSq += s.sumSq[j] as number;
      agg.outOfRange += s.outOfRange[j] as number;
      if ((s.min[j] as number) < agg.min) agg.min = s.min[j] as number;
      if ((s.max[j] as number) > agg.max) agg.max = s.max[j] as number;
    }
    return agg;
  }

  /** A uniform sample (unsorted) of numeric column j's values in the window, at most shape.sampleSize long. */
  sample(now: number, j: number): Float64Array {
    this.advance(now);
    const parts: ReservoirSlice[] = [];
    for (const s of this.slices) {
      const r = s.reservoirs[j] as ReservoirSample;
      if (r.seen > 0) parts.push({ values: r.values(), seen: r.seen });
    }
    return mergeReservoirSlices(parts, this.shape.sampleSize, this.random);
  }
}
