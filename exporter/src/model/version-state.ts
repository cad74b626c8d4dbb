/**
 * Everything modelwatch holds for one (model, model_version): cumulative counters since start, the
 * sliding windows, the latency histogram and the data-quality counts. Mutated only by the ingest path;
 * read by the metric collectors at scrape time.
 */
import { SlicedWindow } from '../windows/sliced-window.js';
import type { ModelRuntime } from './model-runtime.js';
import { PerformanceSlice } from './performance-slice.js';
import { binValue, type LayoutColumn } from './column-layout.js';
import { PageHinkley } from '../performance/change-detection.js';

export const SCHEMA_VIOLATION_KINDS = ['missing_field', 'unexpected_field', 'type_error'] as const;
export type SchemaViolationKind = (typeof SCHEMA_VIOLATION_KINDS)[number];

/** Default latency buckets in seconds: 1 ms to 10 s. */
export const DEFAULT_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Default label-delay buckets in seconds: 1 s to 30 days. */
export const LABEL_DELAY_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 14_400, 43_200, 86_400, 259_200, 604_800, 2_592_000];

/** Additive sums behind the regression metrics (d = y − reference label mean keeps SST well conditioned). */
export interface RegressionSums {
  n: number;
  absError: number;
  squaredError: number;
  labelSquaredDeviation: number;
  labelDeviationPositive: number;
  labelDeviationNegative: number;
}

/** A prediction joined with its label, as the version state needs it. */
export interface JoinedObservation {
  predictionAt: number;
  labelAt: number;
  predicted: string | number | null;
  score: number | null;
  label: string | number;
  /** The prediction's bin per feature (relative), for the feature–label association; may be empty. */
  features?: number[];
}

export interface ObservedPrediction {
  bins: Int32Array;
  numeric: Float64Array;
  predictionId: string | undefined;
  predicted?: string | number | null;
  score?: number | null;
}

/** Change-point signals: the joined error rate (or scaled absolute error) and the mean score, in blocks. */
export const CHANGE_SIGNALS = ['error', 'score'] as const;
export type ChangeSignal = (typeof CHANGE_SIGNALS)[number];
/** Observations averaged into one detector input (a block mean is far less noisy than single 0/1 errors). */
export const CHANGE_BLOCK = 50;
/**
 * Page-Hinkley alarm threshold on block means. The inputs live on a 0..1 scale (error rate, score, or
 * absolute error in reference label standard deviations), where River's default of 50 would need about
 * 50 fully wrong blocks; 4 detects a 10% → 30% error-rate jump within about 20 blocks (1,000 records) while staying silent
 * on long stationary streams (tested).
 */
export const CHANGE_THRESHOLD = 4;

/** What every request record carries besides its data: outcome, latency and resources. */
export interface ObservedRequest {
  latencySeconds: number | undefined;
  error: string | undefined;
  cpuSeconds: number | undefined;
  gpuSeconds: number | undefined;
  memoryBytes: number | undefined;
}

/** Most distinct error classes kept per model version; later ones count as "__other__". */
export const MAX_ERROR_CLASSES = 20;

/** Buckets of the per-request memory histogram, bytes: 1 MiB to 16 GiB. */
export const MEMORY_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384].map((mib) => mib * 1024 * 1024);

export class VersionState {
  /** Per-bin counts since start (the `_total` counters). */
  readonly cumulative: Float64Array;
  readonly windows: SlicedWindow[];
  predictions = 0;
  labels = 0;
  outliers = 0;
  duplicates = 0;
  lastRecordSeconds = 0;
  lastSeenMs: number;
  readonly schemaViolations = new Map<SchemaViolationKind, number>(SCHEMA_VIOLATION_KINDS.map((k) => [k, 0]));
  readonly latencyBuckets: Float64Array;
  latencySum = 0;
  latencyCount = 0;
  private readonly outOfRange: Uint8Array;
  requests = 0;
  readonly errors = new Map<string, number>();
  cpuSeconds = 0;
  gpuSeconds = 0;
  readonly memoryBuckets = new Float64Array(MEMORY_BUCKETS.length);
  memorySum = 0;
  memoryCount = 0;
  /** Joined predictions since start. */
  joined = 0;
  readonly labelDelayBuckets = new Float64Array(LABEL_DELAY_BUCKETS.length);
  labelDelaySum = 0;
  labelDelayCount = 0;
  /** Classification: cumulative confusion matrix, row = actual, column = predicted. */
  readonly confusion: Float64Array | undefined;
  /** Comparisons of this version's challenger/baseline predictions with the champion's for the same id, by role. */
  readonly shadow = new Map<string, { compared: number; agreed: number; absoluteDifference: number }>();
  readonly changePoints = new Map<ChangeSignal, number>(CHANGE_SIGNALS.map((k) => [k, 0]));
  private readonly detectors = new Map<ChangeSignal, { detector: PageHinkley; sum: number; n: number }>(
    CHANGE_SIGNALS.map((k) => [k, { detector: new PageHinkley({ threshold: CHANGE_THRESHOLD }), sum: 0, n: 0 }]),
  );
  readonly regression: RegressionSums = { n: 0, absError: 0, squaredError: 0, labelSquaredDeviation: 0, labelDeviationPositive: 0, labelDeviationNegative: 0 };

