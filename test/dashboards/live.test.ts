/**
 * The dashboards against the real thing: the exporter's demo (`modelwatch demo`: the weather classifier with
 * replayed traffic and labels, drifting after 1 s) scraped every second by a real Prometheus that also loads
 * the rule files of alert-rules/ (fast test copies), with the harness of the alerting end-to-end tests.
 *
 * The demo runs on a copy of its configuration that switches on what the bundled one leaves off, so that
 * those panels have data too: performance bounds, a latency objective, a process watch (on this test's
 * process) with a disk path, cost rates, metadata and a tailed prediction file; a few failed requests are
 * posted. GPU metrics (no nvidia-smi; the watch is off) and regression metrics (the demo model is a
 * classifier) stay absent: their queries only have to parse.
 *
 * Every variable query must resolve to values (the ones used below among them), and every panel query,
 * with its variables substituted as Grafana would, must parse and return data, except the queries that
 * read only absent families (checked to be absent) and the few listed with a reason. Beyond "some data":
 * table panels' queries must return the same label columns (or Grafana's merge cannot join them into rows),
 * the distribution panels' production counts and reference shares must cover the same bins, and the
 * heatmap query must return one series per bucket.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTrafficGenerator,
  DEMO_DRIFTED_FEATURES,
  DEMO_MODEL_NAME,
  DEMO_MODEL_VERSION,
  DEMO_STABLE_FEATURES,
} from '../../exporter/src/demo/traffic.js';
import { startExporterProcess, type ExporterProcess } from '../support/exporter-process.js';
import { PROMETHEUS, programGate } from '../support/programs.js';
import { sleep, stackDir, startStack, testRuleFile, waitUntil, type InstantSample, type Stack } from '../support/prometheus-stack.js';
import {
  PLUGIN_TYPE,
  REPO,
  allPanels,
  loadDashboards,
  modelwatchNamesIn,
  panelQueries,
  recordInputs,
  recordedNamesIn,
  recordingRules,
  substitute,
  variableQuery,
  type PanelQuery,
} from './dashboards.js';

const JOB = 'modelwatch';
const DEMO_CONFIG = join(REPO, 'exporter', 'demo', 'modelwatch.yml');
/** Families of docs/metrics.md this setup does not produce: queries reading only these must only parse. */
const ABSENT = [
  // the demo model is a classifier
  'modelwatch_regression_predictions_total',
  'modelwatch_regression_absolute_error_total',
  'modelwatch_regression_squared_error_total',
  'modelwatch_regression_label_squared_deviation_total',
  'modelwatch_regression_label_deviation_total',
  // no GPU (gpu_watch is off)
  'modelwatch_model_gpu_utilization_ratio',
  'modelwatch_model_process_gpu_memory_bytes',
];
/** Queries over produced families that still return nothing here, and why. */
const NO_DATA_HERE: Record<string, string> = {
  'overview.json "Regression error (last hour)" C': 'bounds of regression metrics: the demo model is a classifier',
  'overview.json "Regression R² (last hour)" B': 'bounds of regression metrics: the demo model is a classifier',
  'model.json "Regression error (last hour)" D': 'bounds of regression metrics: the demo model is a classifier',
};
/** Grafana's built-in durations, as for a dashboard showing the last 5 minutes scraped every second. */
const DURATIONS = { __range: '5m', __rate_interval: '15s', __interval: '1s' };
const DATA_TIMEOUT_MS = 60_000;

const dashboards = loadDashboards();
const rules = recordingRules();
const gate = programGate([PROMETHEUS], 'The live dashboard tests');

/**
 * The demo's configuration with the optional parts switched on (see the file comment). The bundled file
 * stays the source: only keys are added, and the reference path is made absolute.
 */
