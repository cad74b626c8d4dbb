import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples, startExporter, type ExporterFixture } from '../support/exporter-fixture.js';

let fx: ExporterFixture;
beforeAll(async () => {
  fx = await startExporter('server: {max_request_bytes: 4096}\n');
});
afterAll(async () => {
  await fx.close();
});

async function post(pathname: string, body: string, contentType = 'application/json') {
  const res = await fetch(fx.url + pathname, { method: 'POST', body, headers: { 'content-type': contentType } });
  return { status: res.status, body: (await res.json()) as { accepted: number; rejected: number; errors: { index: number; reason: string; field?: string; message: string }[] } };
}

async function metrics(): Promise<Map<string, number>> {
  const res = await fetch(`${fx.url}/metrics`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
  return samples(await res.text());
}

const good = (id: string, temp: number | null = 3.5, city: unknown = 'oslo') => ({
  model: 'weather',
  model_version: '2',
  prediction_id: id,
  timestamp: '2026-01-01T00:00:00Z',
  features: { temp, city },
  prediction: 'rain',
  score: 0.8,
  latency_ms: 12.5,
});

describe('POST /api/v1/predictions', () => {
  it('accepts one JSON record with 202 and counts it', async () => {
    const before = (await metrics()).get('modelwatch_predictions_total{model="weather",model_version="2"}') ?? 0;
    const r = await post('/api/v1/predictions', JSON.stringify(good('p-1')));
    expect(r).toEqual({ status: 202, body: { accepted: 1, rejected: 0, errors: [] } });
    const m = await metrics();
    expect(m.get('modelwatch_predictions_total{model="weather",model_version="2"}')).toBe(before + 1);
    // The reference holds 0.5..19.5 ten times each: its first deciles (numpy linear) are 2.4 and 4.3,
    // so 3.5 lands in bin 01, (2.4, 4.3].
    expect(m.get('modelwatch_feature_values_total{bin="01",feature="temp",model="weather",model_version="2"}')).toBe(1);
    expect(m.get('modelwatch_feature_values_total{bin="oslo",feature="city",model="weather",model_version="2"}')).toBe(1);
    expect(m.get('modelwatch_feature_values_total{bin="rain",feature="__prediction__",model="weather",model_version="2"}')).toBe(1);
    expect(m.get('modelwatch_prediction_latency_seconds_bucket{le="0.025",model="weather",model_version="2"}')).toBe(1);
    expect(m.get('modelwatch_prediction_latency_seconds_bucket{le="0.01",model="weather",model_version="2"}')).toBe(0);
    expect(m.get('modelwatch_prediction_latency_seconds_sum{model="weather",model_version="2"}')).toBeCloseTo(0.0125, 12);
  });

  it('keeps the good records of a mixed array and names the field of each bad one', async () => {
    const before = await metrics();
    const batch = [
      good('a'),
      { ...good('b'), model: 'nope' },
      { ...good('c'), features: { temp: 'hot', city: 'rome' } },
      good('d', null, 'atlantis'),
      { ...good('e'), latency_ms: -1 },
      'not an object',
      { ...good('f'), model_version: undefined },
    ];
    const r = await post('/api/v1/predictions', JSON.stringify(batch));
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(3);
    expect(r.body.rejected).toBe(4);
    expect(r.body.errors.map((e) => [e.index, e.reason, e.field])).toEqual([
      [1, 'unknown_model', 'model'],
      [2, 'invalid_field', 'features.temp'],
      [4, 'invalid_field', 'latency_ms'],
      [5, 'invalid_record', undefined],
    ]);
    expect(r.body.errors[1]!.message).toBe('"features.temp": expected a number or null, got a string ("hot")');
    const m = await metrics();
    const delta = (k: string) => (m.get(k) ?? 0) - (before.get(k) ?? 0);
    expect(delta('modelwatch_predictions_total{model="weather",model_version="2"}')).toBe(2);
    // A record without model_version takes the configured version, "1".
    expect(delta('modelwatch_predictions_total{model="weather",model_version="1"}')).toBe(1);
    expect(delta('modelwatch_records_rejected_total{model="",reason="unknown_model"}')).toBe(1);
    expect(delta('modelwatch_records_rejected_total{model="weather",reason="invalid_field"}')).toBe(2);
    expect(delta('modelwatch_records_rejected_total{model="",reason="invalid_record"}')).toBe(1);
    // An unseen category and a null value land in __unseen__ and missing.
    expect(delta('modelwatch_feature_values_total{bin="__unseen__",feature="city",model="weather",model_version="2"}')).toBe(1);
    expect(delta('modelwatch_feature_values_total{bin="missing",feature="temp",model="weather",model_version="2"}')).toBe(1);
  });

  it('reads NDJSON line by line and rejects only the malformed line', async () => {
    const body = `${JSON.stringify(good('n1'))}\n{"model": "weather", "features": \n${JSON.stringify(good('n2'))}\n`;
    const r = await post('/api/v1/predictions', body, 'application/x-ndjson');
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(2);
    expect(r.body.errors).toEqual([expect.objectContaining({ index: 1, reason: 'malformed_json' })]);
  });

  it('answers 400 for malformed JSON and for a batch with no good record', async () => {
    const bad = await post('/api/v1/predictions', '{"model": "weather",');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.reason).toBe('malformed_json');
    const none = await post('/api/v1/predictions', JSON.stringify([{ model: 'weather', features: { temp: 'Infinity' } }, { model: 'weather', features: [] }]));
    expect(none.status).toBe(400);
    expect(none.body.accepted).toBe(0);
    expect(none.body.errors.map((e) => e.field)).toEqual(['features.temp', 'features']);
  });

  it('refuses bodies over the size limit with 413 and counts them', async () => {
    const before = (await metrics()).get('modelwatch_records_rejected_total{model="",reason="too_large"}') ?? 0;
    const res = await fetch(`${fx.url}/api/v1/predictions`, { method: 'POST', body: 'x'.repeat(5000), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { reason: string }).reason).toBe('too_large');
    expect((await metrics()).get('modelwatch_records_rejected_total{model="",reason="too_large"}')).toBe(before + 1);
  });

  it('counts unexpected and missing features as schema violations without rejecting', async () => {
    const before = await metrics();
    const r = await post('/api/v1/predictions', JSON.stringify({ model: 'weather', model_version: '2', features: { temp: 1, extra: 5, __proto__x: 1 } }));
    expect(r.status).toBe(202);
    const m = await metrics();
    const delta = (k: string) => (m.get(k) ?? 0) - (before.get(k) ?? 0);
    expect(delta('modelwatch_schema_violations_total{kind="unexpected_field",model="weather",model_version="2"}')).toBe(2);
    expect(delta('modelwatch_schema_violations_total{kind="missing_field",model="weather",model_version="2"}')).toBe(1);
    expect(delta('modelwatch_feature_values_total{bin="missing",feature="city",model="weather",model_version="2"}')).toBe(1);
  });

  it('does not let prototype keys reach the model lookup', async () => {
    const r = await post('/api/v1/predictions', '{"model": "__proto__", "features": {}}');
    expect(r.status).toBe(400);
    expect(r.body.errors[0]!.reason).toBe('unknown_model');
    const c = await post('/api/v1/predictions', '{"model": "weather", "prediction_id": "x", "features": {"constructor": 1, "temp": 2}}');
    expect(c.status).toBe(202);
  });
});

