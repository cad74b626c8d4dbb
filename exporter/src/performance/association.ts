/**
 * Feature-label association for concept drift, from additive aggregates: Pearson correlation for a numeric
 * feature (running sums) and Cramér's V for a binned or categorical feature (a bounded contingency table). The
 * same measure on the reference and on a window shows a change in what the label depends on.
 */
import { chi2Sf } from '../stats/gamma.js';

/**
 * Running sums of (x, y) pairs for Pearson's r, shifted by constants (d = x - shiftX, t = y - shiftY; default 0)
 * so that centred sums keep their precision when the means are far from 0 (pass e.g. the reference means).
 * Additive (`merge`; slices must share the shifts). Also keeps the extremes, so a constant variable is detected
 * exactly. 11 numbers.
 */
export class PearsonSums {
  readonly shiftX: number;
  readonly shiftY: number;
  count = 0;
  sumX = 0;
  sumY = 0;
  sumXX = 0;
  sumYY = 0;
  sumXY = 0;
  minX = Number.POSITIVE_INFINITY;
  maxX = Number.NEGATIVE_INFINITY;
  minY = Number.POSITIVE_INFINITY;
  maxY = Number.NEGATIVE_INFINITY;

  constructor(shiftX = 0, shiftY = 0) {
    if (!(Number.isFinite(shiftX) && Number.isFinite(shiftY))) throw new RangeError('Pearson shifts must be finite');
    this.shiftX = shiftX;
    this.shiftY = shiftY;
  }

  /** Adds a pair; false (nothing counted) unless both are finite. */
  add(x: number, y: number): boolean {
    if (!(Number.isFinite(x) && Number.isFinite(y))) return false;
    const d = x - this.shiftX;
    const t = y - this.shiftY;
    this.count++;
    this.sumX += d;
    this.sumY += t;
    this.sumXX += d * d;
    this.sumYY += t * t;
    this.sumXY += d * t;
    if (x < this.minX) this.minX = x;
    if (x > this.maxX) this.maxX = x;
    if (y < this.minY) this.minY = y;
    if (y > this.maxY) this.maxY = y;
    return true;
  }

  merge(other: PearsonSums): this {
    if (other.shiftX !== this.shiftX || other.shiftY !== this.shiftY) throw new RangeError('cannot merge Pearson sums with different shifts');
    this.count += other.count;
    this.sumX += other.sumX;
    this.sumY += other.sumY;
    this.sumXX += other.sumXX;
    this.sumYY += other.sumYY;
    this.sumXY += other.sumXY;
    this.minX = Math.min(this.minX, other.minX);
    this.maxX = Math.max(this.maxX, other.maxX);
    this.minY = Math.min(this.minY, other.minY);
    this.maxY = Math.max(this.maxY, other.maxY);
    return this;
  }

  reset(): void {
    this.count = 0;
    this.sumX = 0;
    this.sumY = 0;
    this.sumXX = 0;
    this.sumYY = 0;
    this.sumXY = 0;
    this.minX = Number.POSITIVE_INFINITY;
    this.maxX = Number.NEGATIVE_INFINITY;
    this.minY = Number.POSITIVE_INFINITY;
    this.maxY = Number.NEGATIVE_INFINITY;
  }

  clone(): PearsonSums {
    return new PearsonSums(this.shiftX, this.shiftY).merge(this);
  }

  /** Plain-object form (empty extremes written as null). */
  toJSON(): Record<string, number | null> {
    const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return {
      shiftX: this.shiftX,
      shiftY: this.shiftY,
      count: this.count,
      sumX: this.sumX,
      sumY: this.sumY,
      sumXX: this.sumXX,
      sumYY: this.sumYY,
      sumXY: this.sumXY,
      minX: finite(this.minX),
      maxX: finite(this.maxX),
      minY: finite(this.minY),
      maxY: finite(this.maxY),
    };
  }

  static fromJSON(json: Record<string, number | null>): PearsonSums {
    const num = (key: string): number => {
      const v = json[key];
      if (typeof v !== 'number') throw new RangeError(`Pearson sums: ${key} missing`);
      return v;
    };
    const s = new PearsonSums(num('shiftX'), num('shiftY'));
    s.count = num('count');
    s.sumX = num('sumX');
    s.sumY = num('sumY');
    s.sumXX = num('sumXX');
    s.sumYY = num('sumYY');
    s.sumXY = num('sumXY');
    s.minX = json.minX ?? Number.POSITIVE_INFINITY;
    s.maxX = json.maxX ?? Number.NEGATIVE_INFINITY;
    s.minY = json.minY ?? Number.POSITIVE_INFINITY;
    s.maxY = json.maxY ?? Number.NEGATIVE_INFINITY;
    return s;
  }
}

/**
 * Pearson's r = Sxy / sqrt(Sxx Syy) with the centred sums S.. = sum.. - sum. sum. / n
 * (`scipy.stats.pearsonr(x, y).statistic`), clamped to [-1, 1]. NaN for n < 2 or a constant variable (scipy
 * warns and returns NaN), or when a centred sum of squares has lost all precision (<= 0 for a non-constant
 * variable: choose shifts near the means).
 */
