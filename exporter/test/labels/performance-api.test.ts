/**
 * Realized and estimated performance through the exporter: joined labels feed the window's metrics (checked
 * against values computed by hand here; the metric functions themselves are checked against sklearn in
 * exporter/test/performance), the estimate is exported before any label, and change points are counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples, startExporter, type ExporterFixture } from '../support/exporter-fixture.js';

// Reference: score = P(rain); rain in about `score` of the rows, so the isotonic calibration is near identity.
const REFERENCE = ['x,prediction,score,label', ...Array.from({ length: 1000 }, (_, i) => {
  const score = ((i * 7919) % 1000) / 1000;
  const label = (i * 104729) % 1000 < score * 1000 ? 'rain' : 'sun';
  return `${i % 50},${score >= 0.5 ? 'rain' : 'sun'},${score},${label}`;
})].join('\n');

let fx: ExporterFixture;
beforeAll(async () => {
  fx = await startExporter('', {
    referenceCsv: REFERENCE,
    modelYaml: `models:
  - name: rainy
    task: classification
    reference: {path: reference.csv}
    features: [{name: x, type: numeric}]
    prediction_field: prediction
    score_field: score
    label_field: label
    positive_class: rain
    windows: [1h]
`,
  });
});
afterAll(async () => {
  await fx.close();
});

const post = (p: string, body: unknown) => fetch(fx.url + p, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const metrics = async () => samples(await (await fetch(`${fx.url}/metrics`)).text());
const perf = (m: Map<string, number>, metric: string, family = 'modelwatch_model_performance') => m.get(`${family}{metric="${metric}",model="rainy",model_version="1",window="1h"}`);

describe('reference performance', () => {
  it('is computed from the reference rows with a prediction and a label', async () => {
    const rows = REFERENCE.split('\n').slice(1).map((l) => l.split(','));
    const correct = rows.filter((r) => r[1] === r[3]).length;
    const tp = rows.filter((r) => r[1] === 'rain' && r[3] === 'rain').length;
    const predictedRain = rows.filter((r) => r[1] === 'rain').length;
    const m = await metrics();
    expect(m.get('modelwatch_reference_model_performance{metric="accuracy",model="rainy"}')).toBeCloseTo(correct / rows.length, 12);
    expect(m.get('modelwatch_reference_model_performance{metric="precision",model="rainy"}')).toBeCloseTo(tp / predictedRain, 12);
    expect(m.get('modelwatch_reference_model_performance{metric="roc_auc",model="rainy"}')).toBeGreaterThan(0.7);
  });
});

describe('window performance', () => {
  it('estimates performance from calibrated scores before labels, then reports realized metrics with intervals', async () => {
    // 40 predictions: scores 0.025..0.975; predicted rain when score >= 0.5.
    const preds = Array.from({ length: 40 }, (_, i) => {
      const score = (i + 0.5) / 40;
      return { model: 'rainy', prediction_id: `q${i}`, features: { x: i % 50 }, prediction: score >= 0.5 ? 'rain' : 'sun', score };
    });
    expect((await post('/api/v1/predictions', preds)).status).toBe(202);
    let m = await metrics();
    expect(perf(m, 'accuracy')).toBeUndefined();
    const estimated = perf(m, 'accuracy', 'modelwatch_model_performance_estimated');
    // With a near-identity calibration, expected accuracy = mean of max(p, 1-p) over the scores = 0.75.
    expect(estimated).toBeGreaterThan(0.65);
    expect(estimated).toBeLessThan(0.85);
    expect(perf(m, 'accuracy', 'modelwatch_model_performance_estimated_lower')).toBeLessThan(estimated!);

    // Labels: rain for the 25 highest scores (i >= 15), sun for the rest.
    const labels = preds.map((p, i) => ({ model: 'rainy', prediction_id: p.prediction_id, label: i >= 15 ? 'rain' : 'sun' }));
    expect((await post('/api/v1/labels', labels)).status).toBe(202);
    m = await metrics();
    // Predicted rain: i >= 20 (20 of them, all truly rain): TP 20, FP 0, FN 5 (i = 15..19), TN 15.
    expect(perf(m, 'accuracy')).toBeCloseTo(35 / 40, 12);
    expect(perf(m, 'precision')).toBeCloseTo(1, 12);
    expect(perf(m, 'recall')).toBeCloseTo(20 / 25, 12);
    expect(perf(m, 'f1')).toBeCloseTo((2 * 20) / (2 * 20 + 0 + 5), 12);
    // Scores rank every rain above every sun: AUC 1, Gini 1 (distinct 0.005-wide bins, no ties).
    expect(perf(m, 'roc_auc')).toBeCloseTo(1, 12);
    expect(perf(m, 'gini')).toBeCloseTo(1, 12);
    // Brier = mean((score - y)^2), computed here directly.
    const brier = preds.reduce((s, p, i) => s + (p.score - (i >= 15 ? 1 : 0)) ** 2, 0) / 40;
    expect(perf(m, 'brier')).toBeCloseTo(brier, 12);
    // Wilson interval for accuracy brackets the value.
    expect(perf(m, 'accuracy', 'modelwatch_model_performance_lower')).toBeLessThan(35 / 40);
    expect(perf(m, 'accuracy', 'modelwatch_model_performance_upper')).toBeGreaterThan(35 / 40);
    expect(m.get('modelwatch_model_class_performance{class="sun",metric="recall",model="rainy",model_version="1",window="1h"}')).toBeCloseTo(1, 12);
  });

  it('counts a change point when the error rate jumps', async () => {
    const before = (await metrics()).get('modelwatch_change_points_total{model="rainy",model_version="1",signal="error"}') ?? 0;
    // 3000 correct predictions, then 3000 wrong ones (blocks of 50 → 60 detector inputs each side).
    for (const wrong of [false, true]) {
      const batch = Array.from({ length: 3000 }, (_, i) => ({ model: 'rainy', prediction_id: `c${wrong ? 'w' : 'r'}${i}`, features: { x: 1 }, prediction: 'rain', score: 0.9 }));
      expect((await post('/api/v1/predictions', batch)).status).toBe(202);
      const labels = batch.map((p) => ({ model: 'rainy', prediction_id: p.prediction_id, label: wrong ? 'sun' : 'rain' }));
      expect((await post('/api/v1/labels', labels)).status).toBe(202);
    }
    const after = (await metrics()).get('modelwatch_change_points_total{model="rainy",model_version="1",signal="error"}') ?? 0;
    expect(after - before).toBeGreaterThanOrEqual(1);
  });
});
