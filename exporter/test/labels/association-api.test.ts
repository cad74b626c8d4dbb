/**
 * Concept drift: the feature–label association on the reference (Cramér's V, exact for a table built by
 * hand here) against the association in production, where the relation is broken on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples, startExporter, type ExporterFixture } from '../support/exporter-fixture.js';

// Reference: f decides the label exactly (a → yes, b → no); g alternates independently of it.
const REFERENCE = ['f,g,prediction,label', ...Array.from({ length: 400 }, (_, i) => `${i % 2 ? 'a' : 'b'},${i % 4 < 2 ? 'u' : 'v'},${i % 2 ? 'yes' : 'no'},${i % 2 ? 'yes' : 'no'}`)].join('\n');

let fx: ExporterFixture;
beforeAll(async () => {
  fx = await startExporter('', {
    referenceCsv: REFERENCE,
    modelYaml: `models:
  - name: concept
    task: classification
    reference: {path: reference.csv}
    features: [{name: f, type: categorical}, {name: g, type: categorical}]
    prediction_field: prediction
    label_field: label
    windows: [1h]
`,
  });
});
afterAll(async () => {
  await fx.close();
});

const post = (p: string, body: unknown) => fetch(fx.url + p, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('feature-label association', () => {
  it('is 1 for the deciding feature and 0 for the independent one on the reference', async () => {
    const m = samples(await (await fetch(`${fx.url}/metrics`)).text());
    expect(m.get('modelwatch_reference_feature_label_association{feature="f",model="concept"}')).toBeCloseTo(1, 12);
    expect(m.get('modelwatch_reference_feature_label_association{feature="g",model="concept"}')).toBeCloseTo(0, 12);
  });

  it('shows the broken relation in production', async () => {
    // Production: the label now follows g instead of f.
    const preds = Array.from({ length: 200 }, (_, i) => ({ model: 'concept', prediction_id: `x${i}`, features: { f: i % 2 ? 'a' : 'b', g: i % 4 < 2 ? 'u' : 'v' }, prediction: 'yes' }));
    expect((await post('/api/v1/predictions', preds)).status).toBe(202);
    const labels = preds.map((p, i) => ({ model: 'concept', prediction_id: p.prediction_id, label: i % 4 < 2 ? 'yes' : 'no' }));
    expect((await post('/api/v1/labels', labels)).status).toBe(202);
    const m = samples(await (await fetch(`${fx.url}/metrics`)).text());
    expect(m.get('modelwatch_feature_label_association{feature="f",model="concept",model_version="1",window="1h"}')).toBeCloseTo(0, 12);
    expect(m.get('modelwatch_feature_label_association{feature="g",model="concept",model_version="1",window="1h"}')).toBeCloseTo(1, 12);
  });
});