function demoConfig(dir: string): string {
  const doc = parse(readFileSync(DEMO_CONFIG, 'utf8')) as { models: Array<Record<string, unknown> & { reference: { path: string } }>; [k: string]: unknown };
  const weather = doc.models.find((m) => m.name === DEMO_MODEL_NAME);
  if (!weather) throw new Error(`${DEMO_CONFIG} has no model ${DEMO_MODEL_NAME}`);
  weather.reference.path = resolve(dirname(DEMO_CONFIG), weather.reference.path);
  Object.assign(weather, {
    performance: { accuracy: { min: 0.75 }, macro_f1: { min: 0.6 }, label_coverage: { min: 0.5 } },
    slo: { latency_p95_ms: 100 },
    processes: [{ pid: process.pid }],
    disk_paths: [dir],
    cost: { cpu_hour: 0.04, per_1k_requests: 0.01 },
    metadata: { team: 'forecasting' },
  });
  doc.sources = [{ type: 'file', path: join(dir, 'predictions.jsonl') }];
  doc.defaults = { ...((doc.defaults as object | undefined) ?? {}), gpu_watch: false };
  return stringify(doc);
}

/** Demo prediction records (reference-like, no drift). */
function records(n: number, idPrefix: string): Array<Record<string, unknown>> {
  const start = new Date();
  const gen = createTrafficGenerator({ seed: 3, driftAfterSeconds: 3600, startTime: start, idPrefix });
  return Array.from({ length: n }, () => ({ ...gen.next(start) }));
}

