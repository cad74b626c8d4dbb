/**
 * A window's realized and estimated performance, from the merged accumulators of its live slices, with
 * confidence intervals (see performance/intervals.ts for the methods). Below MIN_LABELLED joined
 * predictions no realized metric is reported; below MIN_ESTIMATED predictions no estimate.
 */
import { classMetrics } from '../performance/classification.js';
import { cramersV } from '../performance/association.js';
import { ExpectedConfusion, ExpectedScoreHistogram } from '../performance/estimation.js';
import { f1Interval, precisionInterval, recallInterval, type Interval } from '../performance/intervals.js';
import { binaryPerformance, estimatedBinaryPerformance, multiclassPerformance, regressionPerformance } from '../performance/report.js';
import { mergeReservoirSlices, type ReservoirSlice } from '../stats/reservoir.js';
import { seededUniform } from '../stats/random.js';
import type { SlicedWindow } from '../windows/sliced-window.js';
import type { ModelRuntime } from './model-runtime.js';
import type { PerformanceSlice } from './performance-slice.js';

export const MIN_LABELLED = 30;
export const MIN_ESTIMATED = 30;

export interface WindowPerformance {
  realized: Record<string, Interval>;
  /** Per class (multiclass, or both classes of a binary model): precision, recall, f1. */
  perClass: { cls: string; metric: string; value: Interval }[];
  estimated: Record<string, Interval>;
  /** Cramér's V between each feature and the label over the window's joined predictions. */
  association: Record<string, number>;
}

const random = seededUniform(17);

export function windowPerformance(model: ModelRuntime, window: SlicedWindow, now: number): WindowPerformance {
  const out: WindowPerformance = { realized: {}, perClass: [], estimated: {}, association: {} };
  const slices = window.liveExtras<PerformanceSlice>(now);
  if (slices.length === 0) return out;
  const first = slices[0] as PerformanceSlice;
  const classes = model.classes;
  if (first.confusion && classes) {
    const cm = first.confusion.clone();
    const scores = first.scores?.clone();
    const losses = first.losses?.clone();
    for (let i = 1; i < slices.length; i++) {
      const s = slices[i] as PerformanceSlice;
      cm.merge(s.confusion!);
      if (scores && s.scores) scores.merge(s.scores);
      if (losses && s.losses) losses.merge(s.losses);
    }
    if (cm.total() >= MIN_LABELLED) {
      const positive = model.config.positiveClass !== undefined ? classes.of(model.config.positiveClass) : undefined;
      if (positive !== undefined) {
        // Binary view: the positive class against the rest.
        const realized = binaryPerformance({ confusion: cm, positiveClass: positive, ...(scores && scores.positiveTotal() > 0 && scores.negativeTotal() > 0 ? { scores } : {}), ...(losses ? { losses } : {}) });
        for (const [k, v] of Object.entries(realized)) if (v && Number.isFinite(v.value)) out.realized[k] = v;
      } else {
        const m = multiclassPerformance(cm);
        out.realized.accuracy = m.accuracy;
        if (Number.isFinite(m.macro_f1.value)) out.realized.macro_f1 = m.macro_f1;
      }
      for (let k = 0; k < classes.size; k++) {
        const c = classMetrics(cm, k);
        if (c.support === 0 && c.predicted === 0) continue;
        const cls = classes.names[k] as string;
        out.perClass.push({ cls, metric: 'precision', value: precisionInterval(cm, k) });
        out.perClass.push({ cls, metric: 'recall', value: recallInterval(cm, k) });
        out.perClass.push({ cls, metric: 'f1', value: f1Interval(cm, k) });
      }
    }
  }
  if (first.regression) {
    const sums = first.regression.clone();
    const parts: ReservoirSlice[] = [];
    for (let i = 0; i < slices.length; i++) {
      const s = slices[i] as PerformanceSlice;
      if (i > 0) sums.merge(s.regression!);
      if (s.absErrors && s.absErrors.seen > 0) parts.push({ values: s.absErrors.values(), seen: s.absErrors.seen });
    }
    if (sums.count >= MIN_LABELLED) {
      const absoluteErrors = mergeReservoirSlices(parts, 10_000, random);
      const features = model.layout.features.length;
      const r = regressionPerformance(sums, { features, absoluteErrors });
      for (const [k, v] of Object.entries(r)) if (v && Number.isFinite(v.value)) out.realized[k] = v;
    }
  }
  if (first.association) {
    const tables = first.association.map((t) => t.clone());
    for (let i = 1; i < slices.length; i++) (slices[i] as PerformanceSlice).association?.forEach((t, f) => tables[f]!.merge(t));
    model.layout.features.forEach((f, i) => {
      const v = cramersV(tables[i]!);
      if (v.total >= MIN_LABELLED && Number.isFinite(v.value)) out.association[f.profile.name] = v.value;
    });
  }
  if (first.expected) {
    const e = new ExpectedConfusion();
    const h = first.expectedScores ? new ExpectedScoreHistogram({ bins: first.expectedScores.histogram.bins }) : undefined;
    for (const s of slices) {
      if (s.expected) e.merge(s.expected);
      if (h && s.expectedScores) h.merge(s.expectedScores);
    }
    if (e.total >= MIN_ESTIMATED) {
      const est = estimatedBinaryPerformance(e, h);
      for (const [k, v] of Object.entries(est)) if (v && Number.isFinite(v.value)) out.estimated[k] = v;
    }
  }
  return out;
}
