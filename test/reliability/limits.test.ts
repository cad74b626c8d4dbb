/**
 * Request and record size limits: a body over `server.max_request_bytes` gets 413; a record with more keys than
 * `server.max_record_fields` (at its top level or in `features`) or a key or string value longer than
 * `server.max_string_bytes` (UTF-8 bytes) is refused as `too_large`, naming the field, while the good records
 * of the same batch are kept. Every refusal is counted once.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../exporter/src/config/load.js';
import { samples, startExporter, type ExporterFixture } from '../../exporter/test/support/exporter-fixture.js';

const MAX_BODY = 64 * 1024;
const MAX_FIELDS = 50;
const MAX_STRING = 2048;

let fx: ExporterFixture;
beforeAll(async () => {
  fx = await startExporter(`server: {max_request_bytes: ${MAX_BODY}, max_record_fields: ${MAX_FIELDS}, max_string_bytes: ${MAX_STRING}}\n`);
});
afterAll(async () => {
  await fx.close();
});

interface Answer {
  status: number;
  body: { accepted?: number; rejected?: number; reason?: string; errors?: { index: number; reason: string; field?: string; message: string; model?: string }[] };
}

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(fx.url + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function counters(): Promise<Map<string, number>> {
  return samples(await (await fetch(`${fx.url}/metrics`)).text());
}

function delta(before: Map<string, number>, after: Map<string, number>, key: string): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

const TOO_LARGE = 'modelwatch_records_rejected_total{model="weather",reason="too_large"}';
const TOO_LARGE_UNKNOWN = 'modelwatch_records_rejected_total{model="",reason="too_large"}';
const PREDICTIONS = 'modelwatch_predictions_total{model="weather",model_version="1"}';
const LABELS = 'modelwatch_labels_total{model="weather",model_version="1"}';
const TYPE_ERRORS = 'modelwatch_schema_violations_total{kind="type_error",model="weather",model_version="1"}';

const prediction = (features: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ model: 'weather', features: { temp: 3.5, city: 'oslo', ...features }, ...extra });
const keys = (n: number, prefix: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));

describe('server.max_request_bytes', () => {
  it('refuses a larger body with 413 too_large, compressed or not, and counts each once', async () => {
    const before = await counters();
    const record = JSON.stringify(prediction({}));
    // Exactly at the limit is still read.
    const atLimit = await post('/api/v1/predictions', record + ' '.repeat(MAX_BODY - record.length));
    expect(atLimit.status).toBe(202);
    const over = await post('/api/v1/predictions', record + ' '.repeat(MAX_BODY - record.length + 1));
    expect(over).toEqual({ status: 413, body: { error: expect.stringContaining('server.max_request_bytes'), reason: 'too_large' } });
    // The limit applies to the inflated body: a small gzip that inflates past it is refused too.
    const bomb = gzipSync(Buffer.from(record + ' '.repeat(MAX_BODY * 4)));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const inflated = await post('/api/v1/labels', bomb, { 'content-encoding': 'gzip' });
    expect(inflated.status).toBe(413);
    expect(inflated.body.reason).toBe('too_large');
    const after = await counters();
    expect(delta(before, after, TOO_LARGE_UNKNOWN)).toBe(2);
    expect(delta(before, after, PREDICTIONS)).toBe(1);
  });
});

describe('server.max_record_fields', () => {
  it(`accepts ${MAX_FIELDS} keys in features and refuses ${MAX_FIELDS + 1}, naming "features", keeping the good records of the batch`, async () => {
    const before = await counters();
    const r = await post('/api/v1/predictions', JSON.stringify([prediction(keys(MAX_FIELDS - 2, 'x')), prediction(keys(MAX_FIELDS - 1, 'x')), prediction({})]));
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(2);
    expect(r.body.errors).toEqual([{ index: 1, reason: 'too_large', field: 'features', model: 'weather', message: `"features" has ${MAX_FIELDS + 1} fields; at most ${MAX_FIELDS} are accepted (server.max_record_fields)` }]);
    const after = await counters();
    expect(delta(before, after, TOO_LARGE)).toBe(1);
    expect(delta(before, after, PREDICTIONS)).toBe(2);
    // A refusal for size is not a type error of a feature.
    expect(delta(before, after, TYPE_ERRORS)).toBe(0);
  });

  it('counts the top-level keys of a record too, for predictions and labels', async () => {
    const top = (n: number) => ({ ...prediction({}), ...keys(n - 2, 'top') });
    const p = await post('/api/v1/predictions', JSON.stringify([top(MAX_FIELDS), top(MAX_FIELDS + 1)]));
    expect(p.body.accepted).toBe(1);
    expect(p.body.errors).toEqual([expect.objectContaining({ index: 1, reason: 'too_large', model: 'weather', message: expect.stringContaining('the record has 51 fields') })]);
    expect(p.body.errors?.[0]?.field).toBeUndefined();
    const label = (n: number) => ({ model: 'weather', prediction_id: `l${n}`, label: 'rain', ...keys(n - 3, 'top') });
    const l = await post('/api/v1/labels', JSON.stringify([label(MAX_FIELDS), label(MAX_FIELDS + 1)]));
    expect(l.body.accepted).toBe(1);
    expect(l.body.errors?.map((e) => [e.index, e.reason])).toEqual([[1, 'too_large']]);
  });
});

describe('server.max_string_bytes', () => {
  it('measures strings in UTF-8 bytes and names the field', async () => {
    const before = await counters();
    const city = (s: string) => prediction({ city: s });
    const batch = [
      city('a'.repeat(MAX_STRING)), // 2048 bytes: kept
      city('a'.repeat(MAX_STRING + 1)), // 2049 bytes
      city('€'.repeat(682)), // 2046 bytes: kept
      city('€'.repeat(683)), // 2049 bytes in 683 characters
      city('😀'.repeat(512)), // 2048 bytes: kept
      city('😀'.repeat(513)), // 2052 bytes
      prediction({ ['k'.repeat(MAX_STRING + 1)]: 1 }), // a feature name
      prediction({}, { model: 'm'.repeat(MAX_STRING + 1) }), // the model name: counted without a model
      prediction({}, { error: 'e'.repeat(MAX_STRING + 1) }), // a top-level value
      prediction({}, { ['n'.repeat(MAX_STRING + 1)]: 1 }), // a top-level key
    ];
    const r = await post('/api/v1/predictions', JSON.stringify(batch));
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(3);
    expect(r.body.errors?.map((e) => [e.index, e.reason, e.field, e.model])).toEqual([
      [1, 'too_large', 'features.city', 'weather'],
      [3, 'too_large', 'features.city', 'weather'],
      [5, 'too_large', 'features.city', 'weather'],
      [6, 'too_large', 'features', 'weather'],
      [7, 'too_large', 'model', undefined],
      [8, 'too_large', 'error', 'weather'],
      [9, 'too_large', undefined, 'weather'],
    ]);
    expect(r.body.errors?.[0]?.message).toBe(`"features.city": a string longer than ${MAX_STRING} bytes (server.max_string_bytes)`);
    // Messages do not echo the long input.
    for (const e of r.body.errors ?? []) expect(e.message.length).toBeLessThan(200);
    const after = await counters();
    expect(delta(before, after, TOO_LARGE)).toBe(6);
    expect(delta(before, after, TOO_LARGE_UNKNOWN)).toBe(1);
    expect(delta(before, after, PREDICTIONS)).toBe(3);
    expect(delta(before, after, TYPE_ERRORS)).toBe(0);
  });

  it('applies to labels', async () => {
    const before = await counters();
    const r = await post(
      '/api/v1/labels',
      JSON.stringify([
        { model: 'weather', prediction_id: 's1', label: 'r'.repeat(MAX_STRING) },
        { model: 'weather', prediction_id: 's2', label: 'r'.repeat(MAX_STRING + 1) },
      ]),
    );
    expect(r.body.accepted).toBe(1);
    expect(r.body.errors?.map((e) => [e.index, e.reason, e.field])).toEqual([[1, 'too_large', 'label']]);
    const after = await counters();
    expect(delta(before, after, LABELS)).toBe(1);
    expect(delta(before, after, TOO_LARGE)).toBe(1);
  });
});

describe('configuration', () => {
  const base = `models:
  - name: weather
    task: classification
    reference: {path: reference.csv}
`;
  it('defaults to 1000 fields and 64 KiB strings', () => {
    const config = parseConfigText(base, '/etc/modelwatch/modelwatch.yml');
    expect(config.maxRecordFields).toBe(1000);
    expect(config.maxStringBytes).toBe(65536);
  });

  it('names the key when a limit is out of range', () => {
    expect(() => parseConfigText(`${base}server: {max_record_fields: 5}\n`, '/etc/modelwatch/modelwatch.yml')).toThrow(ConfigError);
    expect(() => parseConfigText(`${base}server: {max_record_fields: 5}\n`, '/etc/modelwatch/modelwatch.yml')).toThrow(/server\.max_record_fields/);
    expect(() => parseConfigText(`${base}server: {max_string_bytes: "64k"}\n`, '/etc/modelwatch/modelwatch.yml')).toThrow(/server\.max_string_bytes/);
  });
});
