/**
 * Golden /metrics test, after node_exporter's: a fixed reference, a fixed clock and fixed records must
 * give exactly the exposition in fixtures/golden/metrics.prom. Regenerate deliberately with
 * UPDATE_GOLDEN=1 and review the diff.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigText } from '../../src/config/load.js';
import { IngestService } from '../../src/ingest/ingest-service.js';
import { silentLogger } from '../../src/log/logger.js';
import { buildInfoCollector, driftCollector, featureValuesCollector, ingestCollector, latencyCollector, qualityCollector, referenceCollector } from '../../src/metrics/collectors/index.js';
import { DriftReports } from '../../src/drift/report-provider.js';
import { modelSettings } from '../../src/exporter.js';
import { ScrapeRegistry } from '../../src/metrics/scrape-registry.js';
import { ModelRuntime } from '../../src/model/model-runtime.js';
import { buildProfile } from '../../src/reference/build-profile.js';
import { requireBinary } from '../../../test/support/binaries.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/golden/metrics.prom', import.meta.url));

async function goldenExposition(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-golden-'));
  try {
    await writeFile(path.join(dir, 'ref.csv'), 'x,c,prediction\n1,a,yes\n2,a,no\n3,b,yes\n4,b,yes\n5,c,no\n,a,yes\n');
    const config = parseConfigText(
      'models:\n  - name: demo\n    task: classification\n    reference: {path: ref.csv}\n    features: [{name: x, type: numeric, bins: 4}, {name: c, type: categorical}]\n    prediction_field: prediction\n    windows: [5m]\ndefaults: {min_window_samples: 2}\n',
      path.join(dir, 'modelwatch.yml'),
    );
    const m = config.models[0]!;
    const profile = await buildProfile(m, silentLogger());
    // The golden file must not depend on where the test runs or when.
    profile.source.path = 'ref.csv';
    profile.createdAt = '2026-01-01T00:00:00.000Z';
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const clock = () => now;
    const models = new Map([['demo', new ModelRuntime(m, profile, modelSettings(config))]]);
    // Re-created with the fixed clock so the configured version's timestamps are deterministic.
    models.get('demo')!.versions.clear();
    models.get('demo')!.version('1', now);
    const ingest = new IngestService(models, silentLogger(), clock);
    const reports = new DriftReports(models, config.drift);
    const registry = new ScrapeRegistry(silentLogger(), clock, { processMetrics: false })
      .add(buildInfoCollector({ version: '0.0.0-test', revision: 'golden' }))
      .add(ingestCollector(models, () => ingest))
      .add(featureValuesCollector(models))
      .add(referenceCollector(models))
      .add(driftCollector(reports))
      .add(qualityCollector(models, reports))
      .add(latencyCollector(models));
    const rec = (x: unknown, c: unknown, prediction: string, latency?: number) => ({ value: { model: 'demo', features: { x, c }, prediction, ...(latency === undefined ? {} : { latency_ms: latency }) }, index: 0 });
    ingest.ingestPredictions([rec(0.5, 'a', 'yes', 3), rec(2.5, 'z', 'no', 40), rec(4.5, 'c', 'yes', 700), rec(null, 'b', 'no')], 'test');
    ingest.ingestPredictions([{ index: 0, error: 'malformed JSON' }, { index: 1, value: { model: 'other', features: {} } }], 'test');
    ingest.ingestLabels([{ index: 0, value: { model: 'demo', prediction_id: 'p1', label: 'yes' } }], 'test');
    now += 1000;
    const text = await registry.scrape('prometheus');
    // Collector durations vary run to run; everything else must not.
    return text
      .replace(/^(modelwatch_scrape_collector_duration_seconds\{[^}]*\}) .*$/gm, '$1 <duration>')
      .replace(/nodejs_version="[^"]*"/, 'nodejs_version="<node>"');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('golden /metrics', () => {
  it('matches the reviewed exposition', async () => {
    const text = await goldenExposition();
    if (process.env.UPDATE_GOLDEN === '1') await writeFile(GOLDEN, text);
    expect(text).toBe(await readFile(GOLDEN, 'utf8'));
  });

  it('passes promtool check metrics', async () => {
    const promtool = requireBinary('promtool', 'prometheus');
    if (!promtool) return;
    const text = (await goldenExposition()).replace(/<duration>/g, '0.001');
    // promtool exits non-zero on lint problems and prints them.
    const out = execFileSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(out.trim()).toBe('');
  });
});