describe('POST /api/v1/labels', () => {
  it('validates and counts labels', async () => {
    const before = await metrics();
    const r = await post(
      '/api/v1/labels',
      JSON.stringify([
        { model: 'weather', prediction_id: 'p-1', label: 'rain', model_version: '2' },
        { model: 'weather', label: 'rain' },
        { model: 'weather', prediction_id: 'p-2' },
        { model: 'weather', prediction_id: 'p-3', label: { a: 1 } },
      ]),
    );
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(1);
    expect(r.body.errors.map((e) => e.field)).toEqual(['prediction_id', 'label', 'label']);
    const m = await metrics();
    expect((m.get('modelwatch_labels_total{model="weather",model_version="2"}') ?? 0) - (before.get('modelwatch_labels_total{model="weather",model_version="2"}') ?? 0)).toBe(1);
    expect(m.get('modelwatch_feature_values_total{bin="rain",feature="__label__",model="weather",model_version="2"}')).toBeGreaterThanOrEqual(1);
  });
});

describe('HTTP surface', () => {
  it('serves health, readiness, the landing page, OpenMetrics and 404s', async () => {
    expect((await fetch(`${fx.url}/-/healthy`)).status).toBe(200);
    expect((await fetch(`${fx.url}/-/ready`)).status).toBe(200);
    const landing = await fetch(`${fx.url}/`);
    const html = await landing.text();
    expect(html).toContain('<td>weather</td>');
    expect(html).toContain('href="/metrics"');
    const om = await fetch(`${fx.url}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(om.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    const text = await om.text();
    expect(text.trimEnd().endsWith('# EOF')).toBe(true);
    expect(text).toMatch(/^# TYPE modelwatch_predictions counter$/m);
    expect(text).toMatch(/^modelwatch_predictions_total\{model="weather",model_version="1"\} \d+$/m);
    // The plain text format still has the _total family name after an OpenMetrics scrape.
    expect(await (await fetch(`${fx.url}/metrics`)).text()).toMatch(/^# TYPE modelwatch_predictions_total counter$/m);
    expect((await fetch(`${fx.url}/nope`)).status).toBe(404);
  });

  it('exports psi drift per window once the window holds enough values', async () => {
    const records = Array.from({ length: 20 }, (_, i) => good(`w${i}`, 19, 'lima'));
    await post('/api/v1/predictions', JSON.stringify(records));
    const m = await metrics();
    const psi = m.get('modelwatch_feature_drift{feature="temp",method="psi",model="weather",model_version="2",window="1m"}');
    expect(psi).toBeGreaterThan(1);
    expect(m.get('modelwatch_window_samples{model="weather",model_version="2",window="1h"}')).toBeGreaterThanOrEqual(20);
    expect(m.get('modelwatch_reference_info{model="weather",model_version="2",reference_id="' + fx.exporter.models.get('weather')!.profile.referenceId + '",rows="200"}')).toBe(1);
  });
});
