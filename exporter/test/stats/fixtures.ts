/**
 * Loader and comparison helpers for the numpy/scipy reference values in
 * ../fixtures/stats/stats-fixtures.json (built by ../fixtures/stats/generate_stats_fixtures.py).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { SeededRandom } from '../../src/stats/random.js';

export interface GeneratedSpec {
  seed: number;
  n: number;
  transform: 'uniform' | 'irwinHall4';
  scale?: number;
  shift?: number;
  grid?: number;
  first: number[];
  last: number;
}

export interface BinnedCase {
  name: string;
  referenceCounts: number[];
  currentCounts: number[];
  epsilon: number;
  psi: number | null;
  psiTerms?: number[];
  js: number | null;
  hellinger: number | null;
  hellingerDirect?: number;
  referenceProportions?: number[];
  currentProportions?: number[];
  psiBins?: number;
  psiNEffective?: number;
  psiPValue: number | null;
}

export interface StatsFixtures {
  meta: { python: string; numpy: string; scipy: string };
  samples: Record<string, (number | null)[]>;
  generatedSamples: Record<string, GeneratedSpec>;
  moments: { sample: string; mean: number; std: number }[];
  quantiles: {
    reference: string;
    other: string;
    nBins: number;
    quantiles: number[];
    edges: number[];
    referenceCounts: number[];
    otherCounts: number[];
  }[];
  binned: BinnedCase[];
  chi2: { name: string; referenceCounts: number[]; currentCounts: number[]; statistic: number; pValue: number; dof: number }[];
  chi2Sf: { x: number; dof: number; sf: number }[];
  gamma: { a: number; x: number; q: number; p: number }[];
  logGamma: { x: number; value: number }[];
  normal: { x: number; erf: number; erfc: number }[];
  normalSf: { z: number; sf: number; cdf: number; twoSided: number }[];
  zTest: { current: string; reference: string; z: number; pValue: number }[];
  ks: { a: string; b: string; statistic: number; rawStatistic: number; pValue: number; method: 'exact' | 'asymptotic' }[];
  ksOutsideSquare: { n: number; h: number; prob: number }[];
  ksOutsideBand: { m: number; n: number; g: number; h: number; prob: number }[];
  kstwo: { n: number; d: number; sf: number; cdf: number }[];
  smirnov: { n: number; d: number; sf: number }[];
  wasserstein: { reference: string; current: string; distance: number; stdReference: number; normed: number }[];
  bh: { name: string; q: number; pValues: (number | null)[]; rejected: boolean[]; adjusted: (number | null)[] }[];
}

let cache: StatsFixtures | undefined;

export function fixtures(): StatsFixtures {
  cache ??= JSON.parse(
    readFileSync(new URL('../fixtures/stats/stats-fixtures.json', import.meta.url), 'utf8'),
  ) as StatsFixtures;
  return cache;
}

/** Rebuilds a generated sample exactly as the Python generator does (same PRNG, same exact operations). */
function rebuild(spec: GeneratedSpec): Float64Array {
  const rng = new SeededRandom(spec.seed);
  const out = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    let x: number;
    if (spec.transform === 'uniform') {
      x = rng.next();
    } else {
      x = rng.next();
      x = x + rng.next();
      x = x + rng.next();
      x = x + rng.next();
    }
    if (spec.scale !== undefined) x = x * spec.scale;
    if (spec.shift !== undefined) x = x + spec.shift;
    if (spec.grid !== undefined) x = Math.floor(x * spec.grid) / spec.grid;
    out[i] = x;
  }
  return out;
}

const sampleCache = new Map<string, Float64Array>();

/** A named sample in its stored order, NaN for missing values. */
export function sample(name: string): Float64Array {
  const cached = sampleCache.get(name);
  if (cached) return cached;
  const f = fixtures();
  let values: Float64Array;
  const stored = f.samples[name];
  if (stored) {
    values = Float64Array.from(stored, (v) => (v === null ? Number.NaN : v));
  } else {
    const spec = f.generatedSamples[name];
    if (!spec) throw new Error(`no sample ${name} in the fixtures`);
    values = rebuild(spec);
    // The rebuilt stream must be the one the fixtures were computed on.
    expect(Array.from(values.subarray(0, spec.first.length))).toEqual(spec.first);
    expect(values[values.length - 1]).toBe(spec.last);
  }
  sampleCache.set(name, values);
  return values;
}

/**
 * Tolerance for statistics: |actual - expected| <= tol * max(1, |expected|), i.e. absolute near 0 and relative
 * for large values.
 */
export function expectStat(actual: number, expected: number, label: string, tol = 1e-9): void {
  if (Number.isNaN(expected)) {
    expect(actual, label).toBeNaN();
    return;
  }
  const bound = tol * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual - expected), `${label}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(bound);
}

/**
 * Tolerance for p-values: relative, |actual - expected| <= rel * |expected|, plus an absolute floor of 1e-305
 * because below ~1e-300 doubles are subnormal and cannot hold 1e-6 relative precision (such values only occur as
 * "astronomically significant" and are reported as such either way).
 */
export function expectP(actual: number, expected: number, label: string, rel = 1e-6): void {
  if (Number.isNaN(expected)) {
    expect(actual, label).toBeNaN();
    return;
  }
  const bound = rel * Math.abs(expected) + 1e-305;
  expect(Math.abs(actual - expected), `${label}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(bound);
}

/** Finite values of a sample, sorted ascending (missing values dropped). */
export function sortedSample(name: string): Float64Array {
  const values = sample(name);
  const out = values.filter((v) => Number.isFinite(v));
  return out.sort();
}
