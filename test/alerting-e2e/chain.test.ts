/**
 * The whole alerting chain with the real programs, on loopback: the `modelwatch` exporter (the bundled demo
 * model, with the rules' windows 5m and 1h) -> Prometheus (1 s scrapes and rule evaluations, the shipped rule and alert files in fast
 * copies) -> Alertmanager (the shipped configuration, webhooks pointed here) -> a webhook receiver in this
 * test.
 *
 * Traffic, posted steadily for about 15 s:
 * - version "1" of model `weather`: demo records whose `temp_max` and `temp_min` come from the heat wave
 *   (two drifted features of seven: per-feature drift, no dataset drift); per 20 records one lacks a
 *   feature, one carries an unknown field and one has a feature of the wrong type (rejected);
 * - version "2": the demo's full drift scenario (five of seven features: dataset drift).
 *
 * Asserted: the drift alert reaches the `ml` receiver with its context, dataset drift reaches `ml` (and
 * the retraining route) and silences the per-feature alerts of its version only, schema violations of all
 * three kinds reach `data`, within a bounded time; the target is up without a scrape error; the recorded
 * PSI/JS equal the statistics of Prometheus's own increase() values to 1e-9; and they equal the exporter's
 * own `modelwatch_feature_drift{window="5m"}` to 1e-9, for the reason given in that test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { psi } from '../../exporter/src/stats/psi.js';
import { parseExposition } from '../support/exposition.js';
import { ALERTMANAGER, PROMETHEUS, programGate } from '../support/programs.js';
import {
  stackDir,
  startStack,
  startWebhookReceiver,
  waitUntil,
  type Stack,
  type WebhookPayload,
  type WebhookReceiver,
} from '../support/prometheus-stack.js';
import {
  activeTargets,
  assertExporterBuilt,
  checkRecordedDrift,
  evaluationTimes,
  fastAlertmanager,
  fullDriftTraffic,
  instantAt,
  JOB,
  MODEL,
  postPredictions,
  SHIFTED_FEATURES,
  shiftedTemperatureTraffic,
  startDemoExporter,
  stopAllExporters,
  trackArrivals,
  withViolation,
  writeFastRuleFiles,
  type ArrivalTracker,
  type LiveExporter,
  type ViolationKind,
  type WebhookAlert,
} from './live.js';

const TRAFFIC_SECONDS = 15;
const BATCH_EVERY_MS = 200;
/** per batch: version 1 records (3 of them with a schema violation) and version 2 records */
const V1_PER_BATCH = 20;
const V2_PER_BATCH = 6;
const KINDS: ViolationKind[] = ['missing_field', 'unexpected_field', 'type_error'];
/** the bound for "within a bounded time", from the start of the traffic */
const DELIVERY_BOUND_MS = 30_000;

const alertsOn = (webhook: WebhookReceiver, path: string, name: string): WebhookAlert[] =>
  webhook.received(path).flatMap((p) => p.alerts.filter((a) => a.labels.alertname === name && a.status === 'firing'));
const named = (alerts: WebhookAlert[], name: string, version: string) => alerts.filter((a) => a.labels.alertname === name && a.labels.model_version === version);

const gate = programGate([PROMETHEUS, ALERTMANAGER], 'The live alerting chain tests');