export function pearsonCorrelation(s: PearsonSums): number {
  const n = s.count;
  if (n < 2 || s.minX === s.maxX || s.minY === s.maxY) return Number.NaN;
  const sxx = s.sumXX - (s.sumX * s.sumX) / n;
  const syy = s.sumYY - (s.sumY * s.sumY) / n;
  const sxy = s.sumXY - (s.sumX * s.sumY) / n;
  if (!(sxx > 0 && syy > 0)) return Number.NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

/** Hard limit on rows x columns of a contingency table. */
export const MAX_CONTINGENCY_CELLS = 1_000_000;

/**
 * rows x columns table of counts, `counts[row * columns + column]`: rows are the feature's bins or categories,
 * columns the label classes. Additive (`merge`).
 */
export class ContingencyTable {
  readonly rows: number;
  readonly columns: number;
  readonly counts: Float64Array;

  constructor(rows: number, columns: number) {
    if (!(Number.isInteger(rows) && Number.isInteger(columns) && rows >= 1 && columns >= 1 && rows * columns <= MAX_CONTINGENCY_CELLS)) {
      throw new RangeError(`contingency table needs positive integer dimensions with at most ${MAX_CONTINGENCY_CELLS} cells, got ${rows} x ${columns}`);
    }
    this.rows = rows;
    this.columns = columns;
    this.counts = new Float64Array(rows * columns);
  }

  /** Counts one observation (or `weight`). */
  add(row: number, column: number, weight = 1): void {
    if (!(Number.isInteger(row) && row >= 0 && row < this.rows && Number.isInteger(column) && column >= 0 && column < this.columns)) {
      throw new RangeError(`cell (${row}, ${column}) outside a ${this.rows} x ${this.columns} table`);
    }
    const i = row * this.columns + column;
    this.counts[i] = (this.counts[i] as number) + weight;
  }

  merge(other: ContingencyTable): this {
    if (other.rows !== this.rows || other.columns !== this.columns) throw new RangeError('cannot merge contingency tables of different shapes');
    for (let i = 0; i < this.counts.length; i++) this.counts[i] = (this.counts[i] as number) + (other.counts[i] as number);
    return this;
  }

  reset(): void {
    this.counts.fill(0);
  }

  clone(): ContingencyTable {
    const t = new ContingencyTable(this.rows, this.columns);
    t.counts.set(this.counts);
    return t;
  }

  toJSON(): { rows: number; columns: number; counts: number[] } {
    return { rows: this.rows, columns: this.columns, counts: Array.from(this.counts) };
  }

  static fromJSON(json: { rows: number; columns: number; counts: number[] }): ContingencyTable {
    const t = new ContingencyTable(json.rows, json.columns);
    if (json.counts.length !== t.counts.length) throw new RangeError('contingency counts do not match the table shape');
    t.counts.set(json.counts);
    return t;
  }
}

export interface CramersV {
  /** sqrt(chi2 / (n (min(r, c) - 1))) over the non-empty rows r and columns c; NaN when min(r, c) < 2. */
  value: number;
  /** Pearson chi-square statistic of independence (no continuity correction). */
  chi2: number;
  /** (r - 1)(c - 1). */
  dof: number;
  /** chi2.sf(chi2, dof); NaN when dof = 0. */
  pValue: number;
  /** Non-empty rows and columns kept. */
  rows: number;
  columns: number;
  total: number;
}

/**
 * Cramér's V without bias correction, `scipy.stats.contingency.association(table, method="cramer")` on the
 * table restricted to its non-empty rows and columns (scipy rejects tables with an empty row or column, whose
 * expected counts are 0): V = sqrt(chi2 / (n (min(r, c) - 1))), chi2 = sum (O - E)^2 / E with
 * E = row total x column total / n, in [0, 1]. NaN when fewer than 2 non-empty rows or columns remain.
 */
export function cramersV(table: ContingencyTable): CramersV {
  const { rows, columns, counts } = table;
  const rowTotals = new Float64Array(rows);
  const columnTotals = new Float64Array(columns);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const c = counts[i * columns + j] as number;
      rowTotals[i] = (rowTotals[i] as number) + c;
      columnTotals[j] = (columnTotals[j] as number) + c;
      total += c;
    }
  }
  let r = 0;
  let k = 0;
  for (let i = 0; i < rows; i++) if ((rowTotals[i] as number) > 0) r++;
  for (let j = 0; j < columns; j++) if ((columnTotals[j] as number) > 0) k++;
  const dof = Math.max(0, (r - 1) * (k - 1));
  if (r < 2 || k < 2) return { value: Number.NaN, chi2: Number.NaN, dof, pValue: Number.NaN, rows: r, columns: k, total };
  let chi2 = 0;
  for (let i = 0; i < rows; i++) {
    const rt = rowTotals[i] as number;
    if (rt === 0) continue;
    for (let j = 0; j < columns; j++) {
      const ct = columnTotals[j] as number;
      if (ct === 0) continue;
      const expected = (rt * ct) / total;
      const diff = (counts[i * columns + j] as number) - expected;
      chi2 += (diff * diff) / expected;
    }
  }
  const value = Math.min(1, Math.sqrt(chi2 / total / (Math.min(r, k) - 1)));
  return { value, chi2, dof, pValue: chi2Sf(chi2, dof), rows: r, columns: k, total };
}
