/**
 * Accumulates one column's reference values while the file streams past, then finalises them into a
 * column profile. Pure: no I/O.
 */
import { formatEdge, numericBinLabel, quantileEdges, binIndex } from '../stats/bins.js';
import { quantileSorted } from '../stats/quantile.js';
import {
  MISSING_BIN,
  OTHER_BIN,
  UNSEEN_BIN,
  type CategoricalColumnProfile,
  type ColumnRole,
  type NumericColumnProfile,
} from './profile-types.js';

/** Cap on the distinct categories remembered per column (to tell `__other__` from `__unseen__`). */
export const KNOWN_CATEGORIES_CAP = 100_000;

export type ValueKind = 'numeric' | 'categorical' | 'infer';

/** Interprets one raw cell: a finite number, a category string, or missing. */
export type Cell = { kind: 'missing' } | { kind: 'number'; value: number } | { kind: 'text'; value: string };

export function readCell(raw: unknown, missingValues: ReadonlySet<string>): Cell {
  if (raw === null || raw === undefined) return { kind: 'missing' };
  if (typeof raw === 'number') return Number.isFinite(raw) ? { kind: 'number', value: raw } : { kind: 'missing' };
  if (typeof raw === 'boolean') return { kind: 'text', value: String(raw) };
  if (typeof raw === 'string') {
    if (missingValues.has(raw) || missingValues.has(raw.trim())) return { kind: 'missing' };
    const trimmed = raw.trim();
    if (trimmed.length > 0 && NUMBER_PATTERN.test(trimmed)) {
      const n = Number(trimmed);
      if (Number.isFinite(n)) return { kind: 'number', value: n };
    }
    return { kind: 'text', value: raw };
  }
  return { kind: 'text', value: JSON.stringify(raw) };
}

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export class ColumnAccumulator {
  private numbers = new Float64Array(1024);
  private n = 0;
  private texts = new Map<string, number>();
  private textOverflow = false;
  /** Set when a value that is not a number appears (inference then says categorical). */
  private sawText = false;
  private sawNumber = false;

  constructor(
    readonly source: string,
    readonly kind: ValueKind,
  ) {}

  add(cell: Cell): void {
    if (cell.kind === 'missing') return;
    if (this.kind !== 'categorical') {
      if (cell.kind === 'number') {
        if (this.n === this.numbers.length) {
          const grown = new Float64Array(this.numbers.length * 2);
          grown.set(this.numbers);
          this.numbers = grown;
        }
        this.numbers[this.n++] = cell.value;
        this.sawNumber = true;
      } else {
        this.sawText = true;
        // A declared numeric column with text in it: the value cannot be binned and counts as missing.
        if (this.kind === 'numeric') return;
      }
    }
    if (this.kind !== 'numeric') {
      const key = cell.kind === 'number' ? String(cell.value) : cell.value;
      const prev = this.texts.get(key);
      if (prev !== undefined) this.texts.set(key, prev + 1);
      else if (this.texts.size < KNOWN_CATEGORIES_CAP) this.texts.set(key, 1);
      else this.textOverflow = true;
    }
  }

  /** Type an undeclared column would get: numeric iff every present value was a number. */
  inferredKind(): 'numeric' | 'categorical' {
    if (this.kind !== 'infer') return this.kind;
    return this.sawText ? 'categorical' : 'numeric';
  }

  /** True when some present value was not a number. */
  get hasText(): boolean {
    return this.sawText;
  }

  /** True when some present value was a number. */
  get hasNumber(): boolean {
    return this.sawNumber;
  }

  finalizeNumeric(name: string, role: ColumnRole, bins: number, sampleSize: number, rowCount: number): NumericColumnProfile {
    const values = this.numbers.subarray(0, this.n).slice().sort();
    const missing = rowCount - values.length;
    const edges = quantileEdges(values, bins);
    const binCount = edges.length + 1;
    const counts = new Float64Array(binCount + 1);
    for (let i = 0; i < values.length; i++) counts[binIndex(edges, values[i] as number)]! += 1;
    counts[binCount] = missing;
    const total = rowCount;
    const binLabels: string[] = [];
    const lower: string[] = [];
    const upper: string[] = [];
    for (let i = 0; i < binCount; i++) {
      binLabels.push(numericBinLabel(i, binCount));
      lower.push(formatEdge(i === 0 ? -Infinity : (edges[i - 1] as number)));
      upper.push(formatEdge(i === binCount - 1 ? Infinity : (edges[i] as number)));
    }
    binLabels.push(MISSING_BIN);
    lower.push('');
    upper.push('');
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i] as number;
    const mean = values.length > 0 ? sum / values.length : Number.NaN;
    let ss = 0;
    for (let i = 0; i < values.length; i++) {
      const d = (values[i] as number) - mean;
      ss += d * d;
    }
    const std = values.length > 0 ? Math.sqrt(ss / values.length) : Number.NaN;
    const quantiles: Record<string, number> = {};
    for (const [key, p] of [
      ['p0.5', 0.005],
      ['p1', 0.01],
      ['p5', 0.05],
      ['p25', 0.25],
      ['p50', 0.5],
      ['p75', 0.75],
      ['p95', 0.95],
      ['p99', 0.99],
      ['p99.5', 0.995],
    ] as const) {
      quantiles[key] = quantileSorted(values, p);
    }
    return {
      kind: 'numeric',
      name,
      source: this.source,
      role,
      count: total,
      missing,
      binLabels,
      ratios: Array.from(counts, (c) => (total > 0 ? c / total : 0)),
      edges,
      lower,
      upper,
      min: values.length > 0 ? (values[0] as number) : Number.NaN,
      max: values.length > 0 ? (values[values.length - 1] as number) : Number.NaN,
      mean,
      std,
      quantiles,
      sample: evenlySpacedSample(values, sampleSize),
    };
  }

  finalizeCategorical(name: string, role: ColumnRole, topK: number, rowCount: number): CategoricalColumnProfile {
    const entries = [...this.texts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const top = entries.slice(0, topK);
    const present = entries.reduce((s, [, c]) => s + c, 0);
    const missing = rowCount - present;
    const otherCount = present - top.reduce((s, [, c]) => s + c, 0);
    const categories = top.map(([k]) => k);
    const binLabels = [...categories.map(categoryBinLabel), OTHER_BIN, UNSEEN_BIN, MISSING_BIN];
    const counts = [...top.map(([, c]) => c), otherCount, 0, missing];
    return {
      kind: 'categorical',
      name,
      source: this.source,
      role,
      count: rowCount,
      missing,
      binLabels,
      ratios: counts.map((c) => (rowCount > 0 ? c / rowCount : 0)),
      categories,
      known: entries.map(([k]) => k).sort(),
      distinct: entries.length,
      knownTruncated: this.textOverflow,
    };
  }
}

const RESERVED = new Set([MISSING_BIN, OTHER_BIN, UNSEEN_BIN]);

/** A category that happens to be spelled like a reserved bin is exported as `value:<name>`. */
export function categoryBinLabel(category: string): string {
  return RESERVED.has(category) || category.startsWith('value:') ? `value:${category}` : category;
}

/**
 * k evenly spaced order statistics of a sorted array (all of it when it is no longer than k):
 * element floor((i + 0.5) n / k) for i = 0..k-1. Deterministic, so every replica holds the same sample.
 */
export function evenlySpacedSample(sorted: Float64Array, k: number): number[] {
  const n = sorted.length;
  if (n <= k) return Array.from(sorted);
  const out = new Array<number>(k);
  for (let i = 0; i < k; i++) out[i] = sorted[Math.floor(((i + 0.5) * n) / k)] as number;
  return out;
}
