/**
 * The drift and data-quality report of one model version in one window: every column's drift, the
 * per-feature `drifted` decision (Benjamini–Hochberg across the model's features on the primary test's
 * p-values, AND a minimum effect size), and quality shares. Value-based tests (KS, Wasserstein) need the
 * window's sample; they are recomputed only when the window's set of slices changes and cached in between,
 * so frequent scrapes cost O(features × bins).
 */
import type { DriftConfig } from '../config/load.js';
import type { LayoutColumn } from '../model/column-layout.js';
import type { ModelRuntime } from '../model/model-runtime.js';
import type { VersionState } from '../model/version-state.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { quantileSorted } from '../stats/quantile.js';
import type { SlicedWindow } from '../windows/sliced-window.js';
import { addNumericDrift, binnedDrift, primaryPValue, referenceCounts, type ColumnDrift } from './column-drift.js';

export interface NumericSummary {
  mean: number;
  std: number;
  min: number;
  max: number;
  p50: number;
}

export interface ColumnReport {
  column: LayoutColumn;
  drift: ColumnDrift;
  /** Fewer than min_window_samples values: no scores, no decision. */
  insufficient: boolean;
  /** Primary test p-value, BH-adjusted within its family. */
  adjustedP: number;
  drifted: boolean;
  missingRatio: number;
  /** Numeric: share of present values outside the reference [min, max]. */
  outOfRangeRatio: number | undefined;
  /** Categorical: share of values never seen in the reference. */
  unseenRatio: number | undefined;
  summary: NumericSummary | undefined;
}

export interface WindowReport {
  window: SlicedWindow;
  records: number;
  columns: ColumnReport[];
  /** Drifted features / features with enough data; NaN when none had enough. */
  driftedFeaturesRatio: number;
  outlierRatio: number;
  duplicateRatio: number;
}

interface SampleCache {
  epoch: number;
  values: (ValueStats | undefined)[];
}

interface ValueStats {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  outOfRange: number;
  sortedSample: Float64Array;
  /** KS, Wasserstein and z of this sample against the reference: computed on first use, then cached with it. */
  numericDrift?: ColumnDrift;
}

const sampleCaches = new WeakMap<SlicedWindow, SampleCache>();
const referenceCache = new WeakMap<ModelRuntime, { counts: Float64Array[]; samples: Float64Array[] }>();

function referenceData(model: ModelRuntime) {
  let cached = referenceCache.get(model);
  if (!cached) {
    cached = {
      counts: model.layout.columns.map((c) => referenceCounts(c.profile)),
      samples: model.layout.columns.map((c) => (c.profile.kind === 'numeric' ? sortedCopy(c.profile.sample) : new Float64Array(0))),
    };
    referenceCache.set(model, cached);
  }
  return cached;
}

/** An ascending Float64Array copy; the profile's sample is stored ascending, so the sort is usually skipped. */
function sortedCopy(values: readonly number[]): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 1; i < out.length; i++) {
    if (!((out[i - 1] as number) <= (out[i] as number))) return out.sort();
  }
  return out;
}

/** The value-based measures of a numeric column, once per window sample (they change only with the sample). */
function numericDrift(v: ValueStats, profile: LayoutColumn['profile'], sortedReference: Float64Array): ColumnDrift {
  if (!v.numericDrift) {
    const drift: ColumnDrift = { n: v.n, scores: {}, pValues: {} };
    addNumericDrift(drift, v, profile, sortedReference);
    v.numericDrift = drift;
  }
  return v.numericDrift;
}

function valueStats(window: SlicedWindow, model: ModelRuntime, now: number, epoch: number): (ValueStats | undefined)[] {
  const cached = sampleCaches.get(window);
  if (cached && cached.epoch === epoch) return cached.values;
  const values = model.layout.numeric.map((col) => {
    const j = col.numericIndex;
    const agg = window.numericAggregate(now, j);
    if (agg.n === 0) return undefined;
    const mean = agg.sum / agg.n;
    const variance = Math.max(agg.sumSq / agg.n - mean * mean, 0);
    return { n: agg.n, mean, std: Math.sqrt(variance), min: agg.min, max: agg.max, outOfRange: agg.outOfRange, sortedSample: window.sample(now, j).sort() };
  });
  sampleCaches.set(window, { epoch, values });
  return values;
}

export function windowReport(state: VersionState, window: SlicedWindow, settings: DriftConfig, now: number): WindowReport {
  const model = state.model;
  const layout = model.layout;
  const snap = window.snapshot(now);
  const ref = referenceData(model);
  const values = valueStats(window, model, now, snap.epoch);
  const reports: ColumnReport[] = layout.columns.map((col, i) => {
    const counts = snap.counts.subarray(col.offset, col.offset + col.binCount);
    const drift = binnedDrift(counts, col.profile, ref.counts[i] as Float64Array, settings.psiEpsilon);
    const v = col.numericIndex >= 0 ? values[col.numericIndex] : undefined;
    if (v) {
      const numeric = numericDrift(v, col.profile, ref.samples[i] as Float64Array);
      Object.assign(drift.scores, numeric.scores);
      Object.assign(drift.pValues, numeric.pValues);
    }
    const insufficient = drift.n < settings.minWindowSamples;
    const missing = (counts[col.binCount - 1] as number) / (drift.n || 1);
    return {
      column: col,
      drift,
      insufficient,
      adjustedP: Number.NaN,
      drifted: false,
      missingRatio: drift.n > 0 ? missing : Number.NaN,
      outOfRangeRatio: col.numericIndex >= 0 ? (v ? v.outOfRange / v.n : Number.NaN) : undefined,
      unseenRatio: col.numericIndex < 0 && drift.n > 0 ? (counts[col.unseenIndex - col.offset] as number) / drift.n : undefined,
      summary: v ? { mean: v.mean, std: v.std, min: v.min, max: v.max, p50: quantileSorted(v.sortedSample, 0.5) } : undefined,
    };
  });
  // Decisions: BH across the features; prediction, score and label are each their own family of one.
  const features = reports.filter((r) => r.column.profile.role === 'feature');
  decide(features, settings);
  for (const r of reports) if (r.column.profile.role !== 'feature') decide([r], settings);
  const tested = features.filter((r) => !r.insufficient);
  return {
    window,
    records: snap.records,
    columns: reports,
    driftedFeaturesRatio: tested.length > 0 ? tested.filter((r) => r.drifted).length / tested.length : Number.NaN,
    outlierRatio: snap.records > 0 ? snap.outliers / snap.records : Number.NaN,
    duplicateRatio: snap.records > 0 ? snap.duplicates / snap.records : Number.NaN,
  };
}

function decide(family: ColumnReport[], settings: DriftConfig): void {
  const p = family.map((r) => (r.insufficient ? Number.NaN : primaryPValue(r.drift, r.column.profile.kind, settings.test)));
  const bh = benjaminiHochberg(p, settings.q);
  family.forEach((r, i) => {
    r.adjustedP = bh.adjusted[i] as number;
    const effect = r.drift.scores[settings.minEffectMethod] ?? 0;
    r.drifted = !r.insufficient && (bh.rejected[i] ?? false) && effect >= settings.minEffect;
  });
}
