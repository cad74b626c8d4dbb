/**
 * Turns the JSON value of one record into a validated prediction or label, binned against the model's
 * reference layout. Pure: the caller applies the result to the model state and counts rejections.
 */
import { binValue, describe } from '../model/column-layout.js';
import type { ModelRuntime } from '../model/model-runtime.js';
import type { SchemaViolationKind } from '../model/version-state.js';
import type { RejectionReason } from './rejection.js';

export interface ParsedPrediction {
  kind: 'prediction';
  model: ModelRuntime;
  version: string;
  predictionId: string | undefined;
  /** Absolute bin per monitored column, in layout order (-1: column not in this record type). */
  bins: Int32Array;
  /** Value per numeric column (layout `numeric` order); NaN when missing or not in this record type. */
  numeric: Float64Array;
  latencySeconds: number | undefined;
  violations: SchemaViolationKind[];
  /** champion (default), challenger (also `shadow: true`) or baseline. */
  role: PredictionRole;
  /** The prediction as sent: a class (classification) or a value (regression); null when absent. */
  predicted: string | number | null;
  score: number | null;
  /** Set when the model service reported a failure (`status` "error" or an HTTP code >= 400, or an `error` class). */
  error: string | undefined;
  /** Per-request resources reported by the model service. */
  cpuSeconds: number | undefined;
  gpuSeconds: number | undefined;
  memoryBytes: number | undefined;
}

export const PREDICTION_ROLES = ['champion', 'challenger', 'baseline'] as const;
export type PredictionRole = (typeof PREDICTION_ROLES)[number];

export interface ParsedLabel {
  kind: 'label';
  model: ModelRuntime;
  version: string;
  predictionId: string;
  /** Absolute bin of the label column, or -1 when the reference has no label column. */
  bin: number;
  /** The label's value when the label column is numeric (regression), else NaN. */
  value: number;
  /** The label as sent (class as a string, or a number). */
  label: string | number;
}

export interface RecordError {
  reason: RejectionReason;
  field?: string;
  message: string;
  model?: string;
  /** The model version the record named, when the envelope was readable. */
  version?: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: RecordError };

const MAX_ID_LENGTH = 256;
const VERSION_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,127}$/;

