/**
 * Loader for the scikit-learn / scipy reference values in
 * ../fixtures/performance/performance-fixtures.json (built by ../fixtures/performance/generate_performance_fixtures.py).
 * Undefined results are stored as null; `num` turns them into NaN.
 */
import { readFileSync } from 'node:fs';

export type Num = number | null;

export interface ClassificationCase {
  name: string;
  classes: number;
  positiveClass: number;
  actual: number[];
  predicted: number[];
  confusion: number[];
  accuracy: Num;
  perClass: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
  macroPresent: { precision: Num; recall: Num; f1: Num };
  macroAll: { precision: Num; recall: Num; f1: Num };
  binary?: { precision: number; recall: number; f1: number };
  wilson: { accuracy95: [number, number] | null; accuracy90: [number, number] | null; precision95: [number, number] | null; recall95: [number, number] | null };
  f1Variance: Num;
  macroF1VariancePresent: number;
  macroF1VarianceAll: number;
}

export interface ScoresCase {
  name: string;
  labels: number[];
  scores: number[];
  exactGrid: boolean;
  rocAuc: Num;
  ks: Num;
  logLoss: number;
  logLossLegacy: number;
  brier: number;
  delongVariance: Num;
}

export interface RegressionCase {
  name: string;
  actual: number[];
  predicted: number[];
  shift: number;
  features: number | null;
  meanError: number;
  mae: number;
  mse: number;
  rmse: number;
  mape: Num;
  zeroActuals: number;
  r2: Num;
  adjustedR2?: Num;
  medianAe: number;
  r2Variance: Num;
}

export interface IsotonicCase {
  name: string;
  scores: number[];
  labels: number[];
  weights?: number[];
  x: number[];
  y: number[];
  queries: number[];
  predictions: number[];
}

export interface CbpeCase {
  referenceScores: number[];
  referenceLabels: number[];
  currentScores: number[];
  threshold: number;
  calibrated: number[];
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface StreamSegment {
  n: number;
  kind: 'bernoulli' | 'uniform';
  p?: number;
  scale?: number;
  shift?: number;
}

export interface PageHinkleyCase {
  name: string;
  stream: { seed: number; segments: StreamSegment[] };
  first: number[];
  last: number;
  runs: {
    config: string;
    options: { minInstances: number; delta: number; threshold: number; alpha: number; mode: 'up' | 'down' | 'both' };
    detections: number[];
  }[];
}

export interface PerformanceFixtures {
  meta: { python: string; numpy: string; scipy: string; sklearn: string };
  normalQuantile: { p: number; z: number }[];
  classification: ClassificationCase[];
  scores: ScoresCase[];
  regression: RegressionCase[];
  isotonic: IsotonicCase[];
  cbpe: CbpeCase;
  pearson: { name: string; x: number[]; y: number[]; shiftX: number; r: Num }[];
  cramer: { name: string; rows: number; columns: number; counts: number[]; value: Num; chi2: Num; dof: number; pValue: Num }[];
  pageHinkley: PageHinkleyCase[];
}

let cache: PerformanceFixtures | undefined;

export function fixtures(): PerformanceFixtures {
  cache ??= JSON.parse(
    readFileSync(new URL('../fixtures/performance/performance-fixtures.json', import.meta.url), 'utf8'),
  ) as PerformanceFixtures;
  return cache;
}

/** null (undefined in the fixture) as NaN. */
export function num(v: Num | undefined): number {
  return v === null || v === undefined ? Number.NaN : v;
}

/** Splits 0..n-1 into `parts` contiguous ranges of uneven sizes (for merge-equals-whole checks). */
export function unevenSplits(n: number, parts: number): [number, number][] {
  const cuts = new Set<number>([0, n]);
  for (let k = 1; k < parts; k++) cuts.add(Math.floor((n * k * k) / (parts * parts)));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < sorted.length; i++) out.push([sorted[i] as number, sorted[i + 1] as number]);
  return out;
}
