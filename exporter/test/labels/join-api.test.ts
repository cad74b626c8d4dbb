import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples, startExporter, type ExporterFixture } from '../support/exporter-fixture.js';

let fx: ExporterFixture;
beforeAll(async () => {
  fx = await startExporter('    positive_class: rain\n    performance: {f1: {min: 0.8}, accuracy: {min: 0.7, max: 1}}\n    metadata: {owner: ml-weather, training_data: "2025-12"}\n');
});
afterAll(async () => {
  await fx.close();
});

const post = async (p: string, body: unknown) => {
  const res = await fetch(fx.url + p, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return res.status;
};
const metrics = async () => samples(await (await fetch(`${fx.url}/metrics`)).text());
const pred = (id: string, prediction: string) => ({ model: 'weather', prediction_id: id, features: { temp: 5, city: 'oslo' }, prediction });
const cell = (actual: string, predicted: string) => `modelwatch_classifications_total{actual="${actual}",model="weather",model_version="1",predicted="${predicted}"}`;

describe('label joins through the ingest API', () => {
  it('joins labels to predictions by id in either order and counts the confusion matrix', async () => {
    expect(await post('/api/v1/predictions', [pred('p1', 'rain'), pred('p2', 'rain'), pred('p3', 'rain')])).toBe(202);
    let m = await metrics();
    expect(m.get('modelwatch_predictions_awaiting_label{model="weather"}')).toBe(3);
    // Every cell exists before any label arrived.
    expect(m.get(cell('sun', 'rain'))).toBe(0);
    expect(m.get(cell('__other__', '__other__'))).toBe(0);

    expect(await post('/api/v1/labels', [
      { model: 'weather', prediction_id: 'p1', label: 'rain' },
      { model: 'weather', prediction_id: 'p2', label: 'sun' },
      { model: 'weather', prediction_id: 'p9', label: 'sun' },
    ])).toBe(202);
    m = await metrics();
    expect(m.get(cell('rain', 'rain'))).toBe(1);
    expect(m.get(cell('sun', 'rain'))).toBe(1);
    expect(m.get('modelwatch_predictions_awaiting_label{model="weather"}')).toBe(1);
    expect(m.get('modelwatch_labels_awaiting_prediction{}')).toBe(1);

    // The label for p9 came first: its prediction joins on arrival.
    expect(await post('/api/v1/predictions', [pred('p9', 'sun')])).toBe(202);
    m = await metrics();
    expect(m.get(cell('sun', 'sun'))).toBe(1);
    expect(m.get('modelwatch_joined_predictions_total{model="weather",model_version="1"}')).toBe(3);
    expect(m.get('modelwatch_label_delay_seconds_count{model="weather",model_version="1"}')).toBe(3);
    // 3 of the 4 predictions in the window have their label.
    expect(m.get('modelwatch_label_coverage_ratio{model="weather",model_version="1",window="1h"}')).toBe(0.75);

    // A second label for an already joined id is a duplicate, not a second join.
    expect(await post('/api/v1/labels', [{ model: 'weather', prediction_id: 'p1', label: 'sun' }])).toBe(202);
    m = await metrics();
    expect(m.get('modelwatch_label_duplicates_total{model="weather"}')).toBe(1);
    expect(m.get(cell('sun', 'rain'))).toBe(1);
  });

  it('exports the configured performance bounds and the model metadata', async () => {
    const m = await metrics();
    expect(m.get('modelwatch_performance_threshold{bound="min",metric="f1",model="weather"}')).toBe(0.8);
    expect(m.get('modelwatch_performance_threshold{bound="max",metric="accuracy",model="weather"}')).toBe(1);
    expect(m.get('modelwatch_model_info{model="weather",model_version="1",owner="ml-weather",task="classification",training_data="2025-12"}')).toBe(1);
  });

  it('keeps pending joins across a restart', async () => {
    expect(await post('/api/v1/predictions', [pred('r1', 'rain')])).toBe(202);
    const dir = fx.dir;
    await fx.exporter.stop();
    const { Exporter } = await import('../../src/exporter.js');
    const { parseConfigText } = await import('../../src/config/load.js');
    const { silentLogger } = await import('../../src/log/logger.js');
    const path = await import('node:path');
    // Same configuration and storage folder as the fixture's exporter.
    const restarted = new Exporter({ config: parseConfigText(CONFIG, path.join(dir, 'modelwatch.yml')), listenAddress: '127.0.0.1:0', logger: silentLogger() });
    await restarted.start();
    const url = `http://127.0.0.1:${restarted.address().port}`;
    try {
      const res = await fetch(`${url}/api/v1/labels`, { method: 'POST', body: JSON.stringify({ model: 'weather', prediction_id: 'r1', label: 'rain' }), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(202);
      const m = samples(await (await fetch(`${url}/metrics`)).text());
      // The prediction was received before the restart; its label joined after it.
      expect(m.get(cell('rain', 'rain'))).toBe(1);
      expect(m.get('modelwatch_predictions_awaiting_label{model="weather"}')).toBe(1);
    } finally {
      await restarted.stop();
    }
  });
});

const CONFIG = `models:
  - name: weather
    task: classification
    reference: {path: reference.csv}
    features:
      - {name: temp, type: numeric}
      - {name: city, type: categorical}
    prediction_field: prediction
    label_field: label
    windows: [1m, 1h]
    positive_class: rain
`;

describe('champion and challenger on the same traffic', () => {
  it('compares a challenger with the champion for the same id and keeps their metrics apart', async () => {
    const fx2 = await startExporter('');
    try {
      const send = (p: string, body: unknown) => fetch(fx2.url + p, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const records = [];
      for (let i = 0; i < 4; i++) {
        records.push({ model: 'weather', model_version: 'v1', prediction_id: `s${i}`, features: { temp: 1, city: 'oslo' }, prediction: 'rain' });
        records.push({ model: 'weather', model_version: 'v2', shadow: true, prediction_id: `s${i}`, features: { temp: 1, city: 'oslo' }, prediction: i < 3 ? 'rain' : 'sun' });
      }
      expect((await send('/api/v1/predictions', records)).status).toBe(202);
      expect((await send('/api/v1/labels', [0, 1, 2, 3].map((i) => ({ model: 'weather', prediction_id: `s${i}`, label: 'sun' })))).status).toBe(202);
      const m = samples(await (await fetch(`${fx2.url}/metrics`)).text());
      expect(m.get('modelwatch_shadow_comparisons_total{model="weather",model_version="v2",role="challenger"}')).toBe(4);
      expect(m.get('modelwatch_shadow_agreements_total{model="weather",model_version="v2",role="challenger"}')).toBe(3);
      // One label joins both predictions of its id; each version keeps its own confusion matrix.
      expect(m.get(cell('sun', 'rain').replace('model_version="1"', 'model_version="v1"'))).toBe(4);
      expect(m.get(cell('sun', 'sun').replace('model_version="1"', 'model_version="v2"'))).toBe(1);
    } finally {
      await fx2.close();
    }
  });
});
