/**
 * Hostile ingest payloads for the "Bad input" fuzz test, as fast-check arbitraries.
 *
 * Arbitraries produce small descriptors (a JSON syntax tree with lazy nodes for megabyte strings, deep nesting
 * and many keys), so a failing case prints compactly with its seed; `recordBytes` materializes them. Every
 * record is either good (must be accepted and counted once) or bad with exactly one defect, so the reason it is
 * refused for, the field named and the model it is counted under are known in advance.
 *
 * The records are written for the fuzz model (see fuzz-target.ts): classification model `weather`, numeric
 * feature `temp`, categorical feature `city`, prediction and label columns, no score column.
 */
import fc from 'fast-check';
import type { RejectionReason } from '../../exporter/src/ingest/rejection.js';

export const MODEL = 'weather';
/** Value planted by prototype-pollution payloads; it must never show up anywhere. */
export const POLLUTION_MARK = 'modelwatch_fuzz_polluted';
/** Limits the fuzz exporters run with (the record limits are the defaults). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
export const MAX_RECORD_FIELDS = 1000;
export const MAX_STRING_BYTES = 64 * 1024;
/** Longest line the file source reads (FileTailer's default); longer lines are skipped and counted too_large. */
export const MAX_LINE_BYTES = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------
// A JSON syntax tree that can say what JSON.stringify cannot: own `__proto__` keys, 1e400, invalid UTF-8.

export type Json = null | boolean | number | string | Json[] | Obj | Raw | Big | Deep | Bytes | Junk;
export type Key = string | Big | Bytes;
export interface Obj {
  $: 'obj';
  e: [Key, Json][];
  /** `n` more keys `${prefix}${i}` with small numbers. */
  many?: { n: number; prefix: string };
}
/** JSON text written as is (1e400, 9007199254740993). */
export interface Raw {
  $: 'raw';
  t: string;
}
/** A JSON string of `n` repetitions of `ch`. */
export interface Big {
  $: 'big';
  n: number;
  ch: string;
}
/** `n` levels of `[` (or `{"a":`) around 0; unclosed when `closed` is false. */
export interface Deep {
  $: 'deep';
  n: number;
  open: '[' | '{';
  closed: boolean;
}
/** A JSON string whose parts are text or raw (usually invalid UTF-8) bytes. */
export interface Bytes {
  $: 'bytes';
  parts: (string | number[])[];
}
/** Raw bytes written right before a value, outside any string: broken JSON. */
export interface Junk {
  $: 'junk';
  b: number[];
  v: Json;
}

export const obj = (...e: [Key, Json][]): Obj => ({ $: 'obj', e });
export const raw = (t: string): Raw => ({ $: 'raw', t });
const big = (n: number, ch: string): Big => ({ $: 'big', n, ch });
const deep = (n: number, open: '[' | '{', closed = true): Deep => ({ $: 'deep', n, open, closed });

function isNode(v: Json): v is Obj | Raw | Big | Deep | Bytes | Junk {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets (or with `undefined` removes) a key of an object node, replacing every entry with that key. */
export function withField(o: Obj, key: string, value: Json | undefined): Obj {
  const e = o.e.filter(([k]) => k !== key);
  if (value !== undefined) e.push([key, value]);
  return { ...o, e };
}

function field(o: Obj, key: string): Json | undefined {
  return o.e.find(([k]) => k === key)?.[1];
}

class Writer {
  private readonly parts: Buffer[] = [];
  private text = '';
  str(s: string): void {
    this.text += s;
    if (this.text.length > 65536) this.flush();
  }
  bytes(b: number[]): void {
    this.flush();
    this.parts.push(Buffer.from(b));
  }
  flush(): void {
    if (this.text.length > 0) this.parts.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }
  done(): Buffer {
    this.flush();
    return Buffer.concat(this.parts);
  }
}

function writeKey(w: Writer, k: Key): void {
  if (typeof k === 'string') w.str(JSON.stringify(k));
  else write(w, k);
}

function write(w: Writer, v: Json): void {
  if (v === null || typeof v !== 'object') {
    w.str(JSON.stringify(v));
    return;
  }
  if (Array.isArray(v)) {
    w.str('[');
    v.forEach((x, i) => {
      if (i > 0) w.str(',');
      write(w, x);
    });
    w.str(']');
    return;
  }
  switch (v.$) {
    case 'raw':
      w.str(v.t);
      return;
    case 'big':
      w.str(`"${v.ch.repeat(v.n)}"`);
      return;
    case 'deep': {
      const open = v.open === '[' ? '[' : '{"a":';
      const close = v.open === '[' ? ']' : '}';
      w.str(open.repeat(v.n) + '0' + (v.closed ? close.repeat(v.n) : ''));
      return;
    }
    case 'bytes':
      w.str('"');
      for (const p of v.parts) {
        if (typeof p === 'string') w.str(JSON.stringify(p).slice(1, -1));
        else w.bytes(p);
      }
      w.str('"');
      return;
    case 'junk':
      w.bytes(v.b);
      write(w, v.v);
      return;
    case 'obj': {
      w.str('{');
      let first = true;
      for (const [k, x] of v.e) {
        if (!first) w.str(',');
        first = false;
        writeKey(w, k);
        w.str(':');
        write(w, x);
      }
      if (v.many) {
        const pieces: string[] = [];
        for (let i = 0; i < v.many.n; i++) pieces.push(`"${v.many.prefix}${i}":${i % 7}`);
        if (pieces.length > 0) w.str((first ? '' : ',') + pieces.join(','));
      }
      w.str('}');
      return;
    }
  }
}

export function encode(v: Json): Buffer {
  const w = new Writer();
  write(w, v);
  return w.done();
}

/** Whether the encoded value is valid JSON by construction (no junk bytes, no unclosed nesting). */
function syntaxOk(v: Json): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(syntaxOk);
  switch (v.$) {
    case 'junk':
      return false;
    case 'deep':
      return v.closed;
    case 'obj':
      return v.e.every(([k, x]) => (typeof k === 'string' || syntaxOk(k)) && syntaxOk(x));
    default:
      return true;
  }
}

