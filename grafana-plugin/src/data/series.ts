/**
 * Frames → labelled values. Accepts what the Prometheus data source returns:
 * - time-series frames (instant or range query): one number field per series, labels on the field;
 *   the value is the last non-null finite point (for `increase(...[$__range])` that is the whole range);
 * - table frames ("Format: Table"): label columns as string fields, one row per series.
 */
import { FieldType, type DataFrame, type Field } from '@grafana/data';

export interface Sample {
  /** Query the value came from ('' when the frame has no refId). */
  refId: string;
  labels: Record<string, string>;
  /** Last finite value, or null when the series holds only gaps. */
  value: number | null;
}

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function valueAt(field: Field, i: number): unknown {
  const values = field.values as unknown as ArrayLike<unknown> & { get?: (i: number) => unknown };
  // Grafana 10 still passes vectors with get(); later versions plain arrays.
  return typeof values.get === 'function' && !Array.isArray(values) ? values.get(i) : values[i];
}

function fieldLength(field: Field): number {
  return (field.values as unknown as ArrayLike<unknown>).length ?? 0;
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Last finite value of a field (range queries give one point per step; the last covers the whole range). */
export function lastFinite(field: Field): number | null {
  for (let i = fieldLength(field) - 1; i >= 0; i--) {
    const n = toNumber(valueAt(field, i));
    if (n !== null) return n;
  }
  return null;
}

function withMetricName(labels: Record<string, string>, ...candidates: Array<string | undefined>): Record<string, string> {
  if (labels.__name__) return labels;
  for (const c of candidates) {
    // A frame may be named `metric{labels}` when the data source has no legend.
    const name = c?.split('{')[0]?.trim();
    if (name && name.startsWith('modelwatch_') && METRIC_NAME_RE.test(name)) return { ...labels, __name__: name };
  }
  return labels;
}

function isTableFrame(frame: DataFrame): boolean {
  return frame.fields.some((f) => f.type === FieldType.string && (f.name === 'bin' || f.name === 'feature'));
}

function samplesFromTable(frame: DataFrame, refId: string): Sample[] {
  const labelFields = frame.fields.filter((f) => f.type === FieldType.string);
  const valueFields = frame.fields.filter((f) => f.type === FieldType.number);
  const out: Sample[] = [];
  const rows = frame.length ?? Math.max(0, ...frame.fields.map(fieldLength));
  for (const vf of valueFields) {
    for (let row = 0; row < rows; row++) {
      const labels: Record<string, string> = { ...(vf.labels ?? {}) };
      for (const lf of labelFields) {
        const v = valueAt(lf, row);
        if (typeof v === 'string' && v !== '') labels[lf.name] = v;
      }
      out.push({ refId, labels: withMetricName(labels, frame.name), value: toNumber(valueAt(vf, row)) });
    }
  }
  return out;
}

/** All labelled values in the frames, in frame order. */
export function samplesFromFrames(frames: readonly DataFrame[]): Sample[] {
  const out: Sample[] = [];
  for (const frame of frames) {
    const refId = frame.refId ?? '';
    if (isTableFrame(frame)) {
      out.push(...samplesFromTable(frame, refId));
      continue;
    }
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) continue;
      const labels = withMetricName({ ...(field.labels ?? {}) }, field.name, frame.name);
      out.push({ refId, labels, value: lastFinite(field) });
    }
  }
  return out;
}

/**
 * Query text per refId: the interpolated query Prometheus ran (frame meta) when present, else the
 * query as written in the panel (request targets).
 */
export function queryTextByRefId(
  frames: readonly DataFrame[],
  targets: ReadonlyArray<{ refId?: string; expr?: unknown }> | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const frame of frames) {
    const text = frame.meta?.executedQueryString;
    const refId = frame.refId ?? '';
    if (text && !out.has(refId)) out.set(refId, text);
  }
  for (const t of targets ?? []) {
    const refId = t.refId ?? '';
    if (typeof t.expr === 'string' && !out.has(refId)) out.set(refId, t.expr);
  }
  return out;
}
