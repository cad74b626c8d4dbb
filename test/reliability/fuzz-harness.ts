/**
 * Sends fuzz cases (fuzz-payloads.ts) to an exporter, in process or as a child process, and checks the
 * invariants of the "Bad input" fuzz test:
 * - every answer is JSON with a 2xx or 4xx status, within a timeout;
 * - every bad record is refused with a reason from the closed set (the expected one, naming the expected field)
 *   and every good record of the same batch is accepted;
 * - the counters move by exactly what the answers say: `modelwatch_records_rejected_total` per model and reason,
 *   `modelwatch_predictions_total`, `modelwatch_requests_total` and `modelwatch_labels_total` by the good records;
 * - the same for lines appended to tailed files, once `modelwatch_file_source_lines_total` has caught up;
 * - no answer and no scrape ever shows the prototype-pollution marker.
 */
import { appendFile, readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { expect } from 'vitest';
import { REJECTION_REASONS, type RejectionReason } from '../../exporter/src/ingest/rejection.js';
import { samples } from '../../exporter/test/support/exporter-fixture.js';
import { waitFor, type ExporterProcess } from '../support/exporter-process.js';
import {
  KINDS,
  MAX_LINE_BYTES,
  MAX_REQUEST_BYTES,
  MODEL,
  POLLUTION_MARK,
  raw,
  recordBytes,
  TINY_BAD_RECORDS,
  type BatchCase,
  type BodyCase,
  type Endpoint,
  type FileLine,
  type Kind,
  type RecordCase,
  type RequestCase,
} from './fuzz-payloads.js';

/** The fuzz model: the same as the API tests' fixture, with two tailed files and a 4 MiB body limit. */
export const FUZZ_MODEL_YAML = `models:
  - name: ${MODEL}
    task: classification
    reference: {path: reference.csv}
    features:
      - {name: temp, type: numeric}
      - {name: city, type: categorical}
    prediction_field: prediction
    label_field: label
    windows: [1m, 1h]
`;
export const FUZZ_SOURCES_YAML = `sources:
  - {type: file, path: fuzz-predictions.jsonl}
  - {type: file, path: fuzz-labels.jsonl, kind: labels}
server: {max_request_bytes: ${MAX_REQUEST_BYTES}}
`;

export interface Target {
  name: string;
  url: string;
  predictionsFile: string;
  labelsFile: string;
  /** Throws when the exporter is no longer running. */
  alive(): void;
  /** The scrape that ended the last successful run (nothing else moves the counters in between). */
  last?: Snapshot | undefined;
}

const REQUEST_TIMEOUT_MS = 20_000;

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

export async function request(url: string, init: { method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    ...(init.body ? { body: init.body } : {}),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

// ---------------------------------------------------------------------------------------------------------
// Counting what was sent, per kind, for the report and the 10,000 floor.

export type Channel = 'predictions' | 'labels' | 'file:predictions' | 'file:labels';

export class Tally {
  /** `${target}|${channel}|${kind}|good|bad` → count */
  readonly counts = new Map<string, number>();
  requests = 0;
  mixedBatches = 0;
  fileLines = 0;
  /** HTTP status → answers */
  readonly statuses = new Map<number, number>();

  add(target: string, channel: Channel, kind: Kind, good: boolean, n = 1): void {
    const key = `${target}|${channel}|${kind}|${good ? 'good' : 'bad'}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  total(filter: (target: string, channel: string, kind: string, quality: string) => boolean): number {
    let n = 0;
    for (const [key, v] of this.counts) {
      const [t, c, k, q] = key.split('|') as [string, string, string, string];
      if (filter(t, c, k, q)) n += v;
    }
    return n;
  }

  get malformed(): number {
    return this.total((_t, _c, _k, q) => q === 'bad');
  }

  /** A table of malformed (and hostile-but-valid) payloads per kind and channel. */
  report(): string {
    const channels: Channel[] = ['predictions', 'labels', 'file:predictions', 'file:labels'];
    const rows = [`${'kind'.padEnd(16)}${channels.map((c) => c.padStart(18)).join('')}${'total'.padStart(9)}`];
    for (const quality of ['bad', 'good']) {
      rows.push(quality === 'bad' ? '-- malformed (must be refused)' : '-- good, some with hostile content (must be accepted)');
      for (const kind of KINDS) {
        const per = channels.map((c) => this.total((_t, ch, k, q) => ch === c && k === kind && q === quality));
        const sum = per.reduce((a, b) => a + b, 0);
        if (sum > 0) rows.push(`${kind.padEnd(16)}${per.map((n) => String(n).padStart(18)).join('')}${String(sum).padStart(9)}`);
      }
    }
    rows.push(`malformed payloads: ${this.malformed}; good records: ${this.total((_t, _c, _k, q) => q === 'good')}; requests: ${this.requests} (${this.mixedBatches} mixed batches); file lines: ${this.fileLines}`);
    const targets = [...new Set([...this.counts.keys()].map((k) => k.split('|')[0] as string))];
    for (const t of targets) rows.push(`${t}: ${this.total((tt, _c, _k, q) => tt === t && q === 'bad')} malformed, ${this.total((tt, _c, _k, q) => tt === t && q === 'good')} good`);
    rows.push(`answers by status: ${[...this.statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
    return rows.join('\n');
  }
}

// ---------------------------------------------------------------------------------------------------------
// What a run is expected to move, and what the answers said.

export class Expected {
  predictions = 0;
  requests = 0;
  labels = 0;
  /** `${model}|${reason}` → rejections */
  readonly rejected = new Map<string, number>();
  /** Rejections whose reason could not be known in advance (garbage that happens to parse). */
  unknownReason = 0;

  reject(model: string, reason: RejectionReason, n = 1): void {
    const key = `${model}|${reason}`;
    this.rejected.set(key, (this.rejected.get(key) ?? 0) + n);
  }

  good(endpoint: Endpoint, r: RecordCase): void {
    if (endpoint === 'labels') {
      this.labels++;
      return;
    }
    this.requests++;
    if (!r.failedRequest) this.predictions++;
  }

  get rejectedTotal(): number {
    let n = this.unknownReason;
    for (const v of this.rejected.values()) n += v;
    return n;
  }
}

export interface Snapshot {
  values: Map<string, number>;
}

export async function scrape(target: Target): Promise<Snapshot> {
  const a = await request(`${target.url}/metrics`);
  expect(a.status, 'GET /metrics').toBe(200);
  expect(a.text.includes(POLLUTION_MARK), 'the pollution marker shows in /metrics').toBe(false);
  return { values: samples(a.text) };
}

function sum(s: Snapshot, prefix: string): number {
  let n = 0;
  for (const [k, v] of s.values) if (k.startsWith(prefix)) n += v;
  return n;
}

function rejectedByKey(s: Snapshot): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of s.values) {
    const m = /^modelwatch_records_rejected_total\{model="([^"]*)",reason="([^"]*)"\}$/.exec(k);
    if (m) out.set(`${m[1]}|${m[2]}`, v);
  }
  return out;
}

export function fileLines(s: Snapshot, file: string): number {
  return (s.values.get(`modelwatch_file_source_lines_total{path="${file}"}`) ?? 0) + (s.values.get(`modelwatch_file_source_oversized_lines_total{path="${file}"}`) ?? 0);
}

/** Counter deltas between two scrapes must equal what the run expected, reason by reason. */
export function checkDeltas(before: Snapshot, after: Snapshot, want: Expected): void {
  const d = (prefix: string) => sum(after, prefix) - sum(before, prefix);
  expect(d(`modelwatch_predictions_total{model="${MODEL}"`), 'modelwatch_predictions_total delta (good predictions)').toBe(want.predictions);
  expect(d(`modelwatch_requests_total{model="${MODEL}"`), 'modelwatch_requests_total delta (good prediction records)').toBe(want.requests);
  expect(d(`modelwatch_labels_total{model="${MODEL}"`), 'modelwatch_labels_total delta (good labels)').toBe(want.labels);
  const b = rejectedByKey(before);
  const a = rejectedByKey(after);
  let total = 0;
  let slack = 0;
  for (const key of new Set([...a.keys(), ...b.keys(), ...want.rejected.keys()])) {
    const delta = (a.get(key) ?? 0) - (b.get(key) ?? 0);
    const expected = want.rejected.get(key) ?? 0;
    total += delta;
    if (want.unknownReason === 0) expect(delta, `modelwatch_records_rejected_total{${key}} delta`).toBe(expected);
    else {
      expect(delta, `modelwatch_records_rejected_total{${key}} delta`).toBeGreaterThanOrEqual(expected);
      slack += delta - expected;
    }
  }
  expect(total, 'modelwatch_records_rejected_total delta over all models and reasons').toBe(want.rejectedTotal);
  expect(slack).toBe(want.unknownReason);
}

// ---------------------------------------------------------------------------------------------------------
// HTTP requests.

type Expectation =
  /** Read record by record: index i is records[i]. */
  | { type: 'items'; records: RecordCase[] }
  /** One rejection for the whole body, answered with the ingest result shape or an error shape. */
  | { type: 'whole'; status: number[]; reason: RejectionReason; shape: 'result' | 'error' }
  /** Garbage: nothing accepted, at least one rejection, the count and reasons from the answer. */
  | { type: 'garbage' };

interface Built {
  path: string;
  body: Buffer;
  headers: Record<string, string>;
  expect: Expectation;
}

const GOOD_RECORD = Buffer.from(JSON.stringify({ model: MODEL, prediction_id: 'fuzz-good', features: { temp: 3.5, city: 'oslo' }, prediction: 'rain' }));

function compress(body: Buffer, encoding: 'gzip' | 'deflate' | 'br'): Buffer {
  if (encoding === 'gzip') return zlib.gzipSync(body);
  if (encoding === 'deflate') return zlib.deflateSync(body);
  return zlib.brotliCompressSync(body);
}

function parses(body: Buffer): boolean {
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

export function buildRequest(rc: RequestCase): Built {
  const path = `/api/v1/${rc.endpoint}`;
  return rc.type === 'batch' ? buildBatch(rc, path) : buildBody(rc, path);
}

function buildBatch(rc: BatchCase, path: string): Built {
  const parts = rc.records.map(recordBytes);
  let body: Buffer;
  if (rc.framing === 'object') body = parts[0] as Buffer;
  else if (rc.framing === 'ndjson') {
    const nl = Buffer.from(rc.crlf ? '\r\n' : '\n');
    const pieces: Buffer[] = [];
    parts.forEach((p, i) => {
      pieces.push(p, nl);
      if (rc.blankLines && i % 3 === 0) pieces.push(Buffer.from(i % 2 ? ' \t\n' : '\n'));
    });
    body = Buffer.concat(pieces);
  } else {
    const pieces: Buffer[] = [Buffer.from('[')];
    parts.forEach((p, i) => pieces.push(...(i > 0 ? [Buffer.from(','), p] : [p])));
    pieces.push(Buffer.from(']'));
    body = Buffer.concat(pieces);
  }
  if (rc.bom) body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
  const headers: Record<string, string> = {};
  if (rc.contentType !== undefined) headers['content-type'] = rc.contentType;
  let expectation: Expectation;
  if (body.length > MAX_REQUEST_BYTES) expectation = { type: 'whole', status: [413], reason: 'too_large', shape: 'error' };
  else if (rc.framing === 'broken_array') expectation = parses(body) ? { type: 'garbage' } : { type: 'whole', status: [400], reason: 'malformed_json', shape: 'result' };
  else expectation = { type: 'items', records: rc.records };
  if (rc.encoding) {
    headers['content-encoding'] = rc.encoding;
    body = compress(body, rc.encoding);
  }
  return { path, body, headers, expect: expectation };
}

function buildBody(rc: BodyCase, path: string): Built {
  const headers: Record<string, string> = {};
  if (rc.contentType !== undefined) headers['content-type'] = rc.contentType;
  switch (rc.kind) {
    case 'empty_body':
      return { path, body: Buffer.from(rc.bytes), headers, expect: { type: 'whole', status: [400], reason: 'malformed_json', shape: 'result' } };
    case 'binary_garbage':
      return { path, body: Buffer.from(rc.bytes), headers, expect: { type: 'garbage' } };
    case 'many_records': {
      const ndjson = rc.contentType === 'application/x-ndjson';
      const reason = TINY_BAD_RECORDS[rc.variant] as RejectionReason;
      // Broken JSON only works line by line: in an array it breaks the whole body.
      const text = ndjson ? `${rc.variant}\n`.repeat(rc.over) : reason === 'malformed_json' ? `[${'0,'.repeat(rc.over - 1)}0]` : `[${Array(rc.over).fill(rc.variant).join(',')}]`;
      const record: RecordCase = { kind: 'many_records', good: false, value: raw(rc.variant), reason: !ndjson && reason === 'malformed_json' ? 'invalid_record' : reason, model: '' };
      return { path, body: Buffer.from(text), headers, expect: { type: 'items', records: Array<RecordCase>(rc.over).fill(record) } };
    }
    case 'oversized_body': {
      // A good record padded past the limit: refused for its size alone.
      const plain = Buffer.concat([GOOD_RECORD, Buffer.alloc(MAX_REQUEST_BYTES + rc.over - GOOD_RECORD.length, 0x20)]);
      if (rc.variant === 'gzip') headers['content-encoding'] = 'gzip';
      return { path, body: rc.variant === 'gzip' ? zlib.gzipSync(plain) : plain, headers, expect: { type: 'whole', status: [413], reason: 'too_large', shape: 'error' } };
    }
    case 'bad_encoding': {
      let body = GOOD_RECORD;
      let status = [400];
      if (rc.variant === 'charset') {
        headers['content-type'] = 'application/json; charset=x-fuzz-bogus';
        status = [415];
      } else if (rc.variant === 'content-encoding') {
        headers['content-encoding'] = 'x-fuzz-bogus';
        status = [415];
      } else if (rc.variant === 'gzip-garbage') {
        headers['content-encoding'] = 'gzip';
      } else {
        headers['content-encoding'] = 'gzip';
        const gz = zlib.gzipSync(GOOD_RECORD);
        body = gz.subarray(0, Math.floor(gz.length / 2));
      }
      return { path, body, headers, expect: { type: 'whole', status, reason: 'malformed_json', shape: 'error' } };
    }
  }
}

interface IngestAnswer {
  accepted: number;
  rejected: number;
  errors: { index: number; reason: string; field?: string; message: string; model?: string }[];
}

/** Sends one case, checks its answer record by record, and adds what the counters must move by to `want`. */
export async function sendCase(target: Target, rc: RequestCase, want: Expected, tally: Tally): Promise<void> {
  const built = buildRequest(rc);
  const channel: Channel = rc.endpoint;
  tally.requests++;
  if (rc.type === 'batch') {
    for (const r of rc.records) tally.add(target.name, channel, r.kind, r.good);
    if (rc.records.some((r) => r.good) && rc.records.some((r) => !r.good)) tally.mixedBatches++;
  } else tally.add(target.name, channel, rc.kind, false);

  let answer: Answer;
  try {
    answer = await request(target.url + built.path, { method: 'POST', body: built.body, headers: built.headers });
  } catch (err) {
    target.alive();
    throw new Error(`POST ${built.path} (${built.body.length} bytes) got no answer: ${(err as Error).message}`, { cause: err });
  }
  tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
  const what = `POST ${built.path} ${rc.type === 'batch' ? `${rc.framing} batch of ${rc.records.length}` : rc.kind} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, what).toBeGreaterThanOrEqual(200);
  expect(answer.status, what).toBeLessThan(500);
  expect(answer.contentType, what).toMatch(/^application\/json/);
  expect(answer.text.includes(POLLUTION_MARK), `${what}: the pollution marker shows in the answer`).toBe(false);
  const body = JSON.parse(answer.text) as Record<string, unknown>;

  const ex = built.expect;
  if (ex.type === 'whole') {
    expect(ex.status, what).toContain(answer.status);
    if (ex.shape === 'result') {
      expect(body, what).toEqual({ accepted: 0, rejected: 1, errors: [expect.objectContaining({ index: 0, reason: ex.reason })] });
    } else {
      expect(typeof body.error, what).toBe('string');
      // The reason in the answer is the one the rejection is counted under.
      expect(body.reason, what).toBe(ex.reason);
    }
    want.reject('', ex.reason);
    return;
  }

  const result = body as unknown as IngestAnswer;
  expect(typeof result.accepted, what).toBe('number');
  expect(typeof result.rejected, what).toBe('number');
  expect(Array.isArray(result.errors), what).toBe(true);
  expect(answer.status, what).toBe(result.accepted > 0 ? 202 : 400);
  expect(result.errors.length, what).toBe(Math.min(result.rejected, 100));
  let last = -1;
  for (const e of result.errors) {
    expect(Number.isInteger(e.index) && e.index > last, `${what}: error indices ascend`).toBe(true);
    last = e.index;
    expect(REJECTION_REASONS as readonly string[], what).toContain(e.reason);
    expect(typeof e.message === 'string' && e.message.length > 0, what).toBe(true);
    // Messages quote at most a bounded piece of the input, never a megabyte string.
    expect(e.message.length + (e.field?.length ?? 0), what).toBeLessThan(1000);
  }

  if (ex.type === 'garbage') {
    expect(result.accepted, what).toBe(0);
    expect(result.rejected, what).toBeGreaterThanOrEqual(1);
    expect(result.errors.length, `${what}: garbage gives few enough rejections to list them all`).toBe(result.rejected);
    for (const e of result.errors) want.reject(e.model ?? '', e.reason as RejectionReason);
    return;
  }

  const records = ex.records;
  const badIndices = records.flatMap((r, i) => (r.good ? [] : [i]));
  expect(result.accepted, `${what}: accepted = good records`).toBe(records.length - badIndices.length);
  expect(result.rejected, `${what}: rejected = bad records`).toBe(badIndices.length);
  expect(
    result.errors.map((e) => e.index),
    `${what}: the refused records are the bad ones`,
  ).toEqual(badIndices.slice(0, 100));
  for (const e of result.errors) {
    const r = records[e.index] as RecordCase;
    const label = `${what}: record ${e.index} (${r.kind})`;
    if (r.reason !== undefined) expect(e.reason, label).toBe(r.reason);
    if (r.field !== undefined) expect(e.field, label).toBe(r.field);
    expect(e.model ?? '', label).toBe(r.model ?? '');
  }
  for (const r of records) {
    if (r.good) want.good(rc.endpoint, r);
    else if (r.reason !== undefined) want.reject(r.model ?? '', r.reason);
    else want.unknownReason++;
  }
}

// ---------------------------------------------------------------------------------------------------------
// File source.

/** What the exporter makes of one tailed line, by the same rules (oversized lines are skipped and counted). */
function fileExpectation(line: FileLine, bytes: Buffer): { good: boolean; model: string; reason: RejectionReason | undefined } {
  const r = line.record;
  if (bytes.length > MAX_LINE_BYTES) return { good: false, model: '', reason: 'too_large' };
  if (r.rawBytes !== undefined && r.reason === undefined) {
    // Garbage: decoded with replacement characters, then parsed.
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      return { good: false, model: '', reason: 'malformed_json' };
    }
    return { good: false, model: '', reason: value === null || typeof value !== 'object' || Array.isArray(value) ? 'invalid_record' : undefined };
  }
  return { good: r.good, model: r.model ?? '', reason: r.reason };
}

/** Appends lines to a tailed file and adds what they must move the counters by; returns the file and line count. */
export async function appendLines(target: Target, endpoint: Endpoint, lines: FileLine[], want: Expected, tally: Tally): Promise<{ file: string; lines: number }> {
  const file = endpoint === 'predictions' ? target.predictionsFile : target.labelsFile;
  const channel: Channel = endpoint === 'predictions' ? 'file:predictions' : 'file:labels';
  const pieces: Buffer[] = [];
  for (const line of lines) {
    const bytes = recordBytes(line.record);
    pieces.push(bytes, Buffer.from(line.crlf ? '\r\n' : '\n'));
    const e = fileExpectation(line, bytes);
    tally.add(target.name, channel, line.record.kind, e.good);
    tally.fileLines++;
    if (e.good) want.good(endpoint, line.record);
    else if (e.reason !== undefined) want.reject(e.model, e.reason);
    else want.unknownReason++;
  }
  await appendFile(file, Buffer.concat(pieces));
  return { file, lines: lines.length };
}

/** Waits until the file source has read every appended line (read and handed to ingest, or skipped as oversized). */
export async function waitForFiles(target: Target, before: Snapshot, appended: { file: string; lines: number }[]): Promise<Snapshot> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = await scrape(target);
    let done = true;
    for (const { file, lines } of appended) {
      const seen = fileLines(s, file) - fileLines(before, file);
      expect(seen, `${file}: lines read must never exceed lines written`).toBeLessThanOrEqual(lines);
      if (seen < lines) {
        done = false;
        if (Date.now() > deadline) throw new Error(`the file source read ${seen} of ${lines} appended lines of ${file} within 30 s`);
      }
    }
    if (done) return s;
    target.alive();
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Probes: requests whose exact answers must not change however much garbage went before (a polluted
// Object.prototype would show in defaults, settings lookups and serialization).

export const PROBES: { name: string; method: string; path: string; body?: string; contentType?: string }[] = [
  { name: 'good prediction', method: 'POST', path: '/api/v1/predictions', body: JSON.stringify({ model: MODEL, features: { temp: 1, city: 'oslo' } }), contentType: 'application/json' },
  { name: 'record without a model', method: 'POST', path: '/api/v1/predictions', body: '{"features":{"temp":1}}', contentType: 'application/json' },
  { name: 'empty object', method: 'POST', path: '/api/v1/predictions', body: '{}', contentType: 'application/json' },
  { name: 'record with only prototype keys', method: 'POST', path: '/api/v1/predictions', body: '{"__proto__":{"model":"weather","features":{}},"constructor":{"prototype":{"model":"weather"}}}' },
  { name: 'label without an id', method: 'POST', path: '/api/v1/labels', body: '{"model":"weather","label":"rain"}', contentType: 'application/x-ndjson' },
  { name: 'unknown route', method: 'GET', path: '/fuzz-no-such-route' },
  { name: 'health', method: 'GET', path: '/-/healthy' },
];

export async function probe(target: Target): Promise<string[]> {
  target.last = undefined;
  const out: string[] = [];
  for (const p of PROBES) {
    const a = await request(target.url + p.path, {
      method: p.method,
      ...(p.body === undefined ? {} : { body: Buffer.from(p.body) }),
      headers: p.contentType ? { 'content-type': p.contentType } : {},
    });
    out.push(`${p.name}: ${a.status} ${a.contentType} ${a.text}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// In-process checks for prototype pollution.

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
];
const PROTOTYPE_KEYS = new Map(PROTOTYPES.map(([name, p]) => [name, Reflect.ownKeys(p).map(String).sort().join(',')]));

export function assertNoPollution(): void {
  for (const [name, p] of PROTOTYPES) expect(Reflect.ownKeys(p).map(String).sort().join(','), `own keys of ${name}`).toBe(PROTOTYPE_KEYS.get(name));
  const probeObject = {} as Record<string, unknown>;
  for (const key of ['polluted', 'model', 'features', 'prediction_id', 'label', 'prototype']) expect(probeObject[key], `({}).${key}`).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

/** Preloads prototype-watch.mjs into a child exporter (append to its NODE_OPTIONS). */
export const PROTOTYPE_WATCH_OPTION = `--import=${new URL('./prototype-watch.mjs', import.meta.url).href}`;

/** Asks a child started with PROTOTYPE_WATCH_OPTION for its report (the first call sets the baseline). */
export async function prototypeReport(proc: ExporterProcess): Promise<{ changed: Record<string, { added: string[]; removed: string[] }>; polluted: unknown }> {
  const from = proc.stderr().length;
  proc.child.kill('SIGUSR2');
  const line = await waitFor('the prototype-watch report', async () => /prototype-watch (\{.*\})\n/.exec(proc.stderr().slice(from))?.[1], 5000);
  return JSON.parse(line) as { changed: Record<string, { added: string[]; removed: string[] }>; polluted: unknown };
}

/** Resident set size of a process in bytes (Linux /proc). */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}