function containsBig(v: Json): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(containsBig);
  if (v.$ === 'big') return true;
  if (v.$ === 'junk') return containsBig(v.v);
  if (v.$ === 'obj') return v.e.some(([k, x]) => (typeof k !== 'string' && containsBig(k)) || containsBig(x));
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// Records.

export const KINDS = [
  'plain',
  'truncated_json',
  'huge_number',
  'nan_string',
  'deep_nesting',
  'wrong_type',
  'megabyte_string',
  'unknown_model',
  'invalid_utf8',
  'prototype_keys',
  'many_keys',
  'empty_body',
  'binary_garbage',
  'oversized_body',
  'bad_encoding',
  'many_records',
] as const;
export type Kind = (typeof KINDS)[number];

export type Endpoint = 'predictions' | 'labels';

export interface RecordCase {
  kind: Kind;
  good: boolean;
  value: Json;
  /** Bad records: the reason they must be refused for (undefined: not known in advance, e.g. garbage). */
  reason?: RejectionReason;
  /** Bad records: the model the rejection is counted under ("" for none). */
  model?: string;
  /** Bad records: the field the rejection must name, when it names one. */
  field?: string;
  /** Good predictions that report a failed request: counted as requests, not as predictions. */
  failedRequest?: boolean;
  /** Truncated JSON: the encoded record is cut at this fraction of its length. */
  cut?: number;
  /** Bytes sent instead of an encoded value (garbage and blank lines for the file source). */
  rawBytes?: number[];
}

export function recordBytes(r: RecordCase): Buffer {
  if (r.rawBytes) return Buffer.from(r.rawBytes);
  const b = encode(r.value);
  if (r.cut === undefined) return b;
  return b.subarray(0, Math.min(b.length - 1, Math.max(1, Math.floor(b.length * r.cut))));
}

/** Valid JSON when encoded, so it can stand inside a JSON array without breaking the whole body. */
export function recordSyntaxOk(r: RecordCase): boolean {
  return r.rawBytes === undefined && r.cut === undefined && syntaxOk(r.value);
}

/** Whether the record's top level is a JSON array (a one-record body that is an array is read as a batch). */
export function recordIsArray(r: RecordCase): boolean {
  const v = r.value;
  return r.rawBytes === undefined && (Array.isArray(v) || (isNode(v) && v.$ === 'deep' && v.open === '['));
}

export function recordHasBig(r: RecordCase): boolean {
  return containsBig(r.value);
}

const good = (kind: Kind, value: Json, failedRequest = false): RecordCase => ({ kind, good: true, value, ...(failedRequest ? { failedRequest } : {}) });
const bad = (kind: Kind, value: Json, reason: RejectionReason | undefined, model: string, fieldName?: string): RecordCase => ({
  kind,
  good: false,
  value,
  ...(reason === undefined ? {} : { reason }),
  model,
  ...(fieldName === undefined ? {} : { field: fieldName }),
});

// Byte sequences that are not UTF-8: lone continuation bytes, overlong encodings, UTF-8-encoded surrogates,
// bytes that never occur, and sequences cut short. None contains a newline, a quote or a backslash.
export const INVALID_UTF8: number[][] = [
  [0x80],
  [0xbf],
  [0x80, 0x80, 0x80],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0x80],
  [0xf0, 0x80, 0x80, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xed, 0xa0, 0xbd, 0xed, 0xb2, 0xa9],
  [0xfe],
  [0xff],
  [0xf5, 0x80, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];
const invalidUtf8 = fc.constantFrom(...INVALID_UTF8);

const PROTO_NAMES = ['__proto__', 'constructor', 'prototype'] as const;
const protoName = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf');

const PREDICTION_FIELDS = ['model', 'model_version', 'prediction_id', 'timestamp', 'features', 'prediction', 'score', 'latency_ms', 'role', 'shadow', 'status', 'error', 'cpu_ms', 'gpu_ms', 'memory_bytes', 'label'];
const FEATURE_NAMES = ['temp', 'city'];

/** String units: mostly plain, some any code point, some awkward ones (lone surrogates, quotes, controls). */
const unit = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...'abcxyz019 _-.') },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udfff', '"', '\\', '\n', '\r', '\u0000', '\u2028', '\ufeff', '€', '😀') },
);
const text = (maxLength: number, minLength = 0) => fc.string({ unit, minLength, maxLength });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const nonNegative = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true });

/** Small JSON of any shape, with prototype keys and pollution payloads among the keys. */
const smallJson: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constant(null),
    fc.boolean(),
    finite,
    text(12),
    fc.constant(obj(['polluted', POLLUTION_MARK])),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.oneof(text(8), protoName), tie('json')), { maxLength: 3 }).map((e) => ({ $: 'obj', e }) as Obj),
  ),
})).json;

const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
// Few versions: every version multiplies the series a scrape returns.
const goodVersion = fc.constantFrom<Json>('1', 'canary:2026-01+b', '__proto__', 7, null);
const goodId = fc.oneof(
  { weight: 6, arbitrary: text(40, 1) },
  { weight: 2, arbitrary: fc.maxSafeInteger().map((n) => n as Json) },
  { weight: 1, arbitrary: fc.constantFrom<Json>('__proto__', 'constructor', 'i'.repeat(256), 'NaN', null) },
);
const goodTimestamp = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString() as Json),
  fc.double({ min: 0, max: 4e9, noNaN: true }).map((n) => n as Json),
  fc.constant<Json>(null),
);
const goodTemp = fc.oneof(finite.map((n) => n as Json), fc.constant<Json>(null));
const goodCity = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Json>('oslo', 'rome', 'lima', 'atlantis') },
  { weight: 2, arbitrary: text(30) },
  { weight: 1, arbitrary: fc.oneof(fc.integer().map((n) => n as Json), fc.boolean(), fc.constant<Json>(null), protoName) },
);
const goodClass = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Json>('rain', 'sun') },
  { weight: 1, arbitrary: fc.oneof(text(20, 1), fc.integer().map((n) => n as Json), fc.boolean(), protoName) },
);
/** Keys for fields the reference does not have: any text except the configured names. */
const extraFeatureKey = fc.oneof(text(16), protoName).filter((k) => !FEATURE_NAMES.includes(k));
const extraTopKey = fc.oneof(text(16), protoName).filter((k) => !PREDICTION_FIELDS.includes(k));

