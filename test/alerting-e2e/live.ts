/**
 * Shared pieces of the live alerting tests: the real exporter (the built `modelwatch` command on the bundled
 * demo model), the fast test copies of the shipped rule files and Alertmanager configuration, demo
 * traffic with a controlled drift and controlled schema violations, raw reads of Prometheus's HTTP API,
 * and the drift statistics recomputed from Prometheus's own `increase()` values with the exporter's
 * statistics code.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { createTrafficGenerator, type DemoPredictionRecord } from '../../exporter/src/demo/traffic.js';
import { jensenShannonDistance } from '../../exporter/src/stats/js.js';
import { psi } from '../../exporter/src/stats/psi.js';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.js';
import { testAlertmanagerConfig, testRuleFile, waitForHttpOk, type PrometheusClient, type WebhookPayload, type WebhookReceiver } from '../support/prometheus-stack.js';

export type WebhookAlert = WebhookPayload['alerts'][number];

const REPO = join(import.meta.dirname, '..', '..');
const ALERT_RULES = join(REPO, 'alert-rules');
const DEMO_CONFIG = join(REPO, 'exporter', 'demo', 'modelwatch.yml');
const BUILT_CLI = join(REPO, 'exporter', 'dist', 'cli.js');

/** The scrape job the shipped rules expect (ModelwatchExporterDown names it). */
export const JOB = 'modelwatch';
export const MODEL = 'weather';

/** Features the controlled drift moves: two of seven, so dataset drift (>= 50%) stays quiet. */
export const SHIFTED_FEATURES = ['temp_max', 'temp_min'] as const;

// ---------------------------------------------------------------------------------------------------------
// the exporter

/** The tests run the built command, as a user does; a missing build is an error, not a skip. */
export function assertExporterBuilt(): void {
  if (!existsSync(BUILT_CLI)) {
    throw new Error('exporter/dist is missing: run "npm run build:exporter" before the alerting end-to-end tests');
  }
}

export interface LiveExporter {
  name: string;
  proc: ExporterProcess;
  /** http://127.0.0.1:port */
  url: string;
  /** host:port, for a scrape config */
  target: string;
}

const started = new Set<LiveExporter>();
const storageDirs = new Set<string>();
process.once('exit', () => {
  for (const e of started) e.proc.child.kill('SIGKILL');
  for (const d of storageDirs) rmSync(d, { recursive: true, force: true });
});

/**
 * The bundled demo configuration (model `weather` and its reference data) with the windows of the recording
 * rules, 5m and 1h. The demo's extra 1m window is left out: its sample-based tests are recomputed on every
 * one-second scrape, which makes scrapes of a busy exporter on a loaded machine approach the 1 s scrape
 * timeout.
 */
