/**
 * Everything modelwatch holds for one (model, model_version): cumulative counters since start, the
 * sliding windows, the latency histogram and the data-quality counts. Mutated only by the ingest path;
 * read by the metric collectors at scrape time.
 */
import { SlicedWindow } from '../windows/sliced-window.js';
import type { ModelRuntime } from './model-runtime.js';

export const SCHEMA_VIOLATION_KINDS = ['missing_field', 'unexpected_field'] as const;
export type SchemaViolationKind = (typeof SCHEMA_VIOLATION_KINDS)[number];

/** Default latency buckets in seconds: 1 ms to 10 s. */
export const DEFAULT_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class VersionState {
  /** Per-bin counts since start (the `_total` counters). */
  readonly cumulative: Float64Array;
  readonly windows: SlicedWindow[];
  predictions = 0;
  labels = 0;
  lastRecordSeconds = 0;
  lastSeenMs: number;
  readonly schemaViolations = new Map<SchemaViolationKind, number>(SCHEMA_VIOLATION_KINDS.map((k) => [k, 0]));
  readonly latencyBuckets: Float64Array;
  latencySum = 0;
  latencyCount = 0;

  constructor(
    readonly model: ModelRuntime,
    readonly version: string,
    now: number,
  ) {
    const width = model.layout.totalBins;
    this.cumulative = new Float64Array(width);
    this.windows = model.config.windows.map((w) => new SlicedWindow(w.name, w.durationMs, width, 60, now));
    this.latencyBuckets = new Float64Array(model.latencyBuckets.length);
    this.lastSeenMs = now;
  }

  /** Records one accepted prediction: its bins (absolute indices, -1 = column not present) and latency. */
  observePrediction(now: number, bins: Int32Array, binCount: number, latencySeconds: number | undefined): void {
    const cum = this.cumulative;
    for (let i = 0; i < binCount; i++) {
      const b = bins[i] as number;
      if (b >= 0) cum[b] = (cum[b] as number) + 1;
    }
    for (const w of this.windows) w.add(now, bins, binCount, 1);
    this.predictions++;
    this.touch(now);
    if (latencySeconds !== undefined) this.observeLatency(latencySeconds);
  }

  /** Records one accepted label; `bin` is the label column's absolute bin or -1. */
  observeLabel(now: number, bin: number): void {
    if (bin >= 0) {
      this.cumulative[bin] = (this.cumulative[bin] as number) + 1;
      const one = Int32Array.of(bin);
      for (const w of this.windows) w.add(now, one, 1, 0);
    }
    this.labels++;
    this.touch(now);
  }

  addSchemaViolation(kind: SchemaViolationKind, n = 1): void {
    this.schemaViolations.set(kind, (this.schemaViolations.get(kind) ?? 0) + n);
  }

  private observeLatency(seconds: number): void {
    const buckets = this.model.latencyBuckets;
    // Cumulative `le` buckets are built at scrape time; here each observation lands in its first bucket.
    for (let i = 0; i < buckets.length; i++) {
      if (seconds <= (buckets[i] as number)) {
        this.latencyBuckets[i] = (this.latencyBuckets[i] as number) + 1;
        break;
      }
    }
    this.latencySum += seconds;
    this.latencyCount++;
  }

  private touch(now: number): void {
    this.lastSeenMs = now;
    this.lastRecordSeconds = now / 1000;
  }
}
