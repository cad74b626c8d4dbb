/**
 * Reference (training) data of the bundled demo model `weather`.
 *
 * The committed file exporter/demo/reference.csv was generated from the repository root with:
 *
 *   npm run build:exporter
 *   node -e "import('./exporter/dist/demo/generate-reference.js').then(m => m.writeReferenceCsv('exporter/demo/reference.csv', m.generateReferenceRows(20261123, 5000)))"
 *
 * The generation is deterministic, and a test checks that the committed file still equals
 * `formatReferenceCsv(generateReferenceRows(20261123, 5000))`; rerun the command above after changing the
 * demo climate or model.
 *
 * Rows are station-day observations over the year 2025 in date order (about 14 a day across the six
 * stations), with the model's prediction and score and the observed weather as the label. A missing
 * humidity reading is an empty cell.
 */
import { writeFileSync } from 'node:fs';
import { createRng } from './random.js';
import { demoWeatherModel, sampleWeatherDay, type WeatherClass } from './weather.js';

export const REFERENCE_SEED = 20261123;
export const REFERENCE_ROW_COUNT = 5000;
/** The calendar year the reference observations are dated in. */
export const REFERENCE_YEAR = 2025;

export const REFERENCE_COLUMNS = [
  'date',
  'station',
  'temp_max',
  'temp_min',
  'precipitation',
  'wind',
  'humidity',
  'pressure',
  'prediction',
  'score',
  'label',
] as const;

export interface ReferenceRow {
  /** Observation date, YYYY-MM-DD. Not a model feature. */
  date: string;
  station: string;
  temp_max: number;
  temp_min: number;
  precipitation: number;
  wind: number;
  /** null when the reading is missing (an empty cell in the CSV). */
  humidity: number | null;
  pressure: number;
  prediction: WeatherClass;
  score: number;
  label: WeatherClass;
}

const DAYS_IN_YEAR = 365;

function isoDate(year: number, dayOfYear: number): string {
  return new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
}

/** `n` reference rows for a seed, spread evenly over the days of the reference year. */
export function generateReferenceRows(seed: number, n: number): ReferenceRow[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`row count must be a non-negative integer, got ${n}`);
  const rng = createRng(seed);
  const model = demoWeatherModel();
  const rows: ReferenceRow[] = [];
  for (let i = 0; i < n; i++) {
    const dayOfYear = Math.floor((i * DAYS_IN_YEAR) / n);
    const day = sampleWeatherDay(rng, dayOfYear);
    const { prediction, score } = model.predict(day.features);
    rows.push({
      date: isoDate(REFERENCE_YEAR, dayOfYear),
      ...day.features,
      prediction,
      score,
      label: day.label,
    });
  }
  return rows;
}

/** The rows as CSV text: a header row, one line per row, "\n" line ends, missing values as empty cells. */
export function formatReferenceCsv(rows: readonly ReferenceRow[]): string {
  const lines: string[] = [REFERENCE_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(REFERENCE_COLUMNS.map((column) => formatCell(row[column])).join(','));
  }
  return lines.join('\n') + '\n';
}

function formatCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  // Station and class names are plain identifiers; quote anything that would need it anyway.
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes the rows as CSV to `path` (relative paths resolve against the working directory). */
export function writeReferenceCsv(path: string, rows: readonly ReferenceRow[]): void {
  writeFileSync(path, formatReferenceCsv(rows), 'utf8');
}