/** Per-record limits (`server.max_record_fields`, `server.max_string_bytes`); records over them are refused as `too_large`. */
export interface RecordLimits {
  /** Most keys in a record, and in its `features` object. */
  maxFields: number;
  /** Longest key or string value, in UTF-8 bytes, in a record and in its `features` object. */
  maxStringBytes: number;
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = { maxFields: 1000, maxStringBytes: 64 * 1024 };

/** Whether `s` is longer than `max` UTF-8 bytes (a UTF-16 unit takes 1 to 3 bytes, so most strings need no count). */
function overBytes(s: string, max: number): boolean {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  return Buffer.byteLength(s, 'utf8') > max;
}

/** The first limit `obj` (the record, or its `features` at `prefix`) breaks, as a rejection. */
function overLimits(obj: Record<string, unknown>, limits: RecordLimits, prefix: string | undefined, model: string | undefined, version?: string): ParseResult<never> | undefined {
  const keys = Object.keys(obj);
  const where = prefix === undefined ? 'the record' : `"${prefix}"`;
  if (keys.length > limits.maxFields) {
    return fail('too_large', `${where} has ${keys.length} fields; at most ${limits.maxFields} are accepted (server.max_record_fields)`, prefix, model, version);
  }
  for (const key of keys) {
    const value = obj[key];
    if (overBytes(key, limits.maxStringBytes)) {
      return fail('too_large', `${where} has a field name longer than ${limits.maxStringBytes} bytes (server.max_string_bytes)`, prefix, model, version);
    }
    if (typeof value === 'string' && overBytes(value, limits.maxStringBytes)) {
      const field = key.length > 128 ? prefix : prefix === undefined ? key : `${prefix}.${key}`;
      const name = field === undefined ? 'a field' : `"${field}"`;
      return fail('too_large', `${name}: a string longer than ${limits.maxStringBytes} bytes (server.max_string_bytes)`, field, model, version);
    }
  }
  return undefined;
}

type Models = ReadonlyMap<string, ModelRuntime>;

function fail<T>(reason: RejectionReason, message: string, field?: string, model?: string, version?: string): ParseResult<T> {
  const error: RecordError = { reason, message };
  if (field !== undefined) error.field = field;
  if (model !== undefined) error.model = model;
  if (version !== undefined) error.version = version;
  return { ok: false, error };
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

interface Envelope {
  model: ModelRuntime;
  version: string;
  id: string | undefined;
}

function parseEnvelope(raw: unknown, models: Models, idRequired: boolean, limits: RecordLimits): ParseResult<Envelope> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail('invalid_record', `a record must be a JSON object, got ${describe(raw)}`);
  }
  const rec = raw as Record<string, unknown>;
  const modelName = own(rec, 'model');
  const tooLarge = overLimits(rec, limits, undefined, typeof modelName === 'string' && models.has(modelName) ? modelName : undefined);
  if (tooLarge) return tooLarge;
  if (typeof modelName !== 'string' || modelName.length === 0) {
    return fail('invalid_field', modelName === undefined ? 'required field "model" is missing' : `"model" must be a non-empty string, got ${describe(modelName)}`, 'model');
  }
  const model = models.get(modelName);
  if (!model) {
    const names = [...models.keys()];
    return fail('unknown_model', `unknown model "${modelName.slice(0, 128)}"; configured models: ${names.slice(0, 20).join(', ')}`, 'model');
  }
  let version = model.config.version;
  const rawVersion = own(rec, 'model_version');
  if (rawVersion !== undefined && rawVersion !== null) {
    const v = typeof rawVersion === 'number' && Number.isFinite(rawVersion) ? String(rawVersion) : rawVersion;
    if (typeof v !== 'string' || !VERSION_PATTERN.test(v)) {
      return fail('invalid_field', `"model_version" must be a string of up to 128 letters, digits, "_", ".", ":", "+" or "-", got ${describe(rawVersion)}`, 'model_version', model.name);
    }
    version = v;
  }
  const rawId = own(rec, 'prediction_id');
  let id: string | undefined;
  if (rawId === undefined || rawId === null) {
    if (idRequired) return fail('invalid_field', 'required field "prediction_id" is missing', 'prediction_id', model.name);
  } else if (typeof rawId === 'string' && rawId.length > 0 && rawId.length <= MAX_ID_LENGTH) {
    id = rawId;
  } else if (typeof rawId === 'number' && Number.isSafeInteger(rawId)) {
    id = String(rawId);
  } else {
    return fail('invalid_field', `"prediction_id" must be a non-empty string of at most ${MAX_ID_LENGTH} characters or an integer, got ${describe(rawId)}`, 'prediction_id', model.name);
  }
  const ts = own(rec, 'timestamp');
  if (ts !== undefined && ts !== null) {
    const ok = (typeof ts === 'string' && !Number.isNaN(Date.parse(ts))) || (typeof ts === 'number' && Number.isFinite(ts) && ts >= 0);
    if (!ok) return fail('invalid_field', `"timestamp" must be an RFC 3339 string or Unix seconds, got ${describe(ts)}`, 'timestamp', model.name);
  }
  return { ok: true, value: { model, version, id } };
}