describe.skipIf(gate.skip)('alerting chain: modelwatch -> Prometheus -> Alertmanager -> webhook', () => {
  let exporter: LiveExporter | undefined;
  let webhook: WebhookReceiver | undefined;
  let stack: Stack | undefined;
  let arrivals: ArrivalTracker | undefined;
  let trafficStart = 0;
  let finalScrapeMs = 0;
  const sent = { v1Accepted: 0, v2Accepted: 0, rejected: 0, violations: { missing_field: 0, unexpected_field: 0, type_error: 0 } };

  beforeAll(async () => {
    if (gate.missing.length > 0) return;
    assertExporterBuilt();
    [exporter, webhook] = await Promise.all([startDemoExporter('chain'), startWebhookReceiver()]);
    const dir = stackDir();
    stack = await startStack(
      { scrapeJobs: [{ job: JOB, targets: [exporter.target] }], ruleFiles: writeFastRuleFiles(dir), ...fastAlertmanager(dir, webhook.url), readyTimeoutMs: 40_000 },
      dir,
    );
    // first scrape: version "1" exists from the start (the configured version), every counter at 0
    await stack.prometheus.waitForTargetsUp(JOB, { timeoutMs: 40_000 });
    const [zero] = await stack.prometheus.query(`modelwatch_predictions_total{job="${JOB}",model="${MODEL}",model_version="1"}`);
    expect(zero?.value).toBe(0);

    arrivals = trackArrivals(webhook, {
      featureDrift: { path: '/ml', accept: (a) => SHIFTED_FEATURES.every((f) => named(a, 'ModelwatchFeatureDrift', '1').some((x) => x.labels.feature === f)) },
      datasetDrift: { path: '/ml', accept: (a) => named(a, 'ModelwatchDatasetDrift', '2').length > 0 },
      schemaViolations: { path: '/data', accept: (a) => KINDS.every((k) => named(a, 'ModelwatchSchemaViolations', '1').some((x) => x.labels.kind === k)) },
    });
    const v1 = shiftedTemperatureTraffic(101, 'chain-v1-');
    const v2 = fullDriftTraffic(202, 'chain-v2-', '2');
    trafficStart = Date.now();
    const batches = (TRAFFIC_SECONDS * 1000) / BATCH_EVERY_MS;
    for (let b = 0; b < batches; b++) {
      const due = trafficStart + b * BATCH_EVERY_MS;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const records: unknown[] = [];
      for (let i = 0; i < V1_PER_BATCH; i++) {
        const kind = i < KINDS.length ? KINDS[i]! : undefined;
        records.push(kind ? withViolation(v1(), kind) : v1());
        if (kind) sent.violations[kind]++;
      }
      for (let i = 0; i < V2_PER_BATCH; i++) records.push(v2());
      const r = await postPredictions(exporter.url, records);
      expect(r.rejected).toBe(1); // the type error
      sent.rejected += r.rejected;
      sent.v1Accepted += V1_PER_BATCH - 1;
      sent.v2Accepted += V2_PER_BATCH;
    }
    // wait until Prometheus holds the final counts, and remember when
    await stack.prometheus.waitForQuery(
      `modelwatch_predictions_total{job="${JOB}",model="${MODEL}",model_version="1"} == ${sent.v1Accepted}`,
      undefined,
      { timeoutMs: 20_000 },
    );
    finalScrapeMs = Date.now();
  }, 150_000);

  afterAll(async () => {
    arrivals?.stop();
    await stack?.stop();
    await webhook?.close();
    await stopAllExporters();
  });

  it('finds prometheus and prometheus-alertmanager', () => {
    expect(gate.missing, gate.message).toEqual([]);
  });

  it('scrapes the exporter without error, and Prometheus holds every count the exporter took', async () => {
    const health = await stack!.prometheus.query(`min_over_time(up{job="${JOB}"}[2m])`);
    const slowest = await stack!.prometheus.query(`max_over_time(scrape_duration_seconds{job="${JOB}"}[2m])`);
    console.log(`scrapes: min(up) over 2m ${health[0]?.value}, slowest ${slowest[0]?.value.toFixed(3)} s`);
    const targets = (await activeTargets(stack!.prometheus.url)).filter((t) => t.labels.job === JOB);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ health: 'up', lastError: '' });
    expect(targets[0]!.labels.instance).toBe(exporter!.target);

    const prom = stack!.prometheus;
    const count = async (expr: string) => (await prom.query(expr))[0]?.value;
    expect(await count(`modelwatch_predictions_total{model_version="1"}`)).toBe(sent.v1Accepted);
    expect(await count(`modelwatch_predictions_total{model_version="2"}`)).toBe(sent.v2Accepted);
    for (const kind of KINDS) {
      expect(await count(`modelwatch_schema_violations_total{model_version="1",kind="${kind}"}`), kind).toBe(sent.violations[kind]);
    }
    expect(await count(`modelwatch_records_rejected_total{model="${MODEL}",reason="invalid_field"}`)).toBe(sent.rejected);
  });

  it('delivers the feature-drift alert to the ml receiver with its context, within the bound', async () => {
    const hook = webhook!;
    const arrived = await waitUntil(
      () => {
        const alerts = alertsOn(hook, '/ml', 'ModelwatchFeatureDrift').filter((a) => a.labels.model_version === '1');
        const features = new Set(alerts.map((a) => a.labels.feature));
        return SHIFTED_FEATURES.every((f) => features.has(f)) ? alerts : undefined;
      },
      { timeoutMs: Math.max(5_000, trafficStart + DELIVERY_BOUND_MS - Date.now()), intervalMs: 250, description: 'ModelwatchFeatureDrift for temp_max and temp_min on /ml' },
    );
    const latency = arrivals!.firstSeen('featureDrift')! - trafficStart;
    console.log(`feature drift for ${SHIFTED_FEATURES.join(', ')} reached /ml ${(latency / 1000).toFixed(1)} s after the traffic started (bound ${DELIVERY_BOUND_MS / 1000} s)`);
    expect(latency).toBeLessThanOrEqual(DELIVERY_BOUND_MS);

    for (const feature of SHIFTED_FEATURES) {
      const alert = arrived.find((a) => a.labels.feature === feature)!;
      expect(alert.labels).toMatchObject({ team: 'ml', severity: 'warning', model: MODEL, model_version: '1', feature, job: JOB });
      expect(['5m', '1h']).toContain(alert.labels.window);
      expect(alert.labels.instance).toBeUndefined(); // merged over replicas
      expect(alert.annotations.summary).toBe(`Feature ${feature} of ${MODEL} 1 drifted`);
      const description = alert.annotations.description!;
      expect(description).toContain(`Feature ${feature} of model ${MODEL} version 1 has drifted from the reference in the ${alert.labels.window} window`);
      // the values behind the decision: the exporter's statistics, queried by the alert's template
      const stats = Object.fromEntries([...description.matchAll(/(\w+)=(\d+\.\d{3})/g)].map((m) => [m[1], Number(m[2])]));
      expect(Object.keys(stats)).toEqual(expect.arrayContaining(['chi2', 'hellinger', 'js', 'psi']));
      // the decision needs the effect size (JS, by default) at or above its threshold, 0.1
      expect(stats.js).toBeGreaterThanOrEqual(0.1);
      expect(stats.psi).toBeGreaterThan(0);
      expect(alert.annotations.runbook_url).toMatch(/docs\/runbooks\.md#modelwatchfeaturedrift$/);
    }
    const payload = hook.received('/ml').find((p) => p.alerts.some((a) => a.labels.alertname === 'ModelwatchFeatureDrift'))!;
    expect(payload.receiver).toBe('ml');
    expect(payload.groupLabels).toEqual({ alertname: 'ModelwatchFeatureDrift', model: MODEL });
  }, DELIVERY_BOUND_MS + 10_000);

  it('delivers dataset drift of version 2 to ml and the retraining route, and it silences only that version\'s feature alerts', async () => {
    const hook = webhook!;
    const timeoutMs = Math.max(5_000, trafficStart + DELIVERY_BOUND_MS - Date.now());
    const isDataset = (p: WebhookPayload) => p.alerts.some((a) => a.labels.alertname === 'ModelwatchDatasetDrift' && a.labels.model_version === '2');
    const payload = await hook.waitFor('/ml', isDataset, { timeoutMs });
    const alert = payload.alerts.find((a) => a.labels.alertname === 'ModelwatchDatasetDrift' && a.labels.model_version === '2')!;
    expect(alert.labels).toMatchObject({ team: 'ml', severity: 'critical', model: MODEL, model_version: '2', job: JOB });
    const share = /^Dataset drift: ([\d.]+)% of the features of weather 2$/.exec(alert.annotations.summary!);
    expect(share, alert.annotations.summary).not.toBeNull();
    expect(Number(share![1])).toBeGreaterThanOrEqual(50);
    expect(alert.annotations.description).toContain(`in the ${alert.labels.window} window for 15m (threshold 50%)`);
    const latency = arrivals!.firstSeen('datasetDrift')! - trafficStart;
    console.log(`dataset drift of version 2 reached /ml ${(latency / 1000).toFixed(1)} s after the traffic started`);
    expect(latency).toBeLessThanOrEqual(DELIVERY_BOUND_MS);
    const retrain = await hook.waitFor('/ml-retrain', isDataset, { timeoutMs });
    expect(retrain.groupLabels).toEqual({ alertname: 'ModelwatchDatasetDrift', model: MODEL, model_version: '2' });

    // Alertmanager: the per-feature alerts of version 2 are inhibited by it, those of version 1 are not
    const am = stack!.alertmanager!;
    const suppressed = await am.waitForAlert(
      (a) => a.labels.alertname === 'ModelwatchFeatureDrift' && a.labels.model_version === '2' && a.status.state === 'suppressed',
      { timeoutMs: 30_000, description: 'a version-2 ModelwatchFeatureDrift suppressed' },
    );
    const sources = (await am.alerts()).filter((a) => suppressed.status.inhibitedBy.includes(a.fingerprint));
    expect(sources.map((a) => a.labels.alertname)).toContain('ModelwatchDatasetDrift');
    expect(sources.every((a) => a.labels.model_version === '2')).toBe(true);
    const v1 = (await am.alerts()).filter((a) => a.labels.alertname === 'ModelwatchFeatureDrift' && a.labels.model_version === '1');
    expect(v1.length).toBeGreaterThan(0);
    for (const a of v1) expect(a.status, `${a.labels.feature} ${a.labels.window}`).toMatchObject({ state: 'active', inhibitedBy: [] });
  }, DELIVERY_BOUND_MS + 40_000);

  it('delivers schema violations of every kind to the data receiver with their context, within the bound', async () => {
    const hook = webhook!;
    const alerts = await waitUntil(
      () => {
        const found = alertsOn(hook, '/data', 'ModelwatchSchemaViolations');
        return KINDS.every((k) => found.some((a) => a.labels.kind === k)) ? found : undefined;
      },
      { timeoutMs: Math.max(5_000, trafficStart + DELIVERY_BOUND_MS - Date.now()), intervalMs: 250, description: 'ModelwatchSchemaViolations of every kind on /data' },
    );
    const latency = arrivals!.firstSeen('schemaViolations')! - trafficStart;
    console.log(`schema violations (${KINDS.join(', ')}) reached /data ${(latency / 1000).toFixed(1)} s after the traffic started`);
    expect(latency).toBeLessThanOrEqual(DELIVERY_BOUND_MS);
    for (const kind of KINDS) {
      const alert = alerts.find((a) => a.labels.kind === kind)!;
      expect(alert.labels).toMatchObject({ alertname: 'ModelwatchSchemaViolations', team: 'data', severity: 'warning', model: MODEL, model_version: '1', kind, job: JOB });
      expect(alert.annotations.summary).toBe(`Schema violations (${kind}) for ${MODEL} 1`);
      // every batch holds one violation of each kind per 19 accepted records: 1/19 of the predictions
      const m = /^Schema violations of kind (\w+) in ([\d.]+)% of the records of model weather version 1 over the last 10m \(threshold 1%\)/.exec(alert.annotations.description!);
      expect(m, alert.annotations.description).not.toBeNull();
      expect(m![1]).toBe(kind);
      expect(Math.abs(Number(m![2]) - 100 / 19)).toBeLessThan(0.001);
    }
    // nothing crossed teams
    for (const [path, team] of [['/data', 'data'], ['/ml', 'ml'], ['/ml-retrain', 'ml'], ['/ops', 'ops']] as const) {
      for (const p of hook.received(path)) for (const a of p.alerts) expect(a.labels.team, `${a.labels.alertname} on ${path}`).toBe(team);
    }
  }, DELIVERY_BOUND_MS + 10_000);

  it('records PSI and JS equal (1e-9) to the statistics of Prometheus\'s own increase() at each evaluation', async () => {
    const prom = stack!.prometheus.url;
    for (const window of ['5m', '1h'] as const) {
      // each window's group has its own evaluation timestamps: three after the final scrape, and three from
      // the middle of the traffic, while the counters were growing
      const record = `model_version_feature:modelwatch_feature_values:psi${window}`;
      const after = await waitUntil(
        async () => {
          const t = (await evaluationTimes(prom, record, 60)).filter((x) => x > finalScrapeMs);
          return t.length >= 3 ? t.slice(-3) : undefined;
        },
        { timeoutMs: 20_000, description: `three ${window} evaluations after the final scrape` },
      );
      const during = (await evaluationTimes(prom, record, 120)).filter((x) => x > trafficStart + 5_000 && x < trafficStart + (TRAFFIC_SECONDS - 2) * 1000).slice(0, 3);
      expect(during.length).toBeGreaterThan(0);
      const r = await checkRecordedDrift(prom, JOB, window, [...during, ...after]);
      console.log(`recorded ${window} PSI/JS vs increase(): ${r.values} values at ${r.evaluations} evaluations, ${r.direct} matched directly, ${r.withoutLateScrape} without a late scrape; max |difference| ${r.maxDifference.toExponential(2)}`);
      expect(r.evaluations).toBe(during.length + after.length);
      // both versions, every feature and pseudo-feature with enough values
      expect(r.values).toBeGreaterThanOrEqual(2 * 2 * 7 * r.evaluations);
    }
  }, 60_000);

  it('records PSI and JS equal (1e-9) to the exporter\'s own 5m statistics once the traffic is steady', async () => {
    // Why exact here: the exporter's 5m window (60 slices of 5 s) still holds every record, so its gauge is
    // the statistic of its cumulative counters. Version 1 existed before the traffic, so Prometheus's first
    // sample of every bin is 0; increase() then extrapolates no further back than that zero and stretches
    // every bin of this one target by the same end factor, which cancels in the shares. With several targets
    // (scale-out.test.ts), or a series first scraped after it already counted something, the factors differ
    // per series and the difference is bounded by extrapolationBound instead.
    const prom = stack!.prometheus.url;
    const T = await waitUntil(
      async () => {
        const t = (await evaluationTimes(prom, 'model_version_feature:modelwatch_feature_values:psi5m', 30)).filter((x) => x > finalScrapeMs);
        return t.at(-1);
      },
      { timeoutMs: 20_000, description: 'an evaluation after the final scrape' },
    );
    const selector = `{job="${JOB}",model="${MODEL}",model_version="1"}`;
    const [psiRec, jsRec, inc] = await Promise.all([
      instantAt(prom, `model_version_feature:modelwatch_feature_values:psi5m${selector}`, T),
      instantAt(prom, `model_version_feature:modelwatch_feature_values:js5m${selector}`, T),
      instantAt(prom, `increase(modelwatch_feature_values_total${selector}[5m])`, T),
    ]);
    const own = parseExposition(await (await fetch(`${exporter!.url}/metrics`)).text());
    let compared = 0;
    for (const rec of psiRec) {
      const feature = rec.metric.feature!;
      const labels = { model: MODEL, model_version: '1', feature, window: '5m' };
      // the measured extrapolation factors of this feature's bins: increase() over the exporter's count
      const factors = inc
        .filter((s) => s.metric.feature === feature)
        .flatMap((s) => {
          const n = own.value('modelwatch_feature_values_total', { model: MODEL, model_version: '1', feature, bin: s.metric.bin! })!;
          return n > 0 ? [s.value / n] : [];
        });
      const rho = Math.max(...factors) / Math.min(...factors);
      expect(rho - 1, feature).toBeLessThan(1e-12);
      const ownPsi = own.value('modelwatch_feature_drift', { ...labels, method: 'psi' })!;
      const ownJs = own.value('modelwatch_feature_drift', { ...labels, method: 'js' })!;
      // the premise: the exporter's window statistic is that of its cumulative counters (the ring holds all)
      const bins = own.all('modelwatch_feature_values_total', { model: MODEL, model_version: '1', feature });
      const total = bins.reduce((s, b) => s + b.value, 0);
      const c = bins.map((b) => b.value / total);
      const r = bins.map((b) => own.value('modelwatch_reference_feature_bin_ratio', { model: MODEL, model_version: '1', feature, bin: b.labels.bin! })!);
      expect(Math.abs(psi(c, r) - ownPsi), `${feature}: exporter psi vs its counters`).toBeLessThan(1e-12);
      const js = jsRec.find((s) => s.metric.feature === feature)!;
      expect(Math.abs(rec.value - ownPsi), `${feature} psi ${rec.value} vs ${ownPsi}`).toBeLessThan(1e-9);
      expect(Math.abs(js.value - ownJs), `${feature} js ${js.value} vs ${ownJs}`).toBeLessThan(1e-9);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(7);
  }, 40_000);
});
