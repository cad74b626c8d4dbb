/**
 * The dashboards against the real thing: the exporter's demo (`modelwatch demo`: the weather classifier with
 * replayed traffic and labels, drifting after 1 s) scraped every second by a real Prometheus that also loads
 * the rule files of alert-rules/ (fast test copies), with the harness of the alerting end-to-end tests.
 *
 * The demo runs on a copy of its configuration that switches on what the bundled one leaves off, so that
 * those panels have data too: performance bounds, a latency objective, a process watch (on this test's
 * process) with a disk path, cost rates, metadata and a tailed prediction file; a few failed requests are
 * posted, and challenger predictions of a second weather version (for the same ids as champion predictions,
 * then labelled). The demo model is multiclass, so the label-free estimated performance (binary models with
 * `positive_class` and scores) comes from a second, small binary model added to the copy, with a reference
 * written by this test and a few posted predictions and labels: the queries reading the estimated families
 * are run with that model selected. GPU metrics (no nvidia-smi; the watch is off) and regression metrics
 * (both models are classifiers) stay absent: their queries only have to parse.
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
/** The binary model added to the demo's configuration, for the estimated-performance panels. */
const BINARY = { model: 'churn', model_version: 'v1', feature: 'tenure' };
/** Families only the binary model produces: queries reading them run with it selected. */
const BINARY_ONLY = ['modelwatch_model_performance_estimated', 'modelwatch_model_performance_estimated_lower', 'modelwatch_model_performance_estimated_upper'];
/** The weather version posted as a challenger of the demo's. */
const CHALLENGER_VERSION = 'challenger-1';

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
  doc.models.push({
    name: BINARY.model,
    task: 'classification',
    positive_class: 'yes',
    reference: { path: join(dir, 'churn-reference.csv') },
    features: [
      { name: 'tenure', type: 'numeric' },
      { name: 'plan', type: 'categorical' },
    ],
    prediction_field: 'prediction',
    score_field: 'score',
    label_field: 'label',
    windows: ['5m', '1h'],
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

/**
 * Rows of the binary model: the score is P(yes) and the label is drawn with that probability, so the
 * scores are calibrated; the prediction is the score thresholded at 0.5. Deterministic (a fixed LCG).
 */
function binaryRows(n: number, seed: number): Array<{ tenure: number; plan: string; score: number; prediction: string; label: string }> {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: n }, () => {
    const tenure = Math.round(next() * 60);
    const plan = ['basic', 'plus', 'pro'][Math.floor(next() * 3)] as string;
    const score = Math.round((0.1 + 0.8 * (1 - tenure / 60)) * 1000) / 1000;
    return { tenure, plan, score, prediction: score >= 0.5 ? 'yes' : 'no', label: next() < score ? 'yes' : 'no' };
  });
}

function binaryReferenceCsv(): string {
  const rows = binaryRows(400, 11);
  return ['tenure,plan,prediction,score,label', ...rows.map((r) => `${r.tenure},${r.plan},${r.prediction},${r.score},${r.label}`)].join('\n') + '\n';
}