  constructor(
    readonly model: ModelRuntime,
    readonly version: string,
    now: number,
  ) {
    const layout = model.layout;
    this.cumulative = new Float64Array(layout.totalBins);
    const shape = { bins: layout.totalBins, numeric: layout.numeric.length, sampleSize: model.settings.windowSampleSize };
    this.windows = model.config.windows.map((w, i) => new SlicedWindow(w.name, w.durationMs, shape, 60, now, i + 1));
    this.latencyBuckets = new Float64Array(model.latencyBuckets.length);
    this.outOfRange = new Uint8Array(layout.numeric.length);
    this.lastSeenMs = now;
    const k = model.classes?.size ?? 0;
    this.confusion = model.classes ? new Float64Array(k * k) : undefined;
  }

  /** Records a prediction joined with its label, attributed to the prediction's receipt time. */
  observeJoined(now: number, j: JoinedObservation): void {
    this.joined++;
    const delay = Math.max(0, j.labelAt - j.predictionAt) / 1000;
    for (let i = 0; i < LABEL_DELAY_BUCKETS.length; i++) {
      if (delay <= (LABEL_DELAY_BUCKETS[i] as number)) {
        this.labelDelayBuckets[i] = (this.labelDelayBuckets[i] as number) + 1;
        break;
      }
    }
    this.labelDelaySum += delay;
    this.labelDelayCount++;
    const classes = this.model.classes;
    const slices: PerformanceSlice[] = [];
    for (const w of this.windows) {
      if (!w.addLabelled(j.predictionAt, now)) continue;
      const slice = this.performanceSlice(w, j.predictionAt, now);
      if (slice) slices.push(slice);
    }
    const labelCol = this.model.layout.label;
    if (labelCol && j.features && j.features.length === this.model.layout.features.length) {
      const lb = binValue(labelCol, j.label);
      if (typeof lb === 'number' && lb !== labelCol.missingIndex) {
        for (const s of slices) {
          if (!s.association) continue;
          j.features.forEach((fb, i) => {
            if (fb >= 0) s.association![i]!.add(fb, lb - labelCol.offset);
          });
        }
      }
    }
    if (classes && this.confusion && j.predicted !== null) {
      const actual = classes.of(String(j.label));
      const predicted = classes.of(String(j.predicted));
      const cell = actual * classes.size + predicted;
      this.confusion[cell] = (this.confusion[cell] as number) + 1;
      const positiveClass = this.model.config.positiveClass;
      const isPositive = positiveClass !== undefined && String(j.label) === positiveClass;
      for (const s of slices) {
        s.confusion?.add(actual, predicted);
        if (typeof j.score === 'number' && j.score >= 0 && j.score <= 1) {
          s.scores?.add(j.score, isPositive);
          s.losses?.add(isPositive, j.score);
        }
      }
      this.signal('error', actual === predicted ? 0 : 1);
    }
    if (this.model.config.task === 'regression' && typeof j.predicted === 'number' && typeof j.label === 'number') {
      for (const s of slices) {
        s.regression?.add(j.label, j.predicted);
        s.absErrors?.add(Math.abs(j.label - j.predicted));
      }
      this.signal('error', Math.abs(j.label - j.predicted) / this.model.labelScale);
      const e = j.label - j.predicted;
      const d = j.label - this.model.labelCentre;
      const r = this.regression;
      r.n++;
      r.absError += Math.abs(e);
      r.squaredError += e * e;
      r.labelSquaredDeviation += d * d;
      if (d >= 0) r.labelDeviationPositive += d;
      else r.labelDeviationNegative -= d;
    }
    this.touch(now);
  }

