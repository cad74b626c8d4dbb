/**
 * The real Prometheus and Alertmanager, with the real rule files and Alertmanager configuration (in fast
 * test copies), scraping a small prom-client server that exposes series shaped like the modelwatch
 * metric contract. Proves the harness in test/support/prometheus-stack.ts and the chain
 * metrics -> recording rules -> alert rules -> Alertmanager routing and inhibition -> webhook.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTMANAGER, PROMETHEUS, programGate } from '../support/programs.js';
import {
  stackDir,
  startStack,
  startWebhookReceiver,
  testAlertmanagerConfig,
  testRuleFile,
  type Stack,
  type WebhookReceiver,
} from '../support/prometheus-stack.js';

const ROOT = join(import.meta.dirname, '..', '..', 'alert-rules');
const JOB = 'modelwatch';
const MODEL = { model: 'fraud', model_version: 'v3' };

// Per scrape, each bin counter grows by a fixed amount, so the window's bin shares are exactly these
// counts over their sum, whatever increase() extrapolates (every bin of one target shares the factor).
// The empty `missing` bin takes the PSI epsilon path.
const PER_SCRAPE: Record<string, number> = { '00': 10, '01': 30, '02': 40, '03': 20, missing: 0 };
const REFERENCE: Record<string, number> = { '00': 0.25, '01': 0.25, '02': 0.25, '03': 0.2, missing: 0.05 };

function expectedDrift(): { psi: number; js: number; hellinger: number } {
  const bins = Object.keys(PER_SCRAPE);
  const total = bins.reduce((s, b) => s + (PER_SCRAPE[b] ?? 0), 0);
  let psi = 0;
  let klCur = 0;
  let klRef = 0;
  let h = 0;
  for (const b of bins) {
    const c = (PER_SCRAPE[b] ?? 0) / total;
    const r = REFERENCE[b] ?? 0;
    const cE = c > 0 ? c : 1e-4;
    const rE = r > 0 ? r : 1e-4;
    psi += (cE - rE) * Math.log(cE / rE);
    const m = (c + r) / 2;
    if (c > 0) klCur += c * Math.log2(c / m);
    if (r > 0) klRef += r * Math.log2(r / m);
    h += (Math.sqrt(c) - Math.sqrt(r)) ** 2;
  }
  return { psi, js: Math.sqrt(0.5 * klCur + 0.5 * klRef), hellinger: Math.sqrt(0.5 * h) };
}

/** A tiny exporter: the series a modelwatch exporter would show for one drifting model version. */
async function startFakeExporter(): Promise<{ server: Server; target: string }> {
  const registry = new Registry();
  const featureLabels = ['model', 'model_version', 'feature', 'bin'] as const;
  new Counter({
    name: 'modelwatch_feature_values_total',
    help: 'Values per reference bin.',
    labelNames: featureLabels,
    registers: [registry],
    collect() {
      for (const [bin, n] of Object.entries(PER_SCRAPE)) this.inc({ ...MODEL, feature: 'amount', bin }, n);
    },
  });
  const reference = new Gauge({
    name: 'modelwatch_reference_feature_bin_ratio',
    help: 'Reference share per bin.',
    labelNames: [...featureLabels, 'lower', 'upper'] as const,
    registers: [registry],
  });
  for (const [bin, r] of Object.entries(REFERENCE)) reference.set({ ...MODEL, feature: 'amount', bin, lower: '', upper: '' }, r);

  // 10% of the records carry a type error: ModelwatchSchemaViolations, team data
  new Counter({
    name: 'modelwatch_predictions_total',
    help: 'Predictions.',
    labelNames: ['model', 'model_version'] as const,
    registers: [registry],
    collect() {
      this.inc(MODEL, 100);
    },
  });
  new Counter({
    name: 'modelwatch_schema_violations_total',
    help: 'Schema violations.',
    labelNames: ['model', 'model_version', 'kind'] as const,
    registers: [registry],
    collect() {
      this.inc({ ...MODEL, kind: 'unexpected_field' }, 10);
    },
  });

  // the exporter's own decisions: one feature drifted, and 60% of the features (dataset drift, which
  // inhibits the per-feature alert and starts the retraining route)
  new Gauge({ name: 'modelwatch_feature_drifted', help: 'Drift decision.', labelNames: ['model', 'model_version', 'feature', 'window'] as const, registers: [registry] })
    .set({ ...MODEL, feature: 'amount', window: '5m' }, 1);
  new Gauge({ name: 'modelwatch_feature_drift', help: 'Drift statistic.', labelNames: ['model', 'model_version', 'feature', 'window', 'method'] as const, registers: [registry] })
    .set({ ...MODEL, feature: 'amount', window: '5m', method: 'psi' }, expectedDrift().psi);
  new Gauge({ name: 'modelwatch_drifted_features_ratio', help: 'Share of drifted features.', labelNames: ['model', 'model_version', 'window'] as const, registers: [registry] })
    .set({ ...MODEL, window: '5m' }, 0.6);

  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const gate = programGate([PROMETHEUS, ALERTMANAGER], 'The Prometheus/Alertmanager stack tests');

describe.skipIf(gate.skip)('rules and Alertmanager config in a real Prometheus and Alertmanager', () => {
  let exporter: { server: Server; target: string } | undefined;
  let webhook: WebhookReceiver | undefined;
  let stack: Stack | undefined;

  beforeAll(async () => {
    if (gate.missing.length > 0) return;
    exporter = await startFakeExporter();
    webhook = await startWebhookReceiver();
    const dir = stackDir();
    const ruleFiles: string[] = [];
    for (const sub of ['rules', 'alerts']) {
      for (const name of readdirSync(join(ROOT, sub)).filter((n) => n.endsWith('.yml')).sort()) {
        const copy = testRuleFile(readFileSync(join(ROOT, sub, name), 'utf8'), { for: '1s' });
        const path = join(dir, `${sub}-${name}`);
        writeFileSync(path, copy);
        ruleFiles.push(path);
      }
    }
    const templates = readdirSync(join(ROOT, 'alertmanager', 'templates')).filter((n) => n.endsWith('.tmpl'));
    stack = await startStack(
      {
        scrapeJobs: [{ job: JOB, targets: [exporter.target] }],
        ruleFiles,
        alertmanagerConfig: testAlertmanagerConfig(readFileSync(join(ROOT, 'alertmanager', 'alertmanager.yml'), 'utf8'), {
          webhookBaseUrl: webhook.url,
          templatesGlob: join(dir, 'alertmanager', 'templates', '*.tmpl'),
        }),
        alertmanagerFiles: Object.fromEntries(
          templates.map((n) => [join('templates', n), readFileSync(join(ROOT, 'alertmanager', 'templates', n), 'utf8')]),
        ),
      },
      dir,
    );
    await stack.prometheus.waitForTargetsUp(JOB, { timeoutMs: 20_000 });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await webhook?.close();
    if (exporter) {
      exporter.server.closeAllConnections();
      exporter.server.close();
    }
  });

  it('finds prometheus and prometheus-alertmanager', () => {
    expect(gate.missing, gate.message).toEqual([]);
  });

  it('records PSI, JS and Hellinger equal to the statistics of the scraped counts', async () => {
    const prom = stack!.prometheus;
    const want = expectedDrift();
    const selector = `{model="fraud",model_version="v3",feature="amount",job="${JOB}"}`;
    const [psi] = await prom.waitForQuery(`model_version_feature:modelwatch_feature_values:psi5m${selector}`, (s) => s.length === 1, { timeoutMs: 20_000 });
    expect(Math.abs(psi!.value - want.psi)).toBeLessThan(1e-9);
    const [js] = await prom.query(`model_version_feature:modelwatch_feature_values:js5m${selector}`);
    expect(Math.abs(js!.value - want.js)).toBeLessThan(1e-9);
    const [hellinger] = await prom.query(`model_version_feature:modelwatch_feature_values:hellinger5m${selector}`);
    expect(Math.abs(hellinger!.value - want.hellinger)).toBeLessThan(1e-9);
    // replicas are summed away: the recorded series has no instance label
    expect(psi!.metric.instance).toBeUndefined();

    // and every evaluation so far agreed
    const now = Date.now() / 1000;
    const [range] = await prom.queryRange(`model_version_feature:modelwatch_feature_values:psi5m${selector}`, now - 30, now, 1);
    expect(range!.values.length).toBeGreaterThan(0);
    for (const point of range!.values) expect(Math.abs(point.value - want.psi)).toBeLessThan(1e-9);
  }, 30_000);

  it('routes a schema-violation alert to the data webhook with its context', async () => {
    const payload = await webhook!.waitFor('/data', (p) => p.alerts.some((a) => a.labels.alertname === 'ModelwatchSchemaViolations'), { timeoutMs: 30_000 });
    const alert = payload.alerts.find((a) => a.labels.alertname === 'ModelwatchSchemaViolations')!;
    expect(payload.receiver).toBe('data');
    expect(alert.status).toBe('firing');
    expect(alert.labels).toMatchObject({ team: 'data', severity: 'warning', model: 'fraud', model_version: 'v3', kind: 'unexpected_field', job: JOB });
    expect(alert.annotations.description).toContain('model fraud version v3');
    expect(alert.annotations.description).toMatch(/in 10% of the records/);
    expect(alert.annotations.runbook_url).toMatch(/docs\/runbooks\.md#modelwatchschemaviolations$/);
    expect(payload.groupLabels).toEqual({ alertname: 'ModelwatchSchemaViolations', model: 'fraud' });
  }, 40_000);

  it('routes dataset drift to the ml team and the retraining relay, and inhibits the per-feature alert', async () => {
    const isDatasetDrift = (p: { alerts: Array<{ labels: Record<string, string> }> }) =>
      p.alerts.some((a) => a.labels.alertname === 'ModelwatchDatasetDrift');
    const ml = await webhook!.waitFor('/ml', isDatasetDrift, { timeoutMs: 30_000 });
    expect(ml.commonLabels).toMatchObject({ team: 'ml', severity: 'critical', model: 'fraud', model_version: 'v3', window: '5m' });
    const retrain = await webhook!.waitFor('/ml-retrain', isDatasetDrift, { timeoutMs: 30_000 });
    expect(retrain.groupLabels).toEqual({ alertname: 'ModelwatchDatasetDrift', model: 'fraud', model_version: 'v3' });

    const feature = await stack!.alertmanager!.waitForAlert(
      (a) => a.labels.alertname === 'ModelwatchFeatureDrift' && a.status.state === 'suppressed',
      { timeoutMs: 30_000, description: 'ModelwatchFeatureDrift suppressed by ModelwatchDatasetDrift' },
    );
    expect(feature.status.inhibitedBy.length).toBeGreaterThan(0);
    expect(feature.labels).toMatchObject({ model: 'fraud', model_version: 'v3', feature: 'amount' });

    // nothing crossed teams
    for (const [path, team] of [['/data', 'data'], ['/ml', 'ml'], ['/ops', 'ops']] as const) {
      for (const p of webhook!.received(path)) {
        for (const a of p.alerts) expect(a.labels.team, `${a.labels.alertname} on ${path}`).toBe(team);
      }
    }
  }, 40_000);
});