/** `status`/`error` combinations: none, successful, or a failed request (still a good record). */
const outcome = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ failed: false, e: [] as [string, Json][] }) },
  { weight: 2, arbitrary: fc.constantFrom<[string, Json][]>([['status', 'ok']], [['status', 200]], [['status', '201']], [['status', null], ['error', '']], [['error', null]]).map((e) => ({ failed: false, e })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<[string, Json][]>([['status', 'error']], [['status', 500]], [['status', '503']], [['error', 'TimeoutError']], [['status', 'ok'], ['error', 'oom']], [['error', '__proto__']], [['error', '!!!']])
      .map((e) => ({ failed: true, e })),
  },
);

interface GoodPrediction {
  rec: Obj;
  failed: boolean;
}

const goodPrediction: fc.Arbitrary<GoodPrediction> = fc
  .record({
    version: optional(goodVersion),
    id: optional(goodId),
    timestamp: optional(goodTimestamp),
    temp: optional(goodTemp),
    city: optional(goodCity),
    extraFeatures: fc.array(fc.tuple(extraFeatureKey, smallJson), { maxLength: 4 }),
    prediction: optional(fc.oneof(goodClass, fc.constant<Json>(null))),
    score: optional(fc.oneof(finite.map((n) => n as Json), fc.constant<Json>(null))),
    latency: optional(fc.oneof(nonNegative.map((n) => n as Json), fc.constant<Json>(null))),
    role: optional(fc.constantFrom<Json>('champion', 'challenger', 'baseline', null)),
    shadow: optional(fc.oneof(fc.boolean(), fc.constant<Json>(null))),
    outcome,
    cpu: optional(nonNegative.map((n) => n as Json)),
    memory: optional(fc.oneof(nonNegative.map((n) => n as Json), fc.constant<Json>(null))),
    extras: fc.array(fc.tuple(extraTopKey, smallJson), { maxLength: 3 }),
  })
  .map((r) => {
    const features = obj();
    if (r.temp !== undefined) features.e.push(['temp', r.temp]);
    if (r.city !== undefined) features.e.push(['city', r.city]);
    features.e.push(...r.extraFeatures);
    const e: [Key, Json][] = [['model', MODEL]];
    const opt = (k: string, v: Json | undefined) => {
      if (v !== undefined) e.push([k, v]);
    };
    opt('model_version', r.version);
    opt('prediction_id', r.id);
    opt('timestamp', r.timestamp);
    e.push(['features', features]);
    opt('prediction', r.prediction);
    opt('score', r.score);
    opt('latency_ms', r.latency);
    opt('role', r.role);
    opt('shadow', r.shadow);
    e.push(...r.outcome.e);
    opt('cpu_ms', r.cpu);
    opt('memory_bytes', r.memory);
    e.push(...r.extras);
    return { rec: { $: 'obj', e } as Obj, failed: r.outcome.failed };
  });

interface GoodLabel {
  rec: Obj;
}

const goodLabel: fc.Arbitrary<GoodLabel> = fc
  .record({
    version: optional(goodVersion),
    id: goodId.filter((v) => v !== null),
    timestamp: optional(goodTimestamp),
    label: fc.oneof(goodClass, fc.constant<Json>(raw('1e400')), fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n as Json)),
    extras: fc.array(fc.tuple(extraTopKey, smallJson), { maxLength: 3 }),
  })
  .map((r) => {
    const e: [Key, Json][] = [['model', MODEL], ['prediction_id', r.id], ['label', r.label]];
    if (r.version !== undefined) e.push(['model_version', r.version]);
    if (r.timestamp !== undefined) e.push(['timestamp', r.timestamp]);
    e.push(...r.extras);
    return { rec: { $: 'obj', e } as Obj };
  });

function features(rec: Obj): Obj {
  const f = field(rec, 'features');
  return f !== undefined && isNode(f) && f.$ === 'obj' ? f : obj();
}
const setFeature = (rec: Obj, key: string, value: Json | undefined): Obj => withField(rec, 'features', withField(features(rec), key, value));

// Hostile content that a good record may carry and must still be accepted with.
const hostileGoodPrediction: fc.Arbitrary<RecordCase> = fc.oneof(
  // Prototype keys at the top level, as feature names and nested, and as values.
  fc.tuple(goodPrediction, fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 })).map(([g, picks]) => {
    let rec = g.rec;
    const pollution = obj(['polluted', POLLUTION_MARK]);
    for (const p of picks) {
      if (p === 0) rec = withField(rec, '__proto__', pollution);
      if (p === 1) rec = withField(rec, 'constructor', obj(['prototype', pollution]));
      if (p === 2) rec = withField(rec, 'prototype', pollution);
      if (p === 3) rec = setFeature(setFeature(rec, '__proto__', pollution), 'constructor', obj(['prototype', pollution]));
      if (p === 4) rec = setFeature(rec, 'prototype', obj(['__proto__', pollution]));
      if (p === 5) rec = setFeature(rec, 'city', '__proto__');
      if (p === 6) rec = withField(rec, 'prediction_id', 'constructor');
    }
    return good('prototype_keys', rec, g.failed);
  }),
  // Invalid UTF-8 inside strings: decoded with replacement characters, so the record stays good.
  fc.tuple(goodPrediction, invalidUtf8, fc.constantFrom('city', 'id', 'key', 'prediction')).map(([g, b, where]) => {
    const s: Bytes = { $: 'bytes', parts: ['x', b, 'y'] };
    let rec = g.rec;
    if (where === 'city') rec = setFeature(rec, 'city', s);
    if (where === 'id') rec = withField(rec, 'prediction_id', s);
    if (where === 'prediction') rec = withField(rec, 'prediction', s);
    if (where === 'key') rec = withField(rec, 'features', { ...features(rec), e: [...features(rec).e, [s, 1]] });
    return good('invalid_utf8', rec, g.failed);
  }),
  // Deep nesting where nothing reads it: a feature the reference does not have.
  fc.tuple(goodPrediction, fc.integer({ min: 1000, max: 10000 }), fc.constantFrom<'[' | '{'>('[', '{')).map(([g, n, open]) => good('deep_nesting', setFeature(g.rec, 'unexpected_deep', deep(n, open)), g.failed)),
  // Many keys, within server.max_record_fields (the record has at most 2 + 4 other feature keys).
  fc.tuple(goodPrediction, fc.integer({ min: 100, max: MAX_RECORD_FIELDS - 6 })).map(([g, n]) => good('many_keys', withField(g.rec, 'features', { ...features(g.rec), many: { n, prefix: 'k_' } }), g.failed)),
  // Huge but finite numbers, and numbers that are fine where a category is expected.
  fc
    .tuple(goodPrediction, fc.constantFrom<[string, string]>(['temp', '9007199254740993'], ['temp', '1e308'], ['temp', '-1.7976931348623157e308'], ['temp', '1E-400'], ['temp', '-0'], ['city', '1e400'], ['latency_ms', '1e308'], ['prediction', '1e400']))
    .map(([g, [where, t]]) => good('huge_number', where === 'temp' || where === 'city' ? setFeature(g.rec, where, raw(t)) : withField(g.rec, where, raw(t)), g.failed)),
);

