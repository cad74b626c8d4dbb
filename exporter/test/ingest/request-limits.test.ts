import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples, startExporter, type ExporterFixture } from '../support/exporter-fixture.js';

let fx: ExporterFixture;
beforeAll(async () => {
  fx = await startExporter('server: {max_records_per_request: 5}\n');
});
afterAll(async () => {
  await fx.close();
});

const rec = { model: 'weather', features: { temp: 1, city: 'oslo' } };
const post = (body: string, type = 'application/json') => fetch(`${fx.url}/api/v1/predictions`, { method: 'POST', body, headers: { 'content-type': type } });

describe('records per request', () => {
  it('takes a body at the limit and refuses one over it with 413, counted, before building the records', async () => {
    expect((await post(JSON.stringify(Array(5).fill(rec)))).status).toBe(202);
    const array = await post(JSON.stringify(Array(6).fill(rec)));
    const arrayBody = await array.clone().text();
    expect(array.status, arrayBody).toBe(413);
    expect(((await array.json()) as { reason: string; error: string }).error).toMatch(/more than 5 records \(server\.max_records_per_request\)/);
    const ndjson = await post(Array(6).fill(JSON.stringify(rec)).join('\n'), 'application/x-ndjson');
    expect(ndjson.status).toBe(413);
    const m = samples(await (await fetch(`${fx.url}/metrics`)).text());
    expect(m.get('modelwatch_records_rejected_total{model="",reason="too_large"}')).toBe(2);
    // Nothing of the refused bodies was ingested.
    expect(m.get('modelwatch_predictions_total{model="weather",model_version="1"}')).toBe(5);
  });
});
