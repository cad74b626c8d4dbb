/** Number and label formatting shared by the data layer and the charts (deterministic, locale-independent). */
import { LABEL_FEATURE, PREDICTION_FEATURE } from './metrics';

const PSEUDO_FEATURES: Record<string, string> = {
  [PREDICTION_FEATURE]: 'prediction',
  [LABEL_FEATURE]: 'label',
  __score__: 'score',
};

export function featureDisplayName(name: string): string {
  if (name === '') return '(no feature label)';
  return PSEUDO_FEATURES[name] ?? name;
}

/** "-Inf", "+Inf"/"Inf" or a number; undefined for an empty or unreadable label. */
export function parseEdge(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const t = text.trim();
  if (t === '+Inf' || t === 'Inf' || t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === '-Inf' || t === '-inf') return Number.NEGATIVE_INFINITY;
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

/** Compact edge for axes: up to 4 significant digits, exponent form for very large or small magnitudes. */
export function formatEdge(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+∞';
  if (value === Number.NEGATIVE_INFINITY) return '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(2).replace('e+', 'e');
  return String(Number(value.toPrecision(4)));
}

/** Display label of a numeric bin from its edges; bins are right-closed, (lower, upper]. */
export function numericBinLabel(lower: number | undefined, upper: number | undefined, key: string): string {
  if (lower === undefined && upper === undefined) return `bin ${key}`;
  if (lower === undefined || lower === Number.NEGATIVE_INFINITY) {
    return upper === undefined || upper === Number.POSITIVE_INFINITY ? 'all values' : `≤ ${formatEdge(upper)}`;
  }
  if (upper === undefined || upper === Number.POSITIVE_INFINITY) return `> ${formatEdge(lower)}`;
  return `(${formatEdge(lower)}, ${formatEdge(upper)}]`;
}

/** Share as a percentage: one decimal, two below 1 %, "0 %" for exact zero. */
export function formatShare(share: number): string {
  if (share === 0) return '0%';
  const pct = share * 100;
  if (Math.abs(pct) < 0.01) return '<0.01%';
  return `${pct.toFixed(Math.abs(pct) < 1 ? 2 : 1)}%`;
}

/** Integer counts with thousands separators; fractional counts (increase() extrapolates) keep one decimal. */
export function formatCount(count: number): string {
  const rounded = Math.abs(count - Math.round(count)) < 1e-9 ? Math.round(count) : Math.round(count * 10) / 10;
  const [int, frac] = String(Math.abs(rounded)).split('.');
  const grouped = (int ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** Scores (PSI, JS, ...) with three significant decimals. */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return value.toFixed(3);
}

/** p-values: exponent form below 0.001. */
export function formatPValue(value: number): string {
  if (value < 0.001) return value === 0 ? '0' : value.toExponential(1);
  return value.toFixed(3);
}

/** Prometheus duration ("5m", "1h30m") in seconds, or NaN. */
export function durationSeconds(text: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (unit[m[2] as string] as number);
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : Number.NaN;
}

/** Axis tick: a percentage for shares, a compact count (1.2k, 3M) for counts. */
export function formatTick(value: number, normalization: 'share' | 'count'): string {
  if (normalization === 'share') return `${Number((value * 100).toPrecision(3))}%`;
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${Number((value / 1e9).toPrecision(3))}G`;
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}