/** Validates and bins a prediction record `{model, model_version?, prediction_id?, timestamp?, features, prediction?, score?, latency_ms?}`. */
export function parsePrediction(raw: unknown, models: Models, limits: RecordLimits = DEFAULT_RECORD_LIMITS): ParseResult<ParsedPrediction> {
  const env = parseEnvelope(raw, models, false, limits);
  if (!env.ok) return env;
  const { model, version, id } = env.value;
  const rec = raw as Record<string, unknown>;
  const layout = model.layout;
  const features = own(rec, 'features');
  if (features === null || typeof features !== 'object' || Array.isArray(features)) {
    return fail('invalid_field', features === undefined ? 'required field "features" is missing' : `"features" must be an object, got ${describe(features)}`, 'features', model.name, version);
  }
  const feats = features as Record<string, unknown>;
  const tooLarge = overLimits(feats, limits, 'features', model.name, version);
  if (tooLarge) return tooLarge;
  const bins = new Int32Array(layout.columns.length).fill(-1);
  const numeric = new Float64Array(layout.numeric.length).fill(Number.NaN);
  const violations: SchemaViolationKind[] = [];
  for (let i = 0; i < layout.columns.length; i++) {
    const col = layout.columns[i]!;
    const role = col.profile.role;
    if (role === 'label') continue;
    let value: unknown;
    let field: string;
    if (role === 'feature') {
      field = `features.${col.profile.name}`;
      if (!Object.prototype.hasOwnProperty.call(feats, col.profile.name)) {
        violations.push('missing_field');
        bins[i] = col.missingIndex;
        continue;
      }
      value = feats[col.profile.name];
    } else {
      field = role;
      value = own(rec, role);
    }
    const b = binValue(col, value);
    if (typeof b !== 'number') return fail('invalid_field', `"${field}": ${b.error}`, field, model.name, version);
    bins[i] = b;
    if (col.numericIndex >= 0 && typeof value === 'number') numeric[col.numericIndex] = value;
  }
  for (const key of Object.keys(feats)) {
    if (!model.featureNames.has(key)) violations.push('unexpected_field');
  }
  // Fields validated even when the reference has no column for them.
  if (!layout.score) {
    const s = own(rec, 'score');
    if (s !== undefined && s !== null && !(typeof s === 'number' && Number.isFinite(s))) {
      return fail('invalid_field', `"score": expected a finite number or null, got ${describe(s)}`, 'score', model.name, version);
    }
  }
  let latencySeconds: number | undefined;
  const latency = own(rec, 'latency_ms');
  if (latency !== undefined && latency !== null) {
    if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0) {
      return fail('invalid_field', `"latency_ms": expected a non-negative finite number, got ${describe(latency)}`, 'latency_ms', model.name, version);
    }
    latencySeconds = latency / 1000;
  }
  let role: PredictionRole = 'champion';
  const rawRole = own(rec, 'role');
  const shadow = own(rec, 'shadow');
  if (rawRole !== undefined && rawRole !== null) {
    if (typeof rawRole !== 'string' || !(PREDICTION_ROLES as readonly string[]).includes(rawRole)) {
      return fail('invalid_field', `"role" must be one of ${PREDICTION_ROLES.join(', ')}, got ${describe(rawRole)}`, 'role', model.name, version);
    }
    role = rawRole as PredictionRole;
  } else if (shadow !== undefined && shadow !== null) {
    if (typeof shadow !== 'boolean') return fail('invalid_field', `"shadow" must be a boolean, got ${describe(shadow)}`, 'shadow', model.name, version);
    if (shadow) role = 'challenger';
  }
  const rawPredicted = own(rec, 'prediction');
  let predicted: string | number | null = null;
  if (rawPredicted !== undefined && rawPredicted !== null) {
    if (model.config.task === 'regression') {
      if (typeof rawPredicted !== 'number' || !Number.isFinite(rawPredicted)) {
        return fail('invalid_field', `"prediction": expected a finite number for a regression model, got ${describe(rawPredicted)}`, 'prediction', model.name, version);
      }
      predicted = rawPredicted;
    } else if (typeof rawPredicted === 'string' || typeof rawPredicted === 'number' || typeof rawPredicted === 'boolean') {
      predicted = String(rawPredicted);
    } else {
      return fail('invalid_field', `"prediction": expected a class (string, number or boolean), got ${describe(rawPredicted)}`, 'prediction', model.name, version);
    }
  }
  const status = own(rec, 'status');
  const rawError = own(rec, 'error');
  let error: string | undefined;
  if (rawError !== undefined && rawError !== null) {
    if (typeof rawError !== 'string') return fail('invalid_field', `"error": expected a short error class (string), got ${describe(rawError)}`, 'error', model.name, version);
    if (rawError.length > 0) error = errorClass(rawError);
  }
  if (status !== undefined && status !== null) {
    const code = typeof status === 'number' ? status : typeof status === 'string' && /^\d{3}$/.test(status) ? Number(status) : undefined;
    if (code !== undefined) {
      if (!(Number.isInteger(code) && code >= 100 && code <= 599)) return fail('invalid_field', `"status": expected "ok", "error" or an HTTP status code, got ${describe(status)}`, 'status', model.name, version);
      if (code >= 400) error ??= `http_${code}`;
    } else if (status === 'error') {
      error ??= 'unknown';
    } else if (status !== 'ok') {
      return fail('invalid_field', `"status": expected "ok", "error" or an HTTP status code, got ${describe(status)}`, 'status', model.name, version);
    }
  }
  const resource = (field: string, scale: number): ParseResult<number | undefined> => {
    const v = own(rec, field);
    if (v === undefined || v === null) return { ok: true, value: undefined };
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail('invalid_field', `"${field}": expected a non-negative finite number, got ${describe(v)}`, field, model.name, version);
    return { ok: true, value: v * scale };
  };
  const cpu = resource('cpu_ms', 1 / 1000);
  if (!cpu.ok) return cpu;
  const gpu = resource('gpu_ms', 1 / 1000);
  if (!gpu.ok) return gpu;
  const memory = resource('memory_bytes', 1);
  if (!memory.ok) return memory;
  const rawScore = own(rec, 'score');
  const score = typeof rawScore === 'number' && Number.isFinite(rawScore) ? rawScore : null;
  return {
    ok: true,
    value: {
      kind: 'prediction',
      model,
      version,
      predictionId: id,
      bins,
      numeric,
      latencySeconds,
      violations,
      role,
      predicted,
      score,
      error,
      cpuSeconds: cpu.value,
      gpuSeconds: gpu.value,
      memoryBytes: memory.value,
    },
  };
}