const hostileGoodLabel: fc.Arbitrary<RecordCase> = fc.oneof(
  fc.tuple(goodLabel, fc.subarray([0, 1, 2, 3, 4], { minLength: 1 })).map(([g, picks]) => {
    let rec = g.rec;
    const pollution = obj(['polluted', POLLUTION_MARK]);
    for (const p of picks) {
      if (p === 0) rec = withField(rec, '__proto__', pollution);
      if (p === 1) rec = withField(rec, 'constructor', obj(['prototype', pollution]));
      if (p === 2) rec = withField(rec, 'prototype', pollution);
      if (p === 3) rec = withField(rec, 'label', '__proto__');
      if (p === 4) rec = withField(rec, 'prediction_id', '__proto__');
    }
    return good('prototype_keys', rec);
  }),
  fc.tuple(goodLabel, invalidUtf8, fc.constantFrom('label', 'prediction_id')).map(([g, b, where]) => good('invalid_utf8', withField(g.rec, where, { $: 'bytes', parts: ['x', b] }))),
  fc.tuple(goodLabel, fc.integer({ min: 1000, max: 10000 })).map(([g, n]) => good('deep_nesting', withField(g.rec, 'unexpected_deep', deep(n, '{')))),
  fc.tuple(goodLabel, fc.integer({ min: 100, max: MAX_RECORD_FIELDS - 10 })).map(([g, n]) => good('many_keys', { ...g.rec, many: { n, prefix: 'k_' } })),
  fc.tuple(goodLabel, fc.constantFrom('1e400', '-1e400', '9007199254740993')).map(([g, t]) => good('huge_number', withField(g.rec, 'label', raw(t)))),
);

// ---------------------------------------------------------------------------------------------------------
// Bad records: a good base with exactly one defect.

interface Defect {
  kind: Kind;
  /** Changes the base record; returns the new value. */
  apply: (rec: Obj) => Json;
  reason: RejectionReason;
  model: string;
  field?: string;
  cut?: number;
}

const W = MODEL;
const setTop = (key: string, value: Json) => (rec: Obj) => withField(rec, key, value);
const dropTop = (key: string) => (rec: Obj) => withField(rec, key, undefined);
const setFeat = (key: string, value: Json) => (rec: Obj) => setFeature(rec, key, value);
const always = (value: Json) => () => value;

const NAN_STRINGS = ['NaN', 'Infinity', '-Infinity', 'nan', 'inf', '1e400'];
const NOT_A_TIME = ['NaN', 'Infinity', '-Infinity', 'yesterday', 'not-a-time', '2026-13-45T99:99:99Z'];
const HUGE = ['1e400', '-1e400'];

/** Fields a numeric defect can target in a prediction: [field, JSON path for the error]. */
const NUMERIC_PREDICTION_FIELDS = ['latency_ms', 'score', 'cpu_ms', 'gpu_ms', 'memory_bytes'] as const;

const megabyte = fc
  .tuple(fc.constantFrom('a', 'é', '€', '😀'), fc.constantFrom(MAX_STRING_BYTES + 1, 300_000, MAX_LINE_BYTES - 200, MAX_LINE_BYTES + 100, 1_150_000))
  .map(([ch, bytes]) => big(Math.ceil(bytes / Buffer.byteLength(ch)), ch));

const deepValue = fc.tuple(fc.oneof(fc.constant(10_000), fc.integer({ min: 100, max: 20_000 })), fc.constantFrom<'[' | '{'>('[', '{')).map(([n, open]) => deep(n, open));

interface Defects {
  /** Every defect family except megabyte strings. */
  normal: fc.Arbitrary<Defect>;
  megabyte: fc.Arbitrary<Defect>;
}

