/**
 * How a model's monitored columns map onto one flat array of bin counters. Every column (feature,
 * prediction, score, label) owns a contiguous run of bins; its last bin is `missing`. Keeping all counts in
 * one Float64Array per window slice makes ingest a handful of array increments and lets a scrape read
 * them without allocation.
 */
import { binIndex } from '../stats/bins.js';
import type { ColumnProfile, ReferenceProfile } from '../reference/profile-types.js';
import { OTHER_BIN, UNSEEN_BIN } from '../reference/profile-types.js';

export interface LayoutColumn {
  profile: ColumnProfile;
  /** Index of this column's first bin in the flat array. */
  offset: number;
  binCount: number;
  /** Absolute index of the `missing` bin. */
  missingIndex: number;
  /** Categorical only: category → absolute bin index of the top-K categories. */
  categoryIndex: Map<string, number> | undefined;
  /** Categorical only: all reference categories (top-K or not). */
  known: Set<string> | undefined;
  otherIndex: number;
  unseenIndex: number;
  edges: Float64Array | undefined;
  /** Index among the numeric columns (per-value aggregates and samples), or -1 for categorical ones. */
  numericIndex: number;
}

export interface ColumnLayout {
  columns: LayoutColumn[];
  byName: Map<string, LayoutColumn>;
  /** Columns with role `feature`, in profile order. */
  features: LayoutColumn[];
  prediction: LayoutColumn | undefined;
  score: LayoutColumn | undefined;
  label: LayoutColumn | undefined;
  /** Numeric columns, indexed by `numericIndex`. */
  numeric: LayoutColumn[];
  totalBins: number;
}

export function buildLayout(profile: ReferenceProfile): ColumnLayout {
  const columns: LayoutColumn[] = [];
  let offset = 0;
  let numericCount = 0;
  for (const p of profile.columns) {
    const binCount = p.binLabels.length;
    let categoryIndex: Map<string, number> | undefined;
    let known: Set<string> | undefined;
    let otherIndex = -1;
    let unseenIndex = -1;
    if (p.kind === 'categorical') {
      categoryIndex = new Map(p.categories.map((c, i) => [c, offset + i]));
      known = new Set(p.known);
      otherIndex = offset + p.binLabels.indexOf(OTHER_BIN);
      unseenIndex = offset + p.binLabels.indexOf(UNSEEN_BIN);
    }
    columns.push({
      profile: p,
      offset,
      binCount,
      missingIndex: offset + binCount - 1,
      categoryIndex,
      known,
      otherIndex,
      unseenIndex,
      edges: p.kind === 'numeric' ? Float64Array.from(p.edges) : undefined,
      numericIndex: p.kind === 'numeric' ? numericCount++ : -1,
    });
    offset += binCount;
  }
  return {
    columns,
    byName: new Map(columns.map((c) => [c.profile.name, c])),
    features: columns.filter((c) => c.profile.role === 'feature'),
    prediction: columns.find((c) => c.profile.role === 'prediction'),
    score: columns.find((c) => c.profile.role === 'score'),
    label: columns.find((c) => c.profile.role === 'label'),
    numeric: columns.filter((c) => c.numericIndex >= 0),
    totalBins: offset,
  };
}

/** Result of binning one raw value: an absolute bin index, or a type error. */
export type BinResult = number | { error: string };

/**
 * The absolute bin of a raw JSON value for a column. null/undefined → missing. Numeric columns take
 * finite JSON numbers only; categorical columns take strings, numbers and booleans.
 */
export function binValue(column: LayoutColumn, raw: unknown): BinResult {
  if (raw === null || raw === undefined) return column.missingIndex;
  if (column.edges !== undefined) {
    if (typeof raw !== 'number') return { error: `expected a number or null, got ${describe(raw)}` };
    if (!Number.isFinite(raw)) return { error: 'expected a finite number' };
    return column.offset + binIndex(column.edges, raw);
  }
  let key: string;
  if (typeof raw === 'string') key = raw;
  else if (typeof raw === 'number' || typeof raw === 'boolean') key = String(raw);
  else return { error: `expected a string, number, boolean or null, got ${describe(raw)}` };
  const idx = (column.categoryIndex as Map<string, number>).get(key);
  if (idx !== undefined) return idx;
  return (column.known as Set<string>).has(key) ? column.otherIndex : column.unseenIndex;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 40 ? `a string ("${value.slice(0, 40)}…")` : `a string ("${value}")`;
  return `${typeof value} (${String(value)})`;
}
