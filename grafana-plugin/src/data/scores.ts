/**
 * Scores of one feature from its bins. Every statistic comes from the exporter's own implementation
 * (exporter/src/stats), so the panel and the exporter agree on the definitions.
 */
import { binnedCdfGap } from '../../../exporter/src/stats/binned-ks.js';
import { hellingerDistance } from '../../../exporter/src/stats/hellinger.js';
import { jensenShannonDistance } from '../../../exporter/src/stats/js.js';
import { DEFAULT_PSI_EPSILON, proportions, psi, psiTerms } from '../../../exporter/src/stats/psi.js';

export type StatisticId = 'psi' | 'js' | 'hellinger' | 'ks';

export const STATISTICS: ReadonlyArray<{ id: StatisticId; label: string; description: string }> = [
  { id: 'psi', label: 'PSI', description: 'Population stability index over the reference bins' },
  { id: 'js', label: 'JS', description: 'Jensen–Shannon distance (base 2, 0..1) over the reference bins' },
  { id: 'hellinger', label: 'Hellinger', description: 'Hellinger distance over the reference bins' },
  {
    id: 'ks',
    label: 'KS gap',
    description:
      'Largest gap between the binned CDFs (numeric features, missing excluded); on the same values a lower bound of the KS statistic',
  },
];

export type Scores = Record<StatisticId, number | null>;

export interface Cdf {
  /** Indices (into the feature's bins) of the non-missing numeric bins, in order. */
  binIndex: number[];
  /** Cumulative shares at each bin's upper edge, missing excluded. */
  current: number[];
  reference: number[];
  /** Position (into binIndex) and size of the largest gap. */
  gapAt: number;
  gap: number;
}

export interface ScoreInput {
  numeric: boolean;
  /** Index of the `missing` bin, or -1. */
  missingIndex: number;
  psiEpsilon?: number | undefined;
}

export interface ScoreResult {
  currentShares: number[];
  referenceShares: number[] | null;
  psiTerms: number[] | null;
  scores: Scores;
  cdf: Cdf | null;
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * Cumulative shares of the non-missing bins at each bin's upper edge, on both sides, and their largest gap.
 * Null when either side has nothing outside `missing`. This is what the CDF view draws; the exporter's KS
 * is computed on samples, and on the same values it is at least this gap.
 */
export function binnedCdf(counts: readonly number[], reference: readonly number[], missingIndex: number): Cdf | null {
  const binIndex = counts.map((_, i) => i).filter((i) => i !== missingIndex);
  const g = binnedCdfGap(
    binIndex.map((i) => counts[i] as number),
    binIndex.map((i) => reference[i] as number),
  );
  if (!Number.isFinite(g.gap)) return null;
  return { binIndex, current: g.current, reference: g.reference, gapAt: g.gapAt, gap: g.gap };
}

export function computeScores(counts: readonly number[], reference: readonly number[] | null, input: ScoreInput): ScoreResult {
  const epsilon = input.psiEpsilon ?? DEFAULT_PSI_EPSILON;
  const currentShares = proportions(counts);
  const referenceShares = reference && sum(reference) > 0 ? proportions(reference) : null;
  const comparable = referenceShares !== null && sum(counts) > 0;
  const scores: Scores = { psi: null, js: null, hellinger: null, ks: null };
  let terms: number[] | null = null;
  let cdf: Cdf | null = null;
  if (comparable) {
    terms = psiTerms(currentShares, referenceShares, epsilon);
    scores.psi = psi(currentShares, referenceShares, epsilon);
    scores.js = finiteOrNull(jensenShannonDistance(currentShares, referenceShares));
    scores.hellinger = finiteOrNull(hellingerDistance(currentShares, referenceShares));
    if (input.numeric) {
      cdf = binnedCdf(counts, referenceShares, input.missingIndex);
      scores.ks = cdf ? cdf.gap : null;
    }
  }
  return { currentShares, referenceShares, psiTerms: terms, scores, cdf };
}
