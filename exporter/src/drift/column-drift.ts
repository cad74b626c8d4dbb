/**
 * The drift of one column in one window against the reference. Pure: takes the window's bin counts, the
 * numeric aggregates and the sorted window sample, and the column's reference profile.
 *
 * Binned measures use the reference bins including `missing`, so a change in the missing share is drift:
 *   psi        Σ (c − r)·ln(c / r), zero shares replaced by ε (no renormalising)
 *   js         Jensen–Shannon distance, base 2, in [0, 1]
 *   hellinger  sqrt(1 − Σ sqrt(c·r)), in [0, 1]
 *   chi2       Pearson's test of homogeneity on the 2×K table (reference counts, window counts); K = bins with
 *              a count on either side; no continuity correction
 *   psi p      n_eff·PSI ≈ χ²(B − 1), n_eff = 1/(1/n + 1/m) (an approximation; see stats/psi-significance.ts)
 * Numeric columns also get, on values (missing excluded):
 *   ks         two-sample Kolmogorov–Smirnov between the window's sample and the reference sample, with
 *              scipy's ks_2samp p-value: exact up to 10,000 values per side, asymptotic beyond; at scrape time
 *              the exact path is also capped by its cost (n1·n2·D <= KS_EXACT_WORK, or equal sizes, where it
 *              is O(n)), beyond which the asymptotic value is used (both are ~0 there)
 *   wasserstein  W1(window sample, reference sample) / max(std_ref, 0.001)
 *   z          (mean_window − mean_ref) / (std_ref / sqrt(n_window)) with a two-sided normal p-value; the
 *              window mean is exact (from running sums), not from the sample
 */
import type { ColumnProfile } from '../reference/profile-types.js';
import { chi2Homogeneity } from '../stats/chi2.js';
import { hellingerDistance } from '../stats/hellinger.js';
import { jensenShannonDistance } from '../stats/js.js';
import { KS_EXACT_MAX_N, ksPValue, ksStatistic } from '../stats/ks.js';
import { kstwoSf } from '../stats/kstwo.js';
import { psiPValue } from '../stats/psi-significance.js';
import { psi } from '../stats/psi.js';
import { normedWasserstein } from '../stats/wasserstein.js';
import { zTest } from '../stats/z-test.js';

export const DRIFT_METHODS = ['psi', 'js', 'hellinger', 'chi2', 'ks', 'wasserstein', 'z'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];
export const DRIFT_TESTS = ['psi', 'chi2', 'ks', 'z'] as const;
export type DriftTest = (typeof DRIFT_TESTS)[number];

/** What a numeric column's values look like in the window (NaN-free, sorted sample). */
export interface NumericWindowValues {
  n: number;
  mean: number;
  sortedSample: Float64Array;
}

export interface ColumnDrift {
  /** Values of the column in the window, missing ones included. */
  n: number;
  scores: Partial<Record<DriftMethod, number>>;
  pValues: Partial<Record<DriftTest, number>>;
}

/** Reference counts per bin, recovered from the stored shares and row count. */
export function referenceCounts(profile: ColumnProfile): Float64Array {
  return Float64Array.from(profile.ratios, (r) => Math.round(r * profile.count));
}

export function binnedDrift(counts: ArrayLike<number>, profile: ColumnProfile, refCounts: ArrayLike<number>, epsilon: number): ColumnDrift {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i] as number;
  const current = new Array<number>(counts.length);
  for (let i = 0; i < counts.length; i++) current[i] = n > 0 ? (counts[i] as number) / n : 0;
  const reference = profile.ratios;
  const psiValue = psi(current, reference, epsilon);
  let binsUsed = 0;
  for (let i = 0; i < counts.length; i++) if ((counts[i] as number) > 0 || (reference[i] as number) > 0) binsUsed++;
  const chi = chi2Homogeneity(refCounts, counts);
  return {
    n,
    scores: {
      psi: psiValue,
      js: jensenShannonDistance(current, reference),
      hellinger: hellingerDistance(current, reference),
      chi2: chi.statistic,
    },
    pValues: {
      psi: psiPValue(psiValue, n, profile.count, binsUsed).pValue,
      chi2: chi.pValue,
    },
  };
}

/** Adds the value-based measures of a numeric column to its binned drift. */
export function addNumericDrift(drift: ColumnDrift, values: NumericWindowValues, profile: ColumnProfile, sortedReferenceSample: Float64Array): void {
  if (profile.kind !== 'numeric' || values.n === 0 || sortedReferenceSample.length === 0) return;
  const ks = boundedKs(values.sortedSample, sortedReferenceSample);
  drift.scores.ks = ks.statistic;
  drift.pValues.ks = ks.pValue;
  drift.scores.wasserstein = normedWasserstein(sortedReferenceSample, values.sortedSample, profile.std).normed;
  const z = zTest(values.mean, values.n, profile.mean, profile.std);
  drift.scores.z = z.z;
  drift.pValues.z = z.pValue;
}

/** The p-value that decides drift for a column under the configured test ("auto": KS numeric, chi² categorical). */
export function primaryPValue(drift: ColumnDrift, kind: 'numeric' | 'categorical', test: 'auto' | DriftTest): number {
  const wanted: DriftTest = test === 'auto' ? (kind === 'numeric' ? 'ks' : 'chi2') : test;
  const p = drift.pValues[wanted] ?? drift.pValues.chi2;
  return p === undefined ? Number.NaN : p;
}

/** Lattice steps the exact KS p-value may take at scrape time (about 10 ms). */
export const KS_EXACT_WORK = 2_000_000;

/** KS as scipy's ks_2samp(method="auto"), except that an exact p-value too costly to compute is replaced by the asymptotic one. */
export function boundedKs(a: Float64Array, b: Float64Array): { statistic: number; pValue: number; method: 'exact' | 'asymptotic' | 'none' } {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { statistic: Number.NaN, pValue: Number.NaN, method: 'none' };
  const d = ksStatistic(a, b);
  const exactAllowed = Math.max(n1, n2) <= KS_EXACT_MAX_N && (n1 === n2 || n1 * n2 * d <= KS_EXACT_WORK);
  if (exactAllowed) return ksPValue(d, n1, n2);
  const en = (n1 * n2) / (n1 + n2);
  const p = kstwoSf(d, roundHalfEven(en));
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: 'asymptotic' };
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