function predictionDefects(): Defects {
  const d = (kind: Kind, apply: Defect['apply'], reason: RejectionReason, model: string, fieldName?: string): Defect => ({ kind, apply, reason, model, ...(fieldName === undefined ? {} : { field: fieldName }) });
  const numericField = fc.constantFrom(...NUMERIC_PREDICTION_FIELDS);
  // Strings over server.max_string_bytes (up to a megabyte and more) as values, ids, model names and keys.
  const megabyteDefects = fc.oneof(
    megabyte.map((s) => d('megabyte_string', setTop('model', s), 'too_large', '', 'model')),
    fc.tuple(megabyte, fc.constantFrom('prediction_id', 'model_version', 'timestamp', 'prediction', 'error', 'status', 'role', 'shadow', 'unexpected')).map(([s, f]) => d('megabyte_string', setTop(f, s), 'too_large', W, f)),
    fc.tuple(megabyte, fc.constantFrom('city', 'temp', 'unexpected')).map(([s, f]) => d('megabyte_string', setFeat(f, s), 'too_large', W, `features.${f}`)),
    megabyte.map((s) => d('megabyte_string', (r) => withField(r, 'features', { ...features(r), e: [...features(r).e, [s, 1]] }), 'too_large', W, 'features')),
    megabyte.map((s) => d('megabyte_string', (r) => ({ ...r, e: [...r.e, [s, 1]] }), 'too_large', W)),
  );
  const normal = fc.oneof(
    // Truncated JSON.
    fc.double({ min: 0.01, max: 0.99, noNaN: true }).map((cut): Defect => ({ kind: 'truncated_json', apply: (r) => r, reason: 'malformed_json', model: '', cut })),
    // Huge numbers.
    fc.oneof(
      fc.constantFrom(...HUGE).map((t) => d('huge_number', setFeat('temp', raw(t)), 'invalid_field', W, 'features.temp')),
      fc.tuple(numericField, fc.constantFrom(...HUGE)).map(([f, t]) => d('huge_number', setTop(f, raw(t)), 'invalid_field', W, f)),
      fc.constantFrom(...HUGE).map((t) => d('huge_number', setTop('timestamp', raw(t)), 'invalid_field', W, 'timestamp')),
      fc.constantFrom('9007199254740993', '-9007199254740993', '1e400').map((t) => d('huge_number', setTop('prediction_id', raw(t)), 'invalid_field', W, 'prediction_id')),
      fc.constantFrom(...HUGE).map((t) => d('huge_number', setTop('model_version', raw(t)), 'invalid_field', W, 'model_version')),
      fc.constant(d('huge_number', setTop('status', raw('1e400')), 'invalid_field', W, 'status')),
    ),
    // "NaN" / "Infinity" strings where numbers belong.
    fc.oneof(
      fc.constantFrom(...NAN_STRINGS).map((s) => d('nan_string', setFeat('temp', s), 'invalid_field', W, 'features.temp')),
      fc.tuple(numericField, fc.constantFrom(...NAN_STRINGS)).map(([f, s]) => d('nan_string', setTop(f, s), 'invalid_field', W, f)),
      fc.constantFrom(...NOT_A_TIME).map((s) => d('nan_string', setTop('timestamp', s), 'invalid_field', W, 'timestamp')),
    ),
    // Deep nesting (closed: a wrong type; unclosed: broken JSON).
    fc.oneof(
      fc.tuple(deepValue, fc.constantFrom('temp', 'city')).map(([v, f]) => d('deep_nesting', setFeat(f, v), 'invalid_field', W, `features.${f}`)),
      fc.tuple(deepValue, fc.constantFrom('prediction_id', 'model_version', 'timestamp', 'score', 'latency_ms', 'prediction', 'role', 'status', 'error')).map(([v, f]) => d('deep_nesting', setTop(f, v), 'invalid_field', W, f)),
      deepValue.map((v) => d('deep_nesting', setTop('model', v), 'invalid_field', '', 'model')),
      deepValue.filter((v) => v.open === '[').map((v) => d('deep_nesting', setTop('features', v), 'invalid_field', W, 'features')),
      deepValue.map((v) => (v.open === '[' ? d('deep_nesting', always(v), 'invalid_record', '') : d('deep_nesting', always(v), 'invalid_field', '', 'model'))),
      fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom<'[' | '{'>('[', '{'), fc.boolean()).map(([n, open, whole]): Defect =>
        whole ? { kind: 'deep_nesting', apply: always(deep(n, open, false)), reason: 'malformed_json', model: '' } : { kind: 'deep_nesting', apply: setFeat('temp', deep(n, open, false)), reason: 'malformed_json', model: '' },
      ),
    ),
    // Wrong types everywhere.
    fc.oneof(
      fc.constantFrom<Json>(42, 'a record', true, null, [], [1, 2], [obj(['model', W])]).map((v) => d('wrong_type', always(v), 'invalid_record', '')),
      fc.constantFrom<Json | undefined>(undefined, '', 42, true, null, [], obj(), [W]).map((v) => d('wrong_type', v === undefined ? dropTop('model') : setTop('model', v), 'invalid_field', '', 'model')),
      fc.constantFrom<Json>('', '-1', '.x', 'a b', 'v'.repeat(129), true, obj(), [], -1).map((v) => d('wrong_type', setTop('model_version', v), 'invalid_field', W, 'model_version')),
      fc.constantFrom<Json>('', 'i'.repeat(257), 1.5, -0.5, true, obj(), [], 2 ** 53).map((v) => d('wrong_type', setTop('prediction_id', v), 'invalid_field', W, 'prediction_id')),
      fc.constantFrom<Json>(-1, true, obj(), [], 'yesterday').map((v) => d('wrong_type', setTop('timestamp', v), 'invalid_field', W, 'timestamp')),
      fc.constantFrom<Json | undefined>(undefined, null, 5, 'temp=1', [], [1], true).map((v) => d('wrong_type', v === undefined ? dropTop('features') : setTop('features', v), 'invalid_field', W, 'features')),
      fc.constantFrom<Json>('hot', '12', true, [], obj(), [1]).map((v) => d('wrong_type', setFeat('temp', v), 'invalid_field', W, 'features.temp')),
      fc.constantFrom<Json>([], obj(), ['oslo'], obj(['a', 1])).map((v) => d('wrong_type', setFeat('city', v), 'invalid_field', W, 'features.city')),
      fc.constantFrom<Json>([], obj(), ['rain']).map((v) => d('wrong_type', setTop('prediction', v), 'invalid_field', W, 'prediction')),
      fc.constantFrom<Json>('high', true, [], obj()).map((v) => d('wrong_type', setTop('score', v), 'invalid_field', W, 'score')),
      fc.constantFrom<Json>(-1, -0.001, '12', true, obj()).map((v) => d('wrong_type', setTop('latency_ms', v), 'invalid_field', W, 'latency_ms')),
      fc.constantFrom<Json>('king', 5, true, obj(), '').map((v) => d('wrong_type', setTop('role', v), 'invalid_field', W, 'role')),
      fc.constantFrom<Json>('yes', 1, obj()).map((v) => d('wrong_type', (r) => withField(withField(r, 'role', undefined), 'shadow', v), 'invalid_field', W, 'shadow')),
      fc.constantFrom<Json>('weird', 99, 600, 1.5, '2000', true, obj()).map((v) => d('wrong_type', (r) => withField(withField(r, 'error', undefined), 'status', v), 'invalid_field', W, 'status')),
      fc.constantFrom<Json>(5, true, obj(), []).map((v) => d('wrong_type', setTop('error', v), 'invalid_field', W, 'error')),
      fc.tuple(numericField, fc.constantFrom<Json>('x', true, [1])).map(([f, v]) => d('wrong_type', setTop(f, v), 'invalid_field', W, f)),
      // Negative where only non-negative numbers are valid (a score may be negative).
      fc.tuple(fc.constantFrom('latency_ms', 'cpu_ms', 'gpu_ms', 'memory_bytes'), fc.constantFrom<Json>(-1, -1e-300, -1.7976931348623157e308)).map(([f, v]) => d('wrong_type', setTop(f, v), 'invalid_field', W, f)),
    ),
    // Unknown models.
    fc.oneof(
      fc.constantFrom('Weather', 'WEATHER', 'weather ', ' weather', 'weather\u0000', 'weath', 'weatherx', 'wéather', ...PROTO_NAMES, 'toString', 'hasOwnProperty').map((m) => d('unknown_model', setTop('model', m), 'unknown_model', '', 'model')),
      text(200, 1)
        .filter((m) => m !== W)
        .map((m) => d('unknown_model', setTop('model', m), 'unknown_model', '', 'model')),
    ),
    // Invalid UTF-8: in the model name (unknown model), or outside any string (broken JSON).
    fc.oneof(
      invalidUtf8.map((b) => d('invalid_utf8', setTop('model', { $: 'bytes', parts: [W, b] }), 'unknown_model', '', 'model')),
      fc.tuple(invalidUtf8, fc.constantFrom('record', 'features', 'temp')).map(([b, where]): Defect => ({
        kind: 'invalid_utf8',
        apply: (r) => (where === 'record' ? { $: 'junk', b, v: r } : where === 'features' ? withField(r, 'features', { $: 'junk', b, v: features(r) }) : setFeature(r, 'temp', { $: 'junk', b, v: 1 })),
        reason: 'malformed_json',
        model: '',
      })),
    ),
    // Prototype keys that must not stand in for the real fields.
    fc.oneof(
      fc.constantFrom(...PROTO_NAMES).map((m) => d('prototype_keys', setTop('model', m), 'unknown_model', '', 'model')),
      fc.constantFrom(...PROTO_NAMES).map((k) => d('prototype_keys', (r) => withField(withField(r, 'model', undefined), k, obj(['model', W], ['polluted', POLLUTION_MARK])), 'invalid_field', '', 'model')),
      fc.constantFrom(...PROTO_NAMES).map((k) => d('prototype_keys', (r) => withField(withField(r, 'features', undefined), k, obj(['features', obj(['temp', 1])])), 'invalid_field', W, 'features')),
      fc.constantFrom(...PROTO_NAMES).map((k) => d('prototype_keys', setFeat('temp', obj([k, obj(['polluted', POLLUTION_MARK])])), 'invalid_field', W, 'features.temp')),
      fc.constant(d('prototype_keys', setTop('features', [obj(['__proto__', obj(['temp', 1])])]), 'invalid_field', W, 'features')),
    ),
    // More keys than server.max_record_fields.
    fc.oneof(
      fc.integer({ min: MAX_RECORD_FIELDS + 1, max: 3 * MAX_RECORD_FIELDS }).map((n) => d('many_keys', (r) => withField(r, 'features', { ...features(r), many: { n, prefix: 'f_' } }), 'too_large', W, 'features')),
      fc.integer({ min: MAX_RECORD_FIELDS + 1, max: 3 * MAX_RECORD_FIELDS }).map((n) => d('many_keys', (r) => ({ ...r, many: { n, prefix: 'top_' } }), 'too_large', W)),
    ),
  );
  return { normal, megabyte: megabyteDefects };
}