describe.skipIf(gate.skip)('dashboards against the exporter demo and a real Prometheus', () => {
  let exporter: ExporterProcess | undefined;
  let stack: Stack | undefined;
  let storage: string | undefined;
  let values: Record<string, string> = {};

  beforeAll(async () => {
    // in CI a missing Prometheus fails the whole suite, naming the package
    if (gate.missing.length > 0) throw new Error(gate.message);
    if (!existsSync(join(REPO, 'exporter', 'dist', 'cli.js'))) throw new Error('the exporter is not built: run npm run build:exporter');
    storage = mkdtempSync(join(tmpdir(), 'modelwatch-dashboards-demo-'));
    writeFileSync(join(storage, 'predictions.jsonl'), records(50, 'file-').map((r) => JSON.stringify(r)).join('\n') + '\n');
    const config = join(storage, 'modelwatch.yml');
    writeFileSync(config, demoConfig(storage));
    exporter = await startExporterProcess(['demo', `--config.file=${config}`, '--demo.drift-after=1s', `--storage.path=${join(storage, 'state')}`]);
    const target = new URL(exporter.url).host;
    await waitUntil(async () => (await fetch(`${exporter!.url}/-/ready`)).ok, { timeoutMs: 20_000, description: 'the exporter ready' });
    // a few failed requests (the replayer sends none)
    const failed = records(5, 'failed-').map((r) => ({ ...r, status: 'error', error: 'timeout' }));
    const response = await fetch(`${exporter.url}/api/v1/predictions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(failed) });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { rejected: number }).rejected).toBe(0);

    const dir = stackDir();
    const ruleFiles: string[] = [];
    for (const sub of ['rules', 'alerts']) {
      const folder = join(REPO, 'alert-rules', sub);
      for (const name of readdirSync(folder).filter((n) => n.endsWith('.yml')).sort()) {
        const path = join(dir, `${sub}-${name}`);
        writeFileSync(path, testRuleFile(readFileSync(join(folder, name), 'utf8'), { for: '1s' }));
        ruleFiles.push(path);
      }
    }
    stack = await startStack({ scrapeJobs: [{ job: JOB, targets: [target] }], ruleFiles }, dir);
    await stack.prometheus.waitForTargetsUp(JOB, { timeoutMs: 20_000 });
    // rates need two scrapes inside their window
    await stack.prometheus.waitForQuery(`rate(modelwatch_predictions_total{job="${JOB}"}[${DURATIONS.__rate_interval}]) > 0`, undefined, { timeoutMs: 20_000 });
    values = {
      ...DURATIONS,
      model: DEMO_MODEL_NAME,
      model_version: DEMO_MODEL_VERSION,
      window: '1h',
      feature: 'temp_max',
      job: JOB,
      instance: target,
    };
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await exporter?.stop('SIGKILL');
    if (storage) rmSync(storage, { recursive: true, force: true });
  });

  const query = (expr: string): Promise<InstantSample[]> => stack!.prometheus.query(expr);
  /**
   * The samples of a query once it returns some. A scrape that fails (e.g. it overran the 1 s timeout on a
   * busy machine) marks the target's series stale until the next one, so a single empty answer is retried.
   */
  const nonEmpty = (expr: string, what: string): Promise<InstantSample[]> =>
    stack!.prometheus.waitForQuery(expr, (s) => s.length > 0, { timeoutMs: 10_000, intervalMs: 200, description: `data for ${what}: ${expr}` });

  it('finds prometheus', () => {
    expect(gate.missing, gate.message).toEqual([]);
  });

  it('every variable query resolves to values, including the ones the panel checks use', async () => {
    const prom = stack!.prometheus.url;
    const now = Date.now() / 1000;
    for (const { file, json } of dashboards) {
      for (const v of json.templating.list) {
        const q = variableQuery(v);
        if (q === undefined) continue;
        const m = /^label_values\((?:(.+), )?(\w+)\)$/.exec(q);
        expect(m, `${file} ${v.name}: ${q}`).not.toBeNull();
        // What Grafana's Prometheus datasource asks for label_values(selector, label) over the time range.
        const params = new URLSearchParams({ start: String(Math.floor(now - 300)), end: String(Math.ceil(now)) });
        if (m![1]) params.append('match[]', substitute(m![1], values));
        const response = await fetch(`${prom}/api/v1/label/${m![2]}/values?${params}`);
        const body = (await response.json()) as { status: string; data: string[]; error?: string };
        expect(body.status, `${file} ${v.name}: ${body.error ?? ''}`).toBe('success');
        expect(body.data.length, `${file} ${v.name}: ${q} resolved to nothing`).toBeGreaterThan(0);
        if (values[v.name] !== undefined) expect(body.data, `${file} ${v.name}`).toContain(values[v.name]);
      }
    }
    // the windows the demo configures, so the window-filtered queries below have a choice to return
    const windows = await nonEmpty(`group by (window) (modelwatch_window_samples{model="${DEMO_MODEL_NAME}"})`, "the demo's windows");
    expect(windows.map((s) => s.metric.window).sort()).toEqual(['1h', '1m', '5m']);
  });

  it('the families this setup does not produce are really absent (so their panels only have to parse)', async () => {
    for (const name of ABSENT) expect(await query(`count(${name})`), name).toEqual([]);
  });

  it(
    'every panel query parses and, unless it reads only absent families, returns data',
    async () => {
      const checks = dashboards.flatMap(panelQueries).map((q: PanelQuery) => {
        // the families read directly and through recording rules
        const names = [...modelwatchNamesIn(q.target.expr, rules), ...recordedNamesIn(q.target.expr, rules).flatMap((r) => recordInputs(r, rules))];
        const parseOnly = (names.length > 0 && names.every((n) => ABSENT.includes(n))) || q.where in NO_DATA_HERE;
        return { where: q.where, expr: substitute(q.target.expr, values), parseOnly };
      });
      expect(checks.length).toBeGreaterThan(150);
      // every exception names a real query
      for (const where of Object.keys(NO_DATA_HERE)) expect(checks.map((c) => c.where)).toContain(where);

      const errors: string[] = [];
      let pending: typeof checks = [];
      for (const c of checks) {
        try {
          const samples = await query(c.expr);
          if (samples.length === 0 && !c.parseOnly) pending.push(c);
        } catch (error) {
          errors.push(`${c.where}: ${error instanceof Error ? error.message : String(error)}\n  ${c.expr}`);
        }
      }
      expect(errors).toEqual([]);

      // Rates need two scrapes in their window and the drift alerts a drifted window: wait for them.
      const deadline = Date.now() + DATA_TIMEOUT_MS;
      while (pending.length > 0 && Date.now() < deadline) {
        await sleep(1_000);
        const still: typeof checks = [];
        for (const c of pending) if ((await query(c.expr)).length === 0) still.push(c);
        pending = still;
      }
      expect(pending.map((c) => `${c.where}: no data\n  ${c.expr}`)).toEqual([]);
    },
    DATA_TIMEOUT_MS + 30_000,
  );

  it('table panels: all queries of a table return the same label columns, so Grafana merges them into rows', async () => {
    for (const d of dashboards) {
      for (const panel of allPanels(d.json).filter((p) => p.type === 'table')) {
        const columns = new Set<string>();
        for (const t of panel.targets ?? []) {
          const samples = await nonEmpty(substitute(t.expr, values), `${d.file} "${panel.title}" ${t.refId}`);
          for (const s of samples) columns.add(`${t.refId}: ${Object.keys(s.metric).filter((k) => k !== '__name__').sort().join(',')}`);
        }
        const labelSets = new Set([...columns].map((c) => c.split(': ')[1]));
        expect([...labelSets], `${d.file} "${panel.title}": ${[...columns].join(' | ')}`).toHaveLength(1);
      }
    }
  });

  it('distribution panels: production counts and reference shares cover the same bins, with the labels the plugin reads', async () => {
    const panels = dashboards.flatMap((d) => allPanels(d.json).filter((p) => p.type === PLUGIN_TYPE));
    expect(panels).toHaveLength(3);
    for (const panel of panels) {
      const byRef: Record<string, InstantSample[]> = {};
      for (const t of panel.targets ?? []) byRef[t.refId] = await nonEmpty(substitute(t.expr, values), `"${panel.title}" ${t.refId}`);
      const current = byRef.A ?? [];
      const reference = byRef.B ?? [];
      const key = (s: InstantSample) => `${s.metric.feature}/${s.metric.bin}`;
      for (const s of current) expect(Object.keys(s.metric).sort(), panel.title).toEqual(['bin', 'feature']);
      for (const s of reference) {
        // numeric bins carry their edges (the plugin's x axis); categorical and missing bins have none
        const numeric = /^\d+$/.test(s.metric.bin ?? '');
        expect(s.metric, `${panel.title} ${key(s)}`).toMatchObject({ feature: expect.any(String), bin: expect.any(String) });
        expect(s.metric.lower !== undefined && s.metric.upper !== undefined, `${panel.title} ${key(s)} edges`).toBe(numeric);
      }
      expect(current.length, panel.title).toBeGreaterThan(0);
      expect(current.map(key).sort(), panel.title).toEqual(reference.map(key).sort());
      // a sum of shares per feature of 1: one reference per feature (no replica disagreement to average)
      const sums = new Map<string, number>();
      for (const s of reference) sums.set(s.metric.feature as string, (sums.get(s.metric.feature as string) ?? 0) + s.value);
      for (const [feature, sum] of sums) expect(sum, `${panel.title} ${feature}`).toBeCloseTo(1, 6);
      // the exporter's decisions, scores and p-values for the window the panel shows
      const features = new Set(current.map((s) => s.metric.feature));
      // (a feature with too little data in the window has no decision yet: labels arrive late)
      const decided = new Set((byRef.C ?? []).filter((s) => s.metric.window === values.window).map((s) => s.metric.feature));
      expect(decided.size, panel.title).toBeGreaterThan(0);
      for (const f of decided) expect(features, `${panel.title}: decision for ${f}`).toContain(f);
      expect((byRef.D ?? []).every((s) => s.metric.method !== undefined), panel.title).toBe(true);
      expect((byRef.E ?? []).every((s) => s.metric.test !== undefined), panel.title).toBe(true);
      if (panel.options?.mode === 'single') expect(features).toContain(values.feature);
      if (panel.options?.mode === 'grid') expect([...features].sort()).toEqual(['__label__', '__prediction__', '__score__']);
    }
  });

  it('once the demo drifts, the panels\' decision query flags its drifted features in the selected window', async () => {
    const panel = dashboards.flatMap((d) => allPanels(d.json)).find((p) => p.type === PLUGIN_TYPE && p.options?.mode === 'ranked');
    const decisions = panel?.targets?.find((t) => t.refId === 'C');
    expect(decisions?.expr).toMatch(/^modelwatch_feature_drifted\{/);
    const flagged = await stack!.prometheus.waitForQuery(
      `${substitute(decisions!.expr, values)} == 1`,
      (s) => s.some((x) => x.metric.window === values.window),
      { timeoutMs: 40_000, description: `a feature flagged in the ${values.window} window` },
    );
    const features = flagged.filter((s) => s.metric.window === values.window).map((s) => s.metric.feature as string);
    expect(features.some((f) => (DEMO_DRIFTED_FEATURES as readonly string[]).includes(f)), features.join(', ')).toBe(true);
    // wind and pressure are identical with and without the drift: never flagged
    for (const f of features) expect(DEMO_STABLE_FEATURES as readonly string[], `${f} flagged`).not.toContain(f);
  }, 50_000);

  it('the accuracy panel\'s 95 % band is the Wilson interval of the recorded accuracy and count', async () => {
    const panel = dashboards.flatMap((d) => allPanels(d.json)).find((p) => p.title === 'Accuracy with 95 % interval (last hour)');
    const expr = (refId: string) => substitute(panel?.targets?.find((t) => t.refId === refId)?.expr ?? 'missing', values);
    const sel = `{model="${values.model}",model_version="${values.model_version}"}`;
    // one instant for all five, so the rules' evaluations cannot move in between
    const at = Date.now() / 1000;
    await nonEmpty(expr('A'), 'accuracy');
    const one = async (e: string) => (await stack!.prometheus.query(e, at))[0]?.value;
    const [p, n, accuracy, lower, upper] = await Promise.all([
      one(`max(model_version:modelwatch_classifications:accuracy1h${sel})`),
      one(`max(model_version:modelwatch_classifications:increase1h${sel})`),
      one(expr('A')),
      one(expr('B')),
      one(expr('C')),
    ]);
    for (const v of [p, n, accuracy, lower, upper]) expect(v).toEqual(expect.any(Number));
    const z = 1.96;
    const centre = (p! + (z * z) / (2 * n!)) / (1 + (z * z) / n!);
    const half = (z * Math.sqrt((p! * (1 - p!)) / n! + (z * z) / (4 * n! * n!))) / (1 + (z * z) / n!);
    expect(n!).toBeGreaterThanOrEqual(30);
    expect(accuracy).toBe(p);
    expect(lower!).toBeCloseTo(centre - half, 9);
    expect(upper!).toBeCloseTo(centre + half, 9);
    expect(0 <= lower! && lower! < accuracy! && accuracy! < upper! && upper! <= 1).toBe(true);
  });

  it('the heatmap query returns one series per latency bucket', async () => {
    const heatmaps = dashboards.flatMap((d) => allPanels(d.json).filter((p) => p.type === 'heatmap'));
    expect(heatmaps).toHaveLength(1);
    for (const t of heatmaps[0]?.targets ?? []) {
      expect(t.format).toBe('heatmap');
      const samples = await nonEmpty(substitute(t.expr, values), 'the latency heatmap');
      expect(samples.length).toBeGreaterThan(5);
      for (const s of samples) expect(Object.keys(s.metric)).toEqual(['le']);
      expect(samples.map((s) => s.metric.le)).toContain('+Inf');
    }
  });
});