/** Validates and bins a label record `{model, model_version?, prediction_id, label, timestamp?}`. */
export function parseLabel(raw: unknown, models: Models, limits: RecordLimits = DEFAULT_RECORD_LIMITS): ParseResult<ParsedLabel> {
  const env = parseEnvelope(raw, models, true, limits);
  if (!env.ok) return env;
  const { model, version, id } = env.value;
  const rec = raw as Record<string, unknown>;
  const label = own(rec, 'label');
  if (label === undefined || label === null) {
    return fail('invalid_field', 'required field "label" is missing', 'label', model.name);
  }
  let bin = -1;
  const col = model.layout.label;
  if (col) {
    const b = binValue(col, label);
    if (typeof b !== 'number') return fail('invalid_field', `"label": ${b.error}`, 'label', model.name);
    bin = b;
  } else if (model.config.task === 'regression' ? !(typeof label === 'number' && Number.isFinite(label)) : !['string', 'number', 'boolean'].includes(typeof label)) {
    return fail('invalid_field', `"label": ${model.config.task === 'regression' ? 'expected a finite number' : 'expected a string, number or boolean'}, got ${describe(label)}`, 'label', model.name);
  }
  const value = col && col.numericIndex >= 0 && typeof label === 'number' ? label : Number.NaN;
  if (model.config.task === 'regression' && !(typeof label === 'number' && Number.isFinite(label))) {
    return fail('invalid_field', `"label": expected a finite number for a regression model, got ${describe(label)}`, 'label', model.name);
  }
  const labelValue: string | number = model.config.task === 'regression' ? (label as number) : String(label as string | number | boolean);
  return { ok: true, value: { kind: 'label', model, version, predictionId: id as string, bin, value, label: labelValue } };
}

/** An error class as a bounded label value: lower case, [a-z0-9_], at most 64 characters. */
export function errorClass(raw: string): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'unknown';
}