function labelDefects(): Defects {
  const d = (kind: Kind, apply: Defect['apply'], reason: RejectionReason, model: string, fieldName?: string): Defect => ({ kind, apply, reason, model, ...(fieldName === undefined ? {} : { field: fieldName }) });
  const megabyteDefects = fc.oneof(
    megabyte.map((s) => d('megabyte_string', setTop('model', s), 'too_large', '', 'model')),
    fc.tuple(megabyte, fc.constantFrom('label', 'prediction_id', 'model_version', 'timestamp', 'unexpected')).map(([s, f]) => d('megabyte_string', setTop(f, s), 'too_large', W, f)),
    megabyte.map((s) => d('megabyte_string', (r) => ({ ...r, e: [...r.e, [s, 'x']] }), 'too_large', W)),
  );
  const normal = fc.oneof(
    fc.double({ min: 0.01, max: 0.99, noNaN: true }).map((cut): Defect => ({ kind: 'truncated_json', apply: (r) => r, reason: 'malformed_json', model: '', cut })),
    fc.oneof(
      fc.constantFrom('9007199254740993', '-9007199254740993', '1e400').map((t) => d('huge_number', setTop('prediction_id', raw(t)), 'invalid_field', W, 'prediction_id')),
      fc.constantFrom(...HUGE).map((t) => d('huge_number', setTop('timestamp', raw(t)), 'invalid_field', W, 'timestamp')),
      fc.constantFrom(...HUGE).map((t) => d('huge_number', setTop('model_version', raw(t)), 'invalid_field', W, 'model_version')),
    ),
    fc.constantFrom(...NOT_A_TIME).map((s) => d('nan_string', setTop('timestamp', s), 'invalid_field', W, 'timestamp')),
    fc.oneof(
      fc.tuple(deepValue, fc.constantFrom('label', 'prediction_id', 'model_version', 'timestamp')).map(([v, f]) => d('deep_nesting', setTop(f, v), 'invalid_field', W, f)),
      deepValue.map((v) => d('deep_nesting', setTop('model', v), 'invalid_field', '', 'model')),
      deepValue.map((v) => (v.open === '[' ? d('deep_nesting', always(v), 'invalid_record', '') : d('deep_nesting', always(v), 'invalid_field', '', 'model'))),
      fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom<'[' | '{'>('[', '{')).map(([n, open]): Defect => ({ kind: 'deep_nesting', apply: setTop('label', deep(n, open, false)), reason: 'malformed_json', model: '' })),
    ),
    fc.oneof(
      fc.constantFrom<Json>(42, 'a label', false, null, [], [obj(['model', W])]).map((v) => d('wrong_type', always(v), 'invalid_record', '')),
      fc.constantFrom<Json | undefined>(undefined, '', 7, false, null, [], obj()).map((v) => d('wrong_type', v === undefined ? dropTop('model') : setTop('model', v), 'invalid_field', '', 'model')),
      fc.constantFrom<Json | undefined>(undefined, null, [], obj(), ['rain'], obj(['class', 'rain'])).map((v) => d('wrong_type', v === undefined ? dropTop('label') : setTop('label', v), 'invalid_field', W, 'label')),
      fc.constantFrom<Json | undefined>(undefined, null, '', 'i'.repeat(257), 1.5, true, obj(), [], 2 ** 53).map((v) => d('wrong_type', v === undefined ? dropTop('prediction_id') : setTop('prediction_id', v), 'invalid_field', W, 'prediction_id')),
      fc.constantFrom<Json>('', '-1', 'a b', true, obj()).map((v) => d('wrong_type', setTop('model_version', v), 'invalid_field', W, 'model_version')),
      fc.constantFrom<Json>(-1, true, obj(), 'yesterday').map((v) => d('wrong_type', setTop('timestamp', v), 'invalid_field', W, 'timestamp')),
    ),
    fc.oneof(
      fc.constantFrom('Weather', 'weather ', 'weather\u0000', ...PROTO_NAMES).map((m) => d('unknown_model', setTop('model', m), 'unknown_model', '', 'model')),
      text(200, 1)
        .filter((m) => m !== W)
        .map((m) => d('unknown_model', setTop('model', m), 'unknown_model', '', 'model')),
    ),
    fc.oneof(
      invalidUtf8.map((b) => d('invalid_utf8', setTop('model', { $: 'bytes', parts: [b, W] }), 'unknown_model', '', 'model')),
      invalidUtf8.map((b): Defect => ({ kind: 'invalid_utf8', apply: (r) => ({ $: 'junk', b, v: r }), reason: 'malformed_json', model: '' })),
      invalidUtf8.map((b): Defect => ({ kind: 'invalid_utf8', apply: (r) => withField(r, 'label', { $: 'junk', b, v: 'rain' }), reason: 'malformed_json', model: '' })),
    ),
    fc.oneof(
      fc.constantFrom(...PROTO_NAMES).map((m) => d('prototype_keys', setTop('model', m), 'unknown_model', '', 'model')),
      fc.constantFrom(...PROTO_NAMES).map((k) => d('prototype_keys', (r) => withField(withField(r, 'prediction_id', undefined), k, obj(['prediction_id', 'p-1'])), 'invalid_field', W, 'prediction_id')),
      fc.constantFrom(...PROTO_NAMES).map((k) => d('prototype_keys', (r) => withField(withField(r, 'label', undefined), k, obj(['label', 'rain'], ['polluted', POLLUTION_MARK])), 'invalid_field', W, 'label')),
      fc.constantFrom(...PROTO_NAMES).map((k) => d('prototype_keys', setTop('label', obj([k, obj(['polluted', POLLUTION_MARK])])), 'invalid_field', W, 'label')),
    ),
    fc.integer({ min: MAX_RECORD_FIELDS + 1, max: 3 * MAX_RECORD_FIELDS }).map((n) => d('many_keys', (r) => ({ ...r, many: { n, prefix: 'top_' } }), 'too_large', W)),
  );
  return { normal, megabyte: megabyteDefects };
}

