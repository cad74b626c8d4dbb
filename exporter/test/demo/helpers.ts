/** Shared helpers of the demo tests: reading the committed reference data and comparing distributions. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { binIndex, quantileEdges } from '../../src/stats/bins.js';
import { proportions, psi } from '../../src/stats/psi.js';
import { sortedFinite } from '../../src/stats/quantile.js';

export const REFERENCE_CSV_PATH = fileURLToPath(new URL('../../demo/reference.csv', import.meta.url));
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../demo/modelwatch.yml', import.meta.url));

export type CsvRecord = Record<string, string>;

export function readReferenceCsvText(): string {
  return readFileSync(REFERENCE_CSV_PATH, 'utf8');
}

/** The committed reference CSV parsed with csv-parse (independently of the code that wrote it). */
export function readReferenceCsv(): CsvRecord[] {
  return parse(readReferenceCsvText(), { columns: true, skip_empty_lines: true }) as CsvRecord[];
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function sd(values: readonly number[]): number {
  const m = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - m) * (v - m);
  return Math.sqrt(sum / values.length);
}

export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Share of each distinct value. */
export function shares(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return new Map([...counts].map(([k, c]) => [k, c / values.length]));
}

/** PSI of a numeric sample against a reference sample, over 10 quantile bins of the reference (missing values left out). */
export function numericPsi(reference: readonly (number | null)[], current: readonly (number | null)[], bins = 10): number {
  const ref = reference.filter((v): v is number => v !== null);
  const cur = current.filter((v): v is number => v !== null);
  const edges = quantileEdges(sortedFinite(ref), bins);
  const count = (values: number[]) => {
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const v of values) {
      const i = binIndex(edges, v);
      counts[i] = (counts[i] as number) + 1;
    }
    return proportions(counts);
  };
  return psi(count(cur), count(ref));
}

/** PSI of a categorical sample against a reference sample; categories absent from the reference form their own bin. */
export function categoricalPsi(reference: readonly string[], current: readonly string[]): number {
  const categories = [...new Set([...reference, ...current])].sort();
  const count = (values: readonly string[]) => proportions(categories.map((c) => values.filter((v) => v === c).length));
  return psi(count(current), count(reference));
}