  /** Records one accepted prediction. */
  observePrediction(now: number, p: ObservedPrediction): void {
    const model = this.model;
    const layout = model.layout;
    const cum = this.cumulative;
    const bins = p.bins;
    for (let i = 0; i < bins.length; i++) {
      const b = bins[i] as number;
      if (b >= 0) cum[b] = (cum[b] as number) + 1;
    }
    // Out-of-range flags and the record's out-of-distribution share (features only).
    let present = 0;
    let extreme = 0;
    for (let j = 0; j < layout.numeric.length; j++) {
      const v = p.numeric[j] as number;
      const bounds = model.numericBounds[j]!;
      if (Number.isNaN(v)) {
        this.outOfRange[j] = 0;
        continue;
      }
      this.outOfRange[j] = v < bounds.min || v > bounds.max ? 1 : 0;
      if (bounds.feature) {
        present++;
        if (v < bounds.low || v > bounds.high) extreme++;
      }
    }
    for (let i = 0; i < layout.columns.length; i++) {
      const col = layout.columns[i] as LayoutColumn;
      if (col.numericIndex >= 0 || col.profile.role !== 'feature') continue;
      const b = bins[i] as number;
      if (b < 0 || b === col.missingIndex) continue;
      present++;
      if (b === col.unseenIndex) extreme++;
    }
    const outlier = extreme > 0 && present > 0 && extreme / present >= model.settings.outlierMinShare;
    if (outlier) this.outliers++;
    const duplicate = p.predictionId !== undefined && model.recentIds.seen(p.predictionId, now);
    if (duplicate) this.duplicates++;
    const rec = { bins, binCount: bins.length, numeric: p.numeric, outOfRange: this.outOfRange, records: 1, outlier, duplicate };
    for (const w of this.windows) w.add(now, rec);
    this.predictions++;
    const calibrate = model.calibrate;
    if (calibrate && typeof p.score === 'number' && p.predicted !== undefined && p.predicted !== null) {
      const probability = calibrate(p.score);
      const predictedPositive = String(p.predicted) === model.config.positiveClass;
      for (const w of this.windows) {
        const slice = this.performanceSlice(w, now, now);
        slice?.expected?.add(probability, predictedPositive);
        slice?.expectedScores?.add(p.score, probability);
      }
    }
    if (typeof p.score === 'number') this.signal('score', p.score);
    this.touch(now);
  }

  private performanceSlice(w: SlicedWindow, at: number, now: number): PerformanceSlice | undefined {
    return w.extraAt(at, now, () => new PerformanceSlice(this.model.performanceShape, this.windows.indexOf(w) + 1));
  }

  /** Feeds one observation to a change detector, in block means; counts a detection and restarts the detector. */
  private signal(kind: ChangeSignal, value: number): void {
    const d = this.detectors.get(kind)!;
    d.sum += value;
    d.n++;
    if (d.n < CHANGE_BLOCK) return;
    const mean = d.sum / d.n;
    d.sum = 0;
    d.n = 0;
    if (d.detector.update(mean)) {
      this.changePoints.set(kind, (this.changePoints.get(kind) ?? 0) + 1);
      d.detector.reset();
    }
  }

  /** Compares this version's (non-champion) prediction with the champion's prediction of the same id. */
  observeComparison(role: string, own: string | number, champion: string | number): void {
    let c = this.shadow.get(role);
    if (!c) {
      c = { compared: 0, agreed: 0, absoluteDifference: 0 };
      this.shadow.set(role, c);
    }
    c.compared++;
    if (typeof own === 'number' && typeof champion === 'number') {
      c.absoluteDifference += Math.abs(own - champion);
      if (own === champion) c.agreed++;
    } else if (String(own) === String(champion)) c.agreed++;
  }

  /** Records one request record (successful or not): latency, outcome, resources. */
  observeRequest(now: number, r: ObservedRequest): void {
    this.requests++;
    if (r.latencySeconds !== undefined) this.observeLatency(r.latencySeconds);
    if (r.error !== undefined) {
      const key = this.errors.has(r.error) || this.errors.size < MAX_ERROR_CLASSES ? r.error : '__other__';
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
    if (r.cpuSeconds !== undefined) this.cpuSeconds += r.cpuSeconds;
    if (r.gpuSeconds !== undefined) this.gpuSeconds += r.gpuSeconds;
    if (r.memoryBytes !== undefined) {
      for (let i = 0; i < MEMORY_BUCKETS.length; i++) {
        if (r.memoryBytes <= (MEMORY_BUCKETS[i] as number)) {
          this.memoryBuckets[i] = (this.memoryBuckets[i] as number) + 1;
          break;
        }
      }
      this.memorySum += r.memoryBytes;
      this.memoryCount++;
    }
    this.touch(now);
  }

  /** Records one accepted label; `bin` is the label column's absolute bin or -1, `value` its numeric value or NaN. */
  observeLabel(now: number, bin: number, value: number): void {
    const col = this.model.layout.label;
    if (bin >= 0 && col) {
      this.cumulative[bin] = (this.cumulative[bin] as number) + 1;
      const bins = Int32Array.of(bin);
      let numeric: Float64Array | undefined;
      if (col.numericIndex >= 0) {
        numeric = new Float64Array(this.model.layout.numeric.length).fill(Number.NaN);
        numeric[col.numericIndex] = value;
      }
      const rec = numeric ? { bins, binCount: 1, numeric, records: 0 } : { bins, binCount: 1, records: 0 };
      for (const w of this.windows) w.add(now, rec);
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