async function post(url: string, path: 'predictions' | 'labels', body: unknown[]): Promise<void> {
  const response = await fetch(`${url}/api/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, path).toBe(202);
  expect(((await response.json()) as { rejected: number }).rejected, path).toBe(0);
}

/**
 * One batch of shadow traffic: champion predictions, the challenger's for the same ids (disagreeing on
 * every fourth), then their labels; and binary-model predictions with labels.
 */
async function postBatch(url: string, batch: number): Promise<void> {
  const champion = records(40, `shadow-${batch}-`);
  const classes = [...new Set(champion.map((r) => String(r.prediction)))];
  const challenger = champion.map((r, i) => ({
    ...r,
    model_version: CHALLENGER_VERSION,
    role: 'challenger',
    prediction: i % 4 === 0 ? (classes.find((c) => c !== r.prediction) ?? r.prediction) : r.prediction,
  }));
  await post(url, 'predictions', champion);
  await post(url, 'predictions', challenger);
  const weatherLabels = champion.map((r) => ({ model: DEMO_MODEL_NAME, prediction_id: r.prediction_id, label: r.prediction }));
  await post(url, 'labels', weatherLabels);
  const rows = binaryRows(60, 100 + batch);
  const ids = rows.map((_r, i) => `churn-${batch}-${i}`);
  await post(
    url,
    'predictions',
    rows.map((r, i) => ({ model: BINARY.model, model_version: BINARY.model_version, prediction_id: ids[i], features: { tenure: r.tenure, plan: r.plan }, prediction: r.prediction, score: r.score })),
  );
  await post(url, 'labels', rows.map((r, i) => ({ model: BINARY.model, prediction_id: ids[i], label: r.label })));
}

/** A series' display name from a legend format, as Grafana renders `{{label}}`. */
function legendName(format: string | undefined, metric: Record<string, string>): string {
  return (format ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, label: string) => metric[label] ?? '');
}

describe.skipIf(gate.skip)('dashboards against the exporter demo and a real Prometheus', () => {
  let exporter: ExporterProcess | undefined;
  let stack: Stack | undefined;
  let storage: string | undefined;
  let values: Record<string, string> = {};
  /** The values with the binary model selected. */
  let binaryValues: Record<string, string> = {};
  /** The values a query runs with: the binary model's for the families only it produces. */
  const valuesFor = (expr: string): Record<string, string> => (modelwatchNamesIn(expr, rules).some((n) => BINARY_ONLY.includes(n)) ? binaryValues : values);

  beforeAll(async () => {
    // in CI a missing Prometheus fails the whole suite, naming the package
    if (gate.missing.length > 0) throw new Error(gate.message);
    if (!existsSync(join(REPO, 'exporter', 'dist', 'cli.js'))) throw new Error('the exporter is not built: run npm run build:exporter');
    storage = mkdtempSync(join(tmpdir(), 'modelwatch-dashboards-demo-'));
    writeFileSync(join(storage, 'predictions.jsonl'), records(50, 'file-').map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(storage, 'churn-reference.csv'), binaryReferenceCsv());
    const config = join(storage, 'modelwatch.yml');
    writeFileSync(config, demoConfig(storage));
    exporter = await startExporterProcess(['demo', `--config.file=${config}`, '--demo.drift-after=1s', `--storage.path=${join(storage, 'state')}`]);
    const target = new URL(exporter.url).host;
    await waitUntil(async () => (await fetch(`${exporter!.url}/-/ready`)).ok, { timeoutMs: 20_000, description: 'the exporter ready' });
    // a few failed requests (the replayer sends none)
    await post(exporter.url, 'predictions', records(5, 'failed-').map((r) => ({ ...r, status: 'error', error: 'timeout' })));
    // shadow and binary traffic in two batches: the counters' series exist before Prometheus first scrapes
    // them, so only the second batch is an increase Prometheus can see
    await postBatch(exporter.url, 1);

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
    await stack.prometheus.waitForQuery(`modelwatch_shadow_comparisons_total{job="${JOB}"}`, (s) => s.length > 0, { timeoutMs: 20_000 });
    await postBatch(exporter.url, 2);
    values = {
      ...DURATIONS,
      model: DEMO_MODEL_NAME,
      model_version: DEMO_MODEL_VERSION,
      window: '1h',
      feature: 'temp_max',
      job: JOB,
      instance: target,
    };
    binaryValues = { ...values, ...BINARY };
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
        return { where: q.where, expr: substitute(q.target.expr, valuesFor(q.target.expr)), parseOnly };
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

  it('band panels: every band\'s lower and upper series exist with the names the overrides use, around their value', async () => {
    const bands = dashboards.flatMap((d) =>
      allPanels(d.json)
        .filter((p) => p.type === 'timeseries')
        .map((panel) => {
          const pairs = ((panel.fieldConfig?.overrides ?? []) as Array<{ matcher: { options: string }; properties: Array<{ id: string; value: unknown }> }>).flatMap((o) =>
            o.properties.filter((x) => x.id === 'custom.fillBelowTo').map((x) => ({ upper: o.matcher.options, lower: x.value as string })),
          );
          return { where: `${d.file} "${panel.title}"`, panel, pairs };
        })
        .filter((b) => b.pairs.length > 0),
    );
    expect(bands.map((b) => b.where).sort()).toEqual(['model.json "Estimated vs realized performance ($window)"', 'model.json "Realized performance with 95 % interval ($window)"']);
    for (const { where, panel, pairs } of bands) {
      // one instant for every query of the panel, so the exporter's gauges cannot move in between
      const at = Date.now() / 1000;
      const series = new Map<string, number>();
      for (const t of panel.targets ?? []) {
        const expr = substitute(t.expr, valuesFor(t.expr));
        await nonEmpty(expr, `${where} ${t.refId}`);
        for (const s of await stack!.prometheus.query(expr, at)) series.set(legendName(t.legendFormat, s.metric as Record<string, string>), s.value);
      }
      const drawn = pairs.filter((p) => series.has(p.upper));
      expect(drawn.length, `${where}: no band among ${[...series.keys()].join(', ')}`).toBeGreaterThan(0);
      for (const { lower, upper } of drawn) {
        const value = series.get(upper.replace(/ upper$/, ''));
        expect(series.get(lower), `${where}: ${upper} without ${lower}`).toEqual(expect.any(Number));
        expect(value, `${where}: ${upper} without its value`).toEqual(expect.any(Number));
        expect(series.get(lower)! <= value! && value! <= series.get(upper)!, `${where}: ${lower} ${series.get(lower)} ≤ ${value} ≤ ${series.get(upper)}`).toBe(true);
      }
    }
  });

  it('champion vs challenger: the agreement the table shows is the share of the challenger\'s posted predictions that agree', async () => {
    const panel = dashboards.flatMap((d) => allPanels(d.json)).find((p) => p.title === 'Challengers vs the champion (time range)');
    const agreement = await nonEmpty(substitute(panel?.targets?.find((t) => t.refId === 'A')?.expr ?? 'missing', values), 'the agreement');
    expect(agreement.map((s) => s.metric)).toEqual([{ model_version: CHALLENGER_VERSION, role: 'challenger' }]);
    // every fourth of the posted challenger predictions disagrees (the second batch is the increase seen)
    expect(agreement[0]!.value).toBeCloseTo(0.75, 6);
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