export function demoConfigWithRuleWindows(dir: string): string {
  const config = parse(readFileSync(DEMO_CONFIG, 'utf8')) as { models: Array<{ reference: { path: string }; windows?: string[] }> };
  for (const model of config.models) {
    model.reference.path = resolve(dirname(DEMO_CONFIG), model.reference.path);
    model.windows = ['5m', '1h'];
  }
  const file = join(dir, 'modelwatch.yml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Starts `modelwatch` on the demo model (demoConfigWithRuleWindows) on a free loopback port. */
export async function startDemoExporter(name: string): Promise<LiveExporter> {
  const storage = mkdtempSync(join(tmpdir(), `modelwatch-${name}-`));
  storageDirs.add(storage);
  const proc = await startExporterProcess([`--config.file=${demoConfigWithRuleWindows(storage)}`, `--storage.path=${storage}`], { readyTimeoutMs: 60_000 });
  const exporter: LiveExporter = { name, proc, url: proc.url, target: new URL(proc.url).host };
  started.add(exporter);
  // /-/ready answers 200 once the reference profile is loaded
  await waitForHttpOk(`${proc.url}/-/ready`, { timeoutMs: 60_000, intervalMs: 200 });
  return exporter;
}

/** SIGKILL (a crash) or SIGTERM; resolves when the process has exited. */
export async function stopExporter(exporter: LiveExporter, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  await exporter.proc.stop(signal);
  started.delete(exporter);
}

export async function stopAllExporters(): Promise<void> {
  await Promise.all([...started].map((e) => stopExporter(e, 'SIGKILL')));
  for (const d of storageDirs) rmSync(d, { recursive: true, force: true });
  storageDirs.clear();
}

// ---------------------------------------------------------------------------------------------------------
// rules and Alertmanager configuration

/** Fast copies (short `for:`, global evaluation interval) of every shipped rule and alert file, written to `dir`. */
export function writeFastRuleFiles(dir: string, forDuration = '1s'): string[] {
  const files: string[] = [];
  for (const sub of ['rules', 'alerts']) {
    for (const name of readdirSync(join(ALERT_RULES, sub)).filter((n) => n.endsWith('.yml')).sort()) {
      const path = join(dir, `${sub}-${name}`);
      writeFileSync(path, testRuleFile(readFileSync(join(ALERT_RULES, sub, name), 'utf8'), { for: forDuration }));
      files.push(path);
    }
  }
  return files;
}

/** The shipped Alertmanager configuration with its webhooks pointed at `webhookUrl`, plus its templates. */
export function fastAlertmanager(dir: string, webhookUrl: string): { alertmanagerConfig: string; alertmanagerFiles: Record<string, string> } {
  const templates = readdirSync(join(ALERT_RULES, 'alertmanager', 'templates')).filter((n) => n.endsWith('.tmpl'));
  return {
    alertmanagerConfig: testAlertmanagerConfig(readFileSync(join(ALERT_RULES, 'alertmanager', 'alertmanager.yml'), 'utf8'), {
      webhookBaseUrl: webhookUrl,
      templatesGlob: join(dir, 'alertmanager', 'templates', '*.tmpl'),
    }),
    alertmanagerFiles: Object.fromEntries(templates.map((n) => [join('templates', n), readFileSync(join(ALERT_RULES, 'alertmanager', 'templates', n), 'utf8')])),
  };
}

// ---------------------------------------------------------------------------------------------------------
// traffic

/**
 * Demo traffic in which only the heat wave's temperatures drifted: every record is drawn like the reference
 * (seeded), except `temp_max` and `temp_min`, which come from a second demo generator in its fully drifted
 * phase (the heat wave).
 * Two of the seven features drift, so per-feature drift alerts fire and dataset drift does not.
 */
export function shiftedTemperatureTraffic(seed: number, idPrefix: string, modelVersion = '1'): () => DemoPredictionRecord {
  const start = new Date();
  const stable = createTrafficGenerator({ seed, driftAfterSeconds: 1e9, startTime: start, idPrefix });
  const hot = createTrafficGenerator({ seed: seed + 1, driftAfterSeconds: -1e9, driftRampSeconds: 0, startTime: start, idPrefix: `${idPrefix}hot-` });
  return () => {
    const now = new Date();
    const record = stable.next(now);
    const drifted = hot.next(now);
    for (const f of SHIFTED_FEATURES) record.features[f] = drifted.features[f];
    return { ...record, model_version: modelVersion };
  };
}

/** The demo's own drift scenario at full strength (five of seven features drift: dataset drift). */
export function fullDriftTraffic(seed: number, idPrefix: string, modelVersion: string): () => DemoPredictionRecord {
  const gen = createTrafficGenerator({ seed, driftAfterSeconds: -1e9, driftRampSeconds: 0, startTime: new Date(), idPrefix });
  return () => ({ ...gen.next(new Date()), model_version: modelVersion });
}

export type ViolationKind = 'missing_field' | 'unexpected_field' | 'type_error';

/**
 * A record with one schema violation: a reference feature left out (counted in its `missing` bin), a key the
 * reference does not have, or a feature of the wrong type (the record is then rejected). The field touched
 * is one of the drifted ones, so the stable features keep the reference's distribution.
 */
export function withViolation(record: DemoPredictionRecord, kind: ViolationKind): Record<string, unknown> {
  const features: Record<string, unknown> = { ...record.features };
  if (kind === 'missing_field') delete features.temp_max;
  if (kind === 'unexpected_field') features.dew_point = 4.5;
  if (kind === 'type_error') features.temp_min = 'warm';
  return { ...record, features };
}

export interface PostResult {
  accepted: number;
  rejected: number;
}

export async function postPredictions(exporterUrl: string, records: unknown[]): Promise<PostResult> {
  const response = await fetch(`${exporterUrl}/api/v1/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: records.map((r) => JSON.stringify(r)).join('\n'),
  });
  if (!response.ok) throw new Error(`POST ${exporterUrl}/api/v1/predictions: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as PostResult;
  return { accepted: body.accepted, rejected: body.rejected };
}

/** FNV-1a (32 bit) of the prediction id: the routing key a load balancer or client would hash. */
export function routeByPredictionId(predictionId: string, replicas: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < predictionId.length; i++) {
    h ^= predictionId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % replicas;
}

// ---------------------------------------------------------------------------------------------------------
// when alerts arrive

export interface ArrivalTracker {
  /** milliseconds since the epoch at which `name` was first seen, if it was */
  firstSeen(name: string): number | undefined;
  stop(): void;
}

/**
 * Polls the webhook receiver every 100 ms and remembers when each named condition (a path and a predicate
 * on its firing alerts) was first met, so a test can tell when a notification arrived, not when it looked.
 */
export function trackArrivals(webhook: WebhookReceiver, conditions: Record<string, { path: string; accept: (alerts: WebhookAlert[]) => boolean }>): ArrivalTracker {
  const seen = new Map<string, number>();
  const poll = () => {
    for (const [name, { path, accept }] of Object.entries(conditions)) {
      if (seen.has(name)) continue;
      const alerts = webhook.received(path).flatMap((p) => p.alerts.filter((a) => a.status === 'firing'));
      if (accept(alerts)) seen.set(name, Date.now());
    }
  };
  const timer = setInterval(poll, 100);
  return {
    firstSeen: (name) => {
      poll();
      return seen.get(name);
    },
    stop: () => clearInterval(timer),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Prometheus HTTP API, raw

export interface RawSeries {
  metric: Record<string, string>;
  /** [milliseconds since the epoch, value] */
  points: Array<[number, number]>;
}

interface ApiBody<T> {
  status: string;
  data: T;
  error?: string;
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as ApiBody<T>;
  if (!response.ok || body.status !== 'success') throw new Error(`${url}: HTTP ${response.status} ${body.error ?? ''}`);
  return body.data;
}

/** Prometheus's `time` parameter for a timestamp in milliseconds (Prometheus rounds it to the millisecond). */
export function promTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Raw samples of a range selector (`expr` must be a matrix, e.g. `metric{...}[5m]`), evaluated at `timeMs`. */
export async function rawSamples(promUrl: string, expr: string, timeMs = Date.now()): Promise<RawSeries[]> {
  const params = new URLSearchParams({ query: expr, time: promTime(timeMs) });
  const data = await api<{ resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(`${promUrl}/api/v1/query?${params}`);
  if (data.resultType !== 'matrix') throw new Error(`${expr}: expected a matrix, got ${data.resultType}`);
  return data.result.map((r) => ({ metric: r.metric, points: r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number]) }));
}

export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/** Instant query at exactly `timeMs`. */
export async function instantAt(promUrl: string, expr: string, timeMs: number): Promise<VectorSample[]> {
  const params = new URLSearchParams({ query: expr, time: promTime(timeMs) });
  const data = await api<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`${promUrl}/api/v1/query?${params}`);
  if (data.resultType !== 'vector') throw new Error(`${expr}: expected a vector, got ${data.resultType}`);
  return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/**
 * Waits until Prometheus has scraped each of `targets` (host:port) successfully at least once. (Waiting for
 * `up{job=...} == 1` alone passes as soon as the first target of a job has been scraped: the others have no
 * `up` series yet.)
 */
export async function waitForFirstScrapes(prometheus: PrometheusClient, targets: string[], timeoutMs = 40_000): Promise<void> {
  await prometheus.waitForQuery(`up == 1`, (samples) => targets.every((t) => samples.some((s) => s.metric.instance === t)), {
    timeoutMs,
    description: `a first successful scrape of ${targets.join(', ')}`,
  });
}

export interface TargetState {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
}

export async function activeTargets(promUrl: string): Promise<TargetState[]> {
  const data = await api<{ activeTargets: TargetState[] }>(`${promUrl}/api/v1/targets?state=active`);
  return data.activeTargets;
}

// ---------------------------------------------------------------------------------------------------------
// increase(), as Prometheus 2.x computes it

/**
 * `increase()` of one counter series over [startMs, endMs] (both ends included, as in Prometheus 2.x), from
 * its raw samples: Prometheus's extrapolatedRate for counters. The difference between the last and the
 * first sample (resets added back) is stretched from the sampled interval towards the range's ends: by the
 * distance to an end when that is under 1.1 average sample intervals, else by half an interval; towards the
 * start no further than where the counter would have been zero.
 */
export function prometheusIncrease(points: ReadonlyArray<readonly [number, number]>, startMs: number, endMs: number): number | undefined {
  const inRange = points.filter(([t, v]) => t >= startMs && t <= endMs && !Number.isNaN(v));
  if (inRange.length < 2) return undefined;
  const [firstT, firstV] = inRange[0]!;
  const [lastT, lastV] = inRange[inRange.length - 1]!;
  let result = lastV - firstV;
  let prev = firstV;
  for (const [, v] of inRange.slice(1)) {
    if (v < prev) result += prev;
    prev = v;
  }
  let durationToStart = (firstT - startMs) / 1000;
  const durationToEnd = (endMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageInterval = sampledInterval / (inRange.length - 1);
  if (result > 0 && firstV >= 0) {
    const durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageInterval * 1.1;
  let extrapolateTo = sampledInterval;
  extrapolateTo += durationToStart < threshold ? durationToStart : averageInterval / 2;
  extrapolateTo += durationToEnd < threshold ? durationToEnd : averageInterval / 2;
  return result * (extrapolateTo / sampledInterval);
}

// ---------------------------------------------------------------------------------------------------------
// drift from per-bin counts

export interface FeatureDrift {
  /** bin -> current share */
  current: Map<string, number>;
  /** bin -> reference share */
  reference: Map<string, number>;
  count: number;
  psi: number;
  js: number;
}

const key = (m: Record<string, string>, labels: readonly string[]) => labels.map((l) => m[l] ?? '').join('\u0000');

/**
 * PSI and JS per (model, model_version, feature) from per-series bin increases (summed over instances, as
 * the recording rules do) and reference shares (max over instances), computed with the exporter's own
 * `psi` and `jensenShannonDistance`. Features with fewer than `minCount` values get no entry (the rules'
 * guard). The bins of both sides must be the same set.
 */
export function driftFromIncreases(increases: VectorSample[], reference: VectorSample[], minCount = 100): Map<string, FeatureDrift> {
  const featureLabels = ['job', 'model', 'model_version', 'feature'] as const;
  const counts = new Map<string, Map<string, number>>();
  for (const s of increases) {
    const k = key(s.metric, featureLabels);
    const bins = counts.get(k) ?? new Map<string, number>();
    const bin = s.metric.bin!;
    bins.set(bin, (bins.get(bin) ?? 0) + s.value);
    counts.set(k, bins);
  }
  const refs = new Map<string, Map<string, number>>();
  for (const s of reference) {
    const k = key(s.metric, featureLabels);
    const bins = refs.get(k) ?? new Map<string, number>();
    const bin = s.metric.bin!;
    bins.set(bin, Math.max(bins.get(bin) ?? -Infinity, s.value));
    refs.set(k, bins);
  }
  const out = new Map<string, FeatureDrift>();
  for (const [k, bins] of counts) {
    const ref = refs.get(k);
    // as in the rules: no reference shares (e.g. stale after a failed scrape), no statistic
    if (!ref) continue;
    const labels = [...bins.keys()].sort();
    if (labels.join() !== [...ref.keys()].sort().join()) throw new Error(`bins differ between counts and reference for ${k.replaceAll('\u0000', '/')}`);
    let total = 0;
    for (const b of labels) total += bins.get(b)!;
    if (!(total >= minCount)) continue;
    const current = new Map(labels.map((b) => [b, bins.get(b)! / total]));
    const c = labels.map((b) => current.get(b)!);
    const r = labels.map((b) => ref.get(b)!);
    out.set(k, { current, reference: new Map(labels.map((b) => [b, ref.get(b)!])), count: total, psi: psi(c, r), js: jensenShannonDistance(c, r) });
  }
  return out;
}

/** The key `driftFromIncreases` uses for a recorded series (job, model, model_version, feature). */
export function featureKey(metric: Record<string, string>): string {
  return key(metric, ['job', 'model', 'model_version', 'feature']);
}

// ---------------------------------------------------------------------------------------------------------
// recorded drift against Prometheus's own increase()

const RECORDED = (stat: 'psi' | 'js', window: string) => `model_version_feature:modelwatch_feature_values:${stat}${window}`;

/** Evaluation timestamps (ms) of a recording rule within the last `lookbackSeconds`, oldest first. */
export async function evaluationTimes(promUrl: string, record: string, lookbackSeconds: number): Promise<number[]> {
  const series = await rawSamples(promUrl, `${record}[${lookbackSeconds}s]`);
  const times = new Set<number>();
  for (const s of series) for (const [t] of s.points) times.add(t);
  return [...times].sort((a, b) => a - b);
}

export interface EvaluationMatch {
  /** the evaluation timestamp, ms */
  time: number;
  /** the per-series increase() values the recorded statistics were found to be built from */
  increases: VectorSample[];
  /** targets whose last sample the rule had not seen yet (empty for a direct match) */
  late: string[];
  psi: VectorSample[];
  js: VectorSample[];
}

export interface ExactCheck {
  matches: EvaluationMatch[];
  /** evaluations compared */
  evaluations: number;
  /** recorded values compared (series x statistics x evaluations) */
  values: number;
  /** evaluations that matched the increase() values of the data as stored now */
  direct: number;
  /** evaluations that matched only without a scrape committed after the rule ran (see checkRecordedDrift) */
  withoutLateScrape: number;
  maxDifference: number;
}

const TOLERANCE = 1e-9;

function compare(recorded: { psi: VectorSample[]; js: VectorSample[] }, expected: Map<string, FeatureDrift>): { ok: boolean; maxDifference: number; detail: string } {
  let maxDifference = 0;
  const problems: string[] = [];
  for (const stat of ['psi', 'js'] as const) {
    const keys = new Set(recorded[stat].map((s) => featureKey(s.metric)));
    if ([...keys].sort().join('|') !== [...expected.keys()].sort().join('|')) {
      problems.push(`${stat}: recorded series ${[...keys].sort().join(', ')} but computed ${[...expected.keys()].sort().join(', ')}`);
    }
    for (const s of recorded[stat]) {
      const want = expected.get(featureKey(s.metric));
      if (!want) continue;
      const d = Math.abs(s.value - want[stat]);
      maxDifference = Math.max(maxDifference, d);
      if (!(d <= TOLERANCE)) problems.push(`${stat} ${s.metric.feature}/${s.metric.model_version}: recorded ${s.value}, computed ${want[stat]}`);
    }
  }
  return { ok: problems.length === 0, maxDifference, detail: problems.join('; ') };
}

/**
 * Checks that the recorded PSI and JS of `job` at each evaluation timestamp equal, to 1e-9, the statistics
 * computed here with the exporter's own `psi` / `jensenShannonDistance` from Prometheus's `increase()` of
 * every per-bin series at that very timestamp (summed over instances) and its reference shares.
 *
 * One honest complication: Prometheus stamps a scrape with its start time, but the samples become visible
 * when the scrape is committed, a few milliseconds later. A rule evaluated in between did not see that
 * last sample, while a query now does. When the two disagree, the evaluation is accepted only if the
 * recorded values equal (1e-9) those computed with the last sample of such a target left out, recomputing
 * `increase()` from the raw samples with Prometheus's extrapolation (which must first reproduce
 * Prometheus's own `increase()` of every series to 1e-9). Only a target whose last sample is younger than
 * its own scrape duration plus 300 ms counts as possibly late.
 */
export async function checkRecordedDrift(promUrl: string, job: string, window: '5m' | '1h', times: number[]): Promise<ExactCheck> {
  const result: ExactCheck = { matches: [], evaluations: 0, values: 0, direct: 0, withoutLateScrape: 0, maxDifference: 0 };
  const windowMs = window === '5m' ? 300_000 : 3_600_000;
  for (const T of times) {
    const [psiRec, jsRec, increases, reference] = await Promise.all([
      instantAt(promUrl, `${RECORDED('psi', window)}{job="${job}"}`, T),
      instantAt(promUrl, `${RECORDED('js', window)}{job="${job}"}`, T),
      instantAt(promUrl, `increase(modelwatch_feature_values_total{job="${job}"}[${window}])`, T),
      instantAt(promUrl, `modelwatch_reference_feature_bin_ratio{job="${job}"}`, T),
    ]);
    result.evaluations++;
    result.values += psiRec.length + jsRec.length;
    const recorded = { psi: psiRec, js: jsRec };
    const direct = compare(recorded, driftFromIncreases(increases, reference));
    if (direct.ok) {
      result.matches.push({ time: T, increases, late: [], ...recorded });
      result.direct++;
      result.maxDifference = Math.max(result.maxDifference, direct.maxDifference);
      continue;
    }

    // the late-commit hypothesis
    const [raw, durations] = await Promise.all([
      rawSamples(promUrl, `modelwatch_feature_values_total{job="${job}"}[${window}]`, T),
      rawSamples(promUrl, `scrape_duration_seconds{job="${job}"}[${window}]`, T),
    ]);
    const seriesKey = (m: Record<string, string>) => JSON.stringify(Object.entries(m).filter(([k]) => k !== '__name__').sort());
    const prom = new Map(increases.map((s) => [seriesKey(s.metric), s.value]));
    for (const s of raw) {
      const mine = prometheusIncrease(s.points, T - windowMs, T);
      const theirs = prom.get(seriesKey(s.metric));
      if (mine === undefined || theirs === undefined || Math.abs(mine - theirs) > TOLERANCE * Math.max(1, Math.abs(theirs))) {
        throw new Error(`recomputed increase() ${mine} differs from Prometheus's ${theirs} for ${seriesKey(s.metric)} at ${promTime(T)}; recorded drift: ${direct.detail}`);
      }
    }
    const late: string[] = [];
    for (const d of durations) {
      const instance = d.metric.instance!;
      const lastT = Math.max(...raw.filter((s) => s.metric.instance === instance).flatMap((s) => s.points.map(([t]) => t)));
      const duration = d.points.find(([t]) => t === lastT)?.[1] ?? 1;
      if (T - lastT < duration * 1000 + 300) late.push(instance);
    }
    let matched: (ReturnType<typeof compare> & { increases: VectorSample[]; late: string[] }) | undefined;
    for (let mask = 1; mask < 1 << late.length && !matched; mask++) {
      const dropped = new Set(late.filter((_, i) => mask & (1 << i)));
      const alternative: VectorSample[] = [];
      for (const s of raw) {
        const points = dropped.has(s.metric.instance!) ? s.points.slice(0, -1) : s.points;
        const v = prometheusIncrease(points, T - windowMs, T);
        if (v !== undefined) alternative.push({ metric: s.metric, value: v });
      }
      const attempt = compare(recorded, driftFromIncreases(alternative, reference));
      if (attempt.ok) matched = { ...attempt, increases: alternative, late: [...dropped] };
    }
    if (!matched) {
      throw new Error(`recorded drift of job ${job} (${window}) at ${promTime(T)} matches neither the increase() values (${direct.detail}) nor those without a late scrape (possibly late: ${late.join(', ') || 'none'})`);
    }
    result.matches.push({ time: T, increases: matched.increases, late: matched.late, ...recorded });
    result.withoutLateScrape++;
    result.maxDifference = Math.max(result.maxDifference, matched.maxDifference);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// how far extrapolation can move a statistic

/**
 * The largest change of PSI and JS when every current share c_i may be off by a factor in [1/rho, rho] (the
 * reference shares fixed). That is the situation of a statistic built from `increase()`: each series'
 * increase is its true count times its own extrapolation factor, so with factors in [f_min, f_max] every
 * share lies within a factor rho = f_max / f_min of the true share. Both statistics are sums of per-bin
 * terms that are convex in c_i, so each term moves at most max(g(lo) - g(c), g(hi) - g(c),
 * |g'(c)| * max(c - lo, hi - c)) over [lo, hi] = [c / rho, c * rho]. For JS (the square root of half the
 * sum of the Jensen-Shannon terms), |sqrt(a) - sqrt(b)| <= min(sqrt(|a - b|), |a - b| / sqrt(b)).
 */
export function extrapolationBound(current: number[], reference: number[], rho: number, epsilon = 1e-4): { psi: number; js: number } {
  if (!(rho >= 1)) throw new RangeError(`rho must be >= 1, got ${rho}`);
  const deviation = (g: (x: number) => number, dg: (x: number) => number, c: number) => {
    const lo = c / rho;
    const hi = c * rho;
    return Math.max(0, g(lo) - g(c), g(hi) - g(c), Math.abs(dg(c)) * Math.max(c - lo, hi - c));
  };
  let psiBound = 0;
  let divergenceBound = 0;
  let divergence = 0;
  for (let i = 0; i < current.length; i++) {
    const c = current[i]!;
    const r = reference[i]!;
    if (c > 0) {
      const rE = r > 0 ? r : epsilon;
      psiBound += deviation((x) => (x - rE) * Math.log(x / rE), (x) => Math.log(x / rE) + 1 - rE / x, c);
      const h = (x: number) => x * Math.log2((2 * x) / (x + r)) + (r > 0 ? r * Math.log2((2 * r) / (x + r)) : 0);
      divergenceBound += 0.5 * deviation(h, (x) => Math.log2((2 * x) / (x + r)), c);
      divergence += 0.5 * h(c);
    } else if (r > 0) {
      divergence += 0.5 * r;
    }
  }
  const js = Math.sqrt(Math.max(divergence, 0));
  return { psi: psiBound, js: Math.min(Math.sqrt(divergenceBound), js > 0 ? divergenceBound / js : Infinity) };
}