function defective(base: fc.Arbitrary<{ rec: Obj }>, defects: fc.Arbitrary<Defect>): fc.Arbitrary<RecordCase> {
  return fc.tuple(base, defects).map(([b, def]) => ({
    ...bad(def.kind, def.apply(b.rec), def.reason, def.model, def.field),
    ...(def.cut === undefined ? {} : { cut: def.cut }),
  }));
}

/** Options for the record mix: megabyte strings are rare by default (they cost a megabyte each). */
export interface MixOptions {
  /** Relative weight of bad records against good ones (1: half bad). */
  badWeight?: number;
  /** Relative weight of megabyte-string defects among the bad ones (default 1 in about 60). */
  megabyteWeight?: number;
}

export function recordArb(endpoint: Endpoint, opts: MixOptions = {}): fc.Arbitrary<RecordCase> {
  const badWeight = opts.badWeight ?? 1;
  const megaWeight = opts.megabyteWeight ?? 1;
  const base = endpoint === 'predictions' ? goodPrediction : goodLabel;
  // Defect families are picked uniformly; megabyte strings get their own, lower weight.
  const defects = endpoint === 'predictions' ? predictionDefects() : labelDefects();
  const plain =
    endpoint === 'predictions' ? goodPrediction.map((g) => good('plain', g.rec, g.failed)) : goodLabel.map((g) => good('plain', g.rec));
  const hostile = endpoint === 'predictions' ? hostileGoodPrediction : hostileGoodLabel;
  return fc.oneof(
    { weight: 30, arbitrary: plain },
    { weight: 30, arbitrary: hostile },
    { weight: Math.round(60 * badWeight), arbitrary: defective(base, defects.normal) },
    { weight: megaWeight, arbitrary: defective(base, defects.megabyte) },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Requests.

export type Framing = 'object' | 'array' | 'ndjson' | 'broken_array';

export interface BatchCase {
  type: 'batch';
  endpoint: Endpoint;
  framing: Framing;
  records: RecordCase[];
  contentType: string | undefined;
  encoding: 'gzip' | 'deflate' | 'br' | undefined;
  /** NDJSON only: CRLF line ends and blank lines between records (not records themselves). */
  crlf: boolean;
  blankLines: boolean;
  bom: boolean;
}

export interface BodyCase {
  type: 'body';
  endpoint: Endpoint;
  kind: 'empty_body' | 'binary_garbage' | 'oversized_body' | 'bad_encoding' | 'many_records';
  /** empty: the whitespace; garbage: the bytes. */
  bytes: number[];
  contentType: string | undefined;
  /** bad_encoding: which one; many_records: the record repeated. */
  variant: string;
  /** oversized_body: bytes over the limit; many_records: how many records. */
  over: number;
}

/** many_records: tiny bad records, each with the reason it must be refused for (none names a model). */
export const TINY_BAD_RECORDS: Record<string, RejectionReason> = {
  '0': 'invalid_record',
  null: 'invalid_record',
  '[]': 'invalid_record',
  '"x"': 'invalid_record',
  '{}': 'invalid_field',
  '{"model":"nope"}': 'unknown_model',
  '{"model":"weather"': 'malformed_json',
};

export type RequestCase = BatchCase | BodyCase;

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream', undefined];
const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/jsonlines', 'application/x-json-stream', 'application/x-ndjson; charset=utf-8'];

export function batchArb(endpoint: Endpoint, maxRecords: number, opts: MixOptions = {}): fc.Arbitrary<BatchCase> {
  const rec = recordArb(endpoint, opts);
  const common = {
    crlf: fc.boolean(),
    blankLines: fc.boolean(),
    bom: fc.nat(4).map((n) => n === 0),
    encoding: fc.constantFrom<BatchCase['encoding']>(undefined, undefined, undefined, undefined, 'gzip', 'deflate', 'br'),
  };
  const make = (framing: Framing, records: fc.Arbitrary<RecordCase[]>, types: (string | undefined)[]) =>
    fc.record({ records, contentType: fc.constantFrom(...types), ...common }).map(
      (r): BatchCase => ({
        type: 'batch',
        endpoint,
        framing,
        records: r.records,
        contentType: r.contentType,
        // Compressed bodies are checked against the limit once inflated; keep megabyte records uncompressed.
        encoding: r.records.some(recordHasBig) ? undefined : r.encoding,
        crlf: framing === 'ndjson' && r.crlf,
        blankLines: framing === 'ndjson' && r.blankLines,
        bom: r.bom,
      }),
    );
  return fc.oneof(
    { weight: 2, arbitrary: make('object', rec.filter((r) => !recordIsArray(r)).map((r) => [r]), JSON_TYPES) },
    { weight: 3, arbitrary: make('array', fc.array(rec.filter(recordSyntaxOk), { minLength: 1, maxLength: maxRecords, size: 'max' }), JSON_TYPES) },
    { weight: 4, arbitrary: make('ndjson', fc.array(rec, { minLength: 1, maxLength: maxRecords, size: 'max' }), NDJSON_TYPES) },
    {
      weight: 1,
      arbitrary: make(
        'broken_array',
        fc.tuple(fc.array(rec, { maxLength: 6 }), rec.filter((r) => !recordSyntaxOk(r)), fc.nat()).map(([a, b, at]) => [...a.slice(0, at % (a.length + 1)), b, ...a.slice(at % (a.length + 1))]),
        JSON_TYPES,
      ),
    },
  );
}

export function bodyArb(endpoint: Endpoint): fc.Arbitrary<BodyCase> {
  const body = (kind: BodyCase['kind'], bytes: fc.Arbitrary<number[]>, types: (string | undefined)[], variants: string[] = ['']) =>
    fc.record({ bytes, contentType: fc.constantFrom(...types), variant: fc.constantFrom(...variants), over: fc.integer({ min: 1, max: 4096 }) }).map((r): BodyCase => ({ type: 'body', endpoint, kind, ...r }));
  return fc.oneof(
    { weight: 4, arbitrary: body('empty_body', fc.array(fc.constantFrom(0x20, 0x09, 0x0a, 0x0d), { maxLength: 8 }), [...JSON_TYPES, ...NDJSON_TYPES]) },
    { weight: 8, arbitrary: body('binary_garbage', fc.uint8Array({ minLength: 1, maxLength: 400 }).map((a) => [...a]), [...JSON_TYPES, ...NDJSON_TYPES]) },
    { weight: 1, arbitrary: body('oversized_body', fc.constant([]), JSON_TYPES, ['plain', 'gzip']) },
    { weight: 3, arbitrary: body('bad_encoding', fc.constant([]), ['application/json'], ['charset', 'content-encoding', 'gzip-garbage', 'gzip-cut']) },
    // Thousands of tiny bad records in one body: all counted, the first 100 listed.
    {
      weight: 2,
      arbitrary: fc
        .record({ variant: fc.constantFrom(...Object.keys(TINY_BAD_RECORDS)), over: fc.integer({ min: 101, max: 5000 }), ndjson: fc.boolean() })
        .map((r): BodyCase => ({ type: 'body', endpoint, kind: 'many_records', bytes: [], contentType: r.ndjson ? 'application/x-ndjson' : 'application/json', variant: r.variant, over: r.over })),
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// File source lines.

export interface FileLine {
  record: RecordCase;
  crlf: boolean;
}

/** A line of a tailed file: a record, a blank-looking line of spaces, or binary garbage without line breaks. */
export function fileLineArb(endpoint: Endpoint, opts: MixOptions = {}): fc.Arbitrary<FileLine> {
  const garbage = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((a): RecordCase => ({ kind: 'binary_garbage', good: false, value: null, rawBytes: [...a].filter((b) => b !== 0x0a && b !== 0x0d), model: '' }));
  const spaces = fc.array(fc.constantFrom(0x20, 0x09), { minLength: 1, maxLength: 6 }).map((b): RecordCase => ({ kind: 'empty_body', good: false, value: null, rawBytes: b, reason: 'malformed_json', model: '' }));
  return fc.record({
    record: fc.oneof({ weight: 20, arbitrary: recordArb(endpoint, opts) }, { weight: 1, arbitrary: garbage.filter((r) => (r.rawBytes?.length ?? 0) > 0) }, { weight: 1, arbitrary: spaces }),
    crlf: fc.nat(3).map((n) => n === 0),
  });
}
