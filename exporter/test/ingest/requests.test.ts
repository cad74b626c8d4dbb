import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples, startExporter, type ExporterFixture } from '../support/exporter-fixture.js';

let fx: ExporterFixture;
beforeAll(async () => {
  fx = await startExporter('    slo: {latency_p95_ms: 100, latency_p99_ms: 250}\n');
});
afterAll(async () => {
  await fx.close();
});

const post = async (body: unknown) =>
  (await fetch(`${fx.url}/api/v1/predictions`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json() as Promise<{
    accepted: number;
    errors: { field: string; message: string }[];
  }>;
const rec = (extra: object) => ({ model: 'weather', model_version: '7', features: { temp: 1, city: 'oslo' }, prediction: 'rain', ...extra });

describe('request outcomes and resources', () => {
  it('counts requests, failed ones by bounded error class, and reported resources', async () => {
    const r = await post([
      rec({ latency_ms: 10, cpu_ms: 12.5, gpu_ms: 3, memory_bytes: 3 * 1024 * 1024 }),
      rec({ status: 'ok', latency_ms: 20, cpu_ms: 7.5 }),
      rec({ status: 'error', error: 'Timeout Error!', latency_ms: 5000 }),
      rec({ status: 503 }),
      rec({ status: '404', error: '' }),
      rec({ status: 'error' }),
      rec({ status: 'weird' }),
      rec({ cpu_ms: -1 }),
    ]);
    expect(r.accepted).toBe(6);
    expect(r.errors.map((e) => e.field)).toEqual(['status', 'cpu_ms']);
    const m = samples(await (await fetch(`${fx.url}/metrics`)).text());
    const v = (name: string, extra = '') => m.get(`${name}{${extra}model="weather",model_version="7"}`);
    expect(v('modelwatch_requests_total')).toBe(6);
    // Failed requests carry no prediction.
    expect(v('modelwatch_predictions_total')).toBe(2);
    expect(v('modelwatch_prediction_errors_total', 'error="timeout_error",')).toBe(1);
    expect(v('modelwatch_prediction_errors_total', 'error="http_503",')).toBe(1);
    expect(v('modelwatch_prediction_errors_total', 'error="http_404",')).toBe(1);
    expect(v('modelwatch_prediction_errors_total', 'error="unknown",')).toBe(1);
    expect(v('modelwatch_request_cpu_seconds_total')).toBeCloseTo(0.02, 12);
    expect(v('modelwatch_request_gpu_seconds_total')).toBeCloseTo(0.003, 12);
    expect(m.get('modelwatch_request_memory_bytes_bucket{le="4194304",model="weather",model_version="7"}')).toBe(1);
    expect(m.get('modelwatch_request_memory_bytes_bucket{le="1048576",model="weather",model_version="7"}')).toBe(0);
    // The failed request's latency still counts.
    expect(v('modelwatch_prediction_latency_seconds_count')).toBe(3);
    expect(m.get('modelwatch_latency_slo_seconds{model="weather",model_version="7",percentile="95"}')).toBe(0.1);
    expect(m.get('modelwatch_latency_slo_seconds{model="weather",model_version="7",percentile="99"}')).toBe(0.25);
  });

  it('bounds the number of error classes per version', async () => {
    await post(Array.from({ length: 30 }, (_, i) => rec({ model_version: '8', status: 'error', error: `e${i}` })));
    const m = samples(await (await fetch(`${fx.url}/metrics`)).text());
    const classes = [...m.keys()].filter((k) => k.startsWith('modelwatch_prediction_errors_total{') && k.includes('model_version="8"'));
    expect(classes).toHaveLength(21);
    expect(m.get('modelwatch_prediction_errors_total{error="__other__",model="weather",model_version="8"}')).toBe(10);
  });
});
