/**
 * Static checks of the dashboards in dashboards/: the committed JSON is what the generator writes; Grafana
 * 10.4 can load it; every panel and query uses the DS_PROMETHEUS variable and no datasource uid; panel ids
 * and grid positions are sane; every metric a query reads is in the contract (docs/metrics.md) with the
 * labels it selects on; every variable referenced is defined; the distribution-panel plugin's options
 * and queries are the plugin's; links point at dashboards and variables that exist; the provisioning
 * files are well formed; every query parses (promtool, offline).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS, outdated, renderAll } from '../../dashboards/src/build.mjs';
import { PROMTOOL, programGate } from '../support/programs.js';
import {
  BUILTIN_VARIABLES,
  DASHBOARD_DIR,
  DASHBOARD_FILES,
  DS_REF,
  PLUGIN_TYPE,
  REPO,
  allPanels,
  documentedFamilies,
  familyOf,
  loadDashboards,
  modelwatchNamesIn,
  objects,
  panelQueries,
  recordInputs,
  recordedNamesIn,
  recordingRules,
  selectorLabels,
  strings,
  substitute,
  unknownRecordedNamesIn,
  variableQuery,
  variableRefs,
  type Panel,
} from './dashboards.js';

const dashboards = loadDashboards();
const documented = documentedFamilies();
const rules = recordingRules();
/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];

/** Every PromQL expression of a dashboard: panel queries and variable queries' selectors. */
function expressions(d: (typeof dashboards)[number]): Array<{ where: string; expr: string }> {
  const panels = panelQueries(d).map((q) => ({ where: q.where, expr: q.target.expr }));
  const variables = d.json.templating.list
    .map((v) => ({ where: `${d.file} variable ${v.name}`, expr: variableQuery(v) }))
    .filter((v): v is { where: string; expr: string } => v.expr !== undefined);
  return [...panels, ...variables];
}

describe('dashboard files', () => {
  it('are exactly what dashboards/src/build.mjs writes', () => {
    expect(Object.keys(DASHBOARDS).sort()).toEqual([...DASHBOARD_FILES].sort());
    const expected = renderAll();
    for (const d of dashboards) expect(d.text, `${d.file}: run node dashboards/src/build.mjs`).toBe(expected[d.file]);
    expect(outdated()).toEqual([]);
  });

  it('are v1 dashboards Grafana 10.4 loads: schemaVersion 39, unique uids, tagged, no __inputs', () => {
    const uids = new Set<string>();
    for (const { file, json } of dashboards) {
      expect(json.schemaVersion, file).toBe(39);
      expect(json.uid, file).toMatch(/^modelwatch-[a-z]+$/);
      expect(uids.has(json.uid), `${file}: duplicate uid`).toBe(false);
      uids.add(json.uid);
      expect(json.title, file).toMatch(/^modelwatch \/ /);
      expect(json.tags, file).toContain('modelwatch');
      expect(typeof json.description, file).toBe('string');
      // `__inputs` placeholders are only filled by the UI import; file provisioning would leave them unresolved.
      expect(json, file).not.toHaveProperty('__inputs');
      expect(json, file).not.toHaveProperty('__requires');
      expect(json.id, file).toBeNull();
    }
  });
});

describe('datasource', () => {
  it('is the DS_PROMETHEUS datasource variable, defined first in every dashboard', () => {
    for (const { file, json } of dashboards) {
      const [first] = json.templating.list;
      expect(first, file).toMatchObject({ name: 'DS_PROMETHEUS', type: 'datasource', query: 'prometheus' });
      expect(json.templating.list.filter((v) => v.type === 'datasource'), file).toHaveLength(1);
    }
  });

  it('every panel with queries, every query and every query variable use ${DS_PROMETHEUS}', () => {
    for (const d of dashboards) {
      for (const panel of allPanels(d.json)) {
        if (panel.type === 'row' || panel.type === 'text') {
          expect(panel.targets ?? [], `${d.file} "${panel.title}"`).toEqual([]);
          continue;
        }
        expect(panel.datasource, `${d.file} "${panel.title}"`).toEqual(DS_REF);
        expect(panel.targets?.length, `${d.file} "${panel.title}" has no queries`).toBeGreaterThan(0);
        for (const t of panel.targets ?? []) expect(t.datasource, `${d.file} "${panel.title}" ${t.refId}`).toEqual(DS_REF);
      }
      for (const v of d.json.templating.list.filter((x) => x.type === 'query')) expect(v.datasource, `${d.file} variable ${v.name}`).toEqual(DS_REF);
    }
  });

  it('no uid literal anywhere: every datasource reference is the variable; the only other uid is the dashboard\'s own', () => {
    for (const d of dashboards) {
      for (const { path, obj } of objects(d.json)) {
        if ('datasource' in obj) {
          expect(obj.datasource, `${d.file} ${path.join('.')}.datasource`).toEqual(DS_REF);
        }
        if ('uid' in obj && path.length > 0) {
          expect(obj.uid, `${d.file} ${path.join('.')}.uid`).toBe('${DS_PROMETHEUS}');
        }
      }
    }
  });
});

describe('panels', () => {
  it('have unique positive integer ids', () => {
    for (const d of dashboards) {
      const ids = allPanels(d.json).map((p) => p.id);
      for (const id of ids) expect(Number.isInteger(id) && id > 0, `${d.file}: id ${id}`).toBe(true);
      expect(new Set(ids).size, d.file).toBe(ids.length);
    }
  });

  it('sit on the 24-column grid without overlapping; rows span the width', () => {
    for (const d of dashboards) {
      const panels = allPanels(d.json);
      for (const p of panels) {
        const { x, y, w, h } = p.gridPos;
        const where = `${d.file} "${p.title}" ${JSON.stringify(p.gridPos)}`;
        for (const n of [x, y, w, h]) expect(Number.isInteger(n), where).toBe(true);
        expect(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24, where).toBe(true);
        if (p.type === 'row') expect({ x, w, h }, where).toEqual({ x: 0, w: 24, h: 1 });
        else expect(h, where).toBeGreaterThanOrEqual(3);
      }
      for (let i = 0; i < panels.length; i++) {
        for (let j = i + 1; j < panels.length; j++) {
          const a = (panels[i] as Panel).gridPos;
          const b = (panels[j] as Panel).gridPos;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${d.file}: "${panels[i]?.title}" overlaps "${panels[j]?.title}"`).toBe(false);
        }
      }
    }
  });

  it('have a title (unique in the dashboard) and a description; charts and numbers have a unit', () => {
    for (const d of dashboards) {
      const titles = allPanels(d.json).filter((x) => x.type !== 'row').map((p) => p.title);
      expect(titles.filter((t, i) => titles.indexOf(t) !== i), `${d.file}: repeated titles`).toEqual([]);
      for (const p of allPanels(d.json).filter((x) => x.type !== 'row')) {
        const where = `${d.file} "${p.title}"`;
        expect(p.title.trim(), where).not.toBe('');
        expect((p.description ?? '').length, `${where} needs a description`).toBeGreaterThan(20);
        // a number needs a unit, unless its values are mapped to words or the stat shows series names
        const mapped = ((p.fieldConfig?.defaults?.mappings as unknown[] | undefined) ?? []).length > 0;
        const names = p.type === 'stat' && p.options?.textMode === 'name';
        if (['timeseries', 'stat', 'bargauge'].includes(p.type) && !mapped && !names) {
          expect(p.fieldConfig?.defaults?.unit, `${where} needs a unit`).toEqual(expect.any(String));
        }
      }
    }
  });

  it('table panels merge instant table queries (the live test checks that they share their label columns)', () => {
    for (const d of dashboards) {
      for (const p of allPanels(d.json).filter((x) => x.type === 'table')) {
        const where = `${d.file} "${p.title}"`;
        expect(p.transformations?.[0], where).toEqual({ id: 'merge', options: {} });
        for (const t of p.targets ?? []) expect({ format: t.format, instant: t.instant }, `${where} ${t.refId}`).toEqual({ format: 'table', instant: true });
      }
    }
  });
});

describe('metrics', () => {
  it('the contract in docs/metrics.md is readable (families and labels)', () => {
    expect(documented.size).toBeGreaterThan(20);
    expect(documented.get('modelwatch_feature_values_total')).toEqual({
      name: 'modelwatch_feature_values_total',
      type: 'counter',
      labels: ['model', 'model_version', 'feature', 'bin'],
    });
  });

  it('every modelwatch_* metric a query reads is documented, with the labels it selects on', () => {
    const problems: string[] = [];
    for (const d of dashboards) {
      for (const { where, expr } of expressions(d)) {
        for (const name of modelwatchNamesIn(expr, rules)) {
          if (!familyOf(name, documented)) problems.push(`${where}: ${name} is not in docs/metrics.md`);
        }
        for (const { metric, labels } of selectorLabels(expr)) {
          const family = familyOf(metric, documented);
          if (!family) continue;
          const allowed = new Set([...family.labels, ...TARGET_LABELS, ...(family.type === 'histogram' && metric.endsWith('_bucket') ? ['le'] : [])]);
          for (const l of labels) if (!allowed.has(l)) problems.push(`${where}: ${metric} has no label ${l}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('a recording rule a query reads exists in alert-rules/rules/ and is built only from documented families', () => {
    const problems: string[] = [];
    for (const d of dashboards) {
      for (const { where, expr } of expressions(d)) {
        for (const name of unknownRecordedNamesIn(expr, rules)) problems.push(`${where}: no rule records ${name}`);
        for (const record of recordedNamesIn(expr, rules)) {
          for (const name of recordInputs(record, rules)) if (!familyOf(name, documented)) problems.push(`${where}: ${record} reads ${name}, not in docs/metrics.md`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the metric-name checks find undocumented names, unknown and undocumented-based recording rules', () => {
    const expr = 'sum by (model) (rate(modelwatch_made_up_total{model=~"$model"}[$__rate_interval])) / sum(modelwatch_requests_total)';
    expect(modelwatchNamesIn(expr, rules).filter((n) => !familyOf(n, documented))).toEqual(['modelwatch_made_up_total']);
    const synthetic = [
      { record: 'model:modelwatch_requests:rate5m', expr: 'sum by (model) (rate(modelwatch_made_up_total[5m]))' },
      { record: 'model:modelwatch_requests:ratio', expr: 'model:modelwatch_requests:rate5m / sum by (model) (rate(modelwatch_predictions_total[5m]))' },
    ];
    const use = 'model:modelwatch_requests:ratio > 1 and model:modelwatch_reqests:rate5m';
    expect(recordedNamesIn(use, synthetic)).toEqual(['model:modelwatch_requests:ratio']);
    expect(modelwatchNamesIn(use, synthetic)).toEqual([]);
    expect(unknownRecordedNamesIn(use, synthetic)).toEqual(['model:modelwatch_reqests:rate5m']);
    expect(recordInputs('model:modelwatch_requests:ratio', synthetic).sort()).toEqual(['modelwatch_made_up_total', 'modelwatch_predictions_total']);
    expect(documentedFamilies('| `modelwatch_x_read_bytes_total`, `..._written_bytes_total` | counter | model | m |\n').get('modelwatch_x_written_bytes_total')).toEqual({
      name: 'modelwatch_x_written_bytes_total',
      type: 'counter',
      labels: ['model'],
    });
    expect(familyOf('modelwatch_prediction_latency_seconds_bucket', documented)?.type).toBe('histogram');
    expect(familyOf('modelwatch_predictions_total_bucket', documented)).toBeUndefined();
    expect(selectorLabels('modelwatch_window_samples{model="a",windw="1h"}')).toEqual([{ metric: 'modelwatch_window_samples', labels: ['model', 'windw'] }]);
  });
});

describe('variables', () => {
  it('model, model_version, window and feature come from label_values() queries', () => {
    const model = dashboards.find((d) => d.file === 'model.json')!.json;
    expect(model.templating.list.map((v) => v.name)).toEqual(['DS_PROMETHEUS', 'model', 'model_version', 'window', 'feature']);
    for (const { file, json } of dashboards) {
      for (const v of json.templating.list.filter((x) => x.type !== 'datasource')) {
        expect(v.type, `${file} ${v.name}`).toBe('query');
        expect(variableQuery(v), `${file} ${v.name}`).toMatch(new RegExp(`^label_values\\((\\w+(\\{[^}]*\\})?, )?${v.name}\\)$`));
        expect(v.definition, `${file} ${v.name}`).toBe(variableQuery(v));
      }
    }
  });

  it('every variable referenced is defined (before the variables that use it), and every one is used', () => {
    for (const { file, json } of dashboards) {
      const defined = json.templating.list.map((v) => v.name);
      expect(new Set(defined).size, file).toBe(defined.length);
      const used = new Set<string>();
      for (const { path, text } of strings(json)) {
        // the variables' own `current` values (e.g. $__all) are not references
        if (path[0] === 'templating' && path.includes('current')) continue;
        for (const name of variableRefs(text)) {
          used.add(name);
          const ok = defined.includes(name) || BUILTIN_VARIABLES.has(name.split('.')[0] as string);
          expect(ok, `${file} ${path.join('.')}: $${name} is not defined`).toBe(true);
        }
      }
      json.templating.list.forEach((v, i) => {
        for (const name of variableRefs(variableQuery(v) ?? '')) {
          expect(defined.indexOf(name), `${file} variable ${v.name} uses $${name} defined after it`).toBeGreaterThanOrEqual(0);
          expect(defined.indexOf(name), `${file} variable ${v.name} uses $${name} defined after it`).toBeLessThan(i);
        }
      });
      for (const name of defined) expect(used.has(name), `${file}: variable ${name} is never used`).toBe(true);
    }
  });

  it('the reference finder sees every Grafana syntax and flags unknown names', () => {
    expect(variableRefs('a $model b ${window} c ${DS_PROMETHEUS:queryparam} d [[feature]] ${__field.labels.model} $__rate_interval')).toEqual([
      'model',
      'window',
      'DS_PROMETHEUS',
      'feature',
      '__field',
      '__rate_interval',
    ]);
    expect(BUILTIN_VARIABLES.has('__rate_intervall')).toBe(false);
  });
});

describe('distribution panel (plugin)', () => {
  const pluginJson = JSON.parse(readFileSync(join(REPO, 'grafana-plugin', 'src', 'plugin.json'), 'utf8')) as { id: string };
  const types = readFileSync(join(REPO, 'grafana-plugin', 'src', 'types.ts'), 'utf8');
  const optionNames = [...(/interface DistributionOptions \{([\s\S]*?)\n\}/.exec(types)?.[1] ?? '').matchAll(/^\s+(\w+):/gm)].map((m) => m[1]);
  const union = (name: string) => [...(new RegExp(`type ${name} = ([^;]+);`).exec(types)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
  const pluginPanels = dashboards.flatMap((d) => allPanels(d.json).filter((p) => p.type === PLUGIN_TYPE).map((p) => ({ file: d.file, p })));

  it('uses the plugin\'s id, on the model dashboard (ranked list, one feature, predictions and labels)', () => {
    expect(pluginJson.id).toBe(PLUGIN_TYPE);
    expect(pluginPanels.map(({ file, p }) => `${file} ${String(p.options?.mode)}`)).toEqual(['model.json ranked', 'model.json single', 'model.json grid']);
  });

  it('sets exactly the plugin\'s options, with valid values', () => {
    expect(optionNames.length).toBeGreaterThan(10);
    for (const { p } of pluginPanels) {
      const o = p.options ?? {};
      expect(Object.keys(o).sort(), p.title).toEqual([...optionNames].sort());
      expect(union('ViewMode'), p.title).toContain(o.mode);
      expect(union('ChartView'), p.title).toContain(o.chart);
      expect(union('BarStyle'), p.title).toContain(o.barStyle);
      expect(union('Normalization'), p.title).toContain(o.normalization);
      expect(o.window, p.title).toBe('$window');
    }
    const single = pluginPanels.find(({ p }) => p.options?.mode === 'single')!.p;
    expect(single.options?.feature).toBe('$feature');
  });

  it('queries the production counts (A) and reference shares (B) the plugin reads, plus the exporter\'s decisions', () => {
    for (const { p } of pluginPanels) {
      const exprs = Object.fromEntries((p.targets ?? []).map((t) => [t.refId, t.expr]));
      const filter = p.options?.mode === 'grid' ? ',feature=~"__prediction__|__score__|__label__"' : '';
      const sel = `{model="$model",model_version="$model_version"${filter}}`;
      expect(p.options?.currentQuery).toBe('A');
      expect(p.options?.referenceQuery).toBe('B');
      expect(exprs, p.title).toEqual({
        A: `sum by (feature, bin) (increase(modelwatch_feature_values_total${sel}[$__range]))`,
        B: `modelwatch_reference_feature_bin_ratio${sel}`,
        C: `modelwatch_feature_drifted${sel}`,
        D: `modelwatch_feature_drift${sel}`,
        E: `modelwatch_feature_drift_p_value${sel}`,
      });
    }
  });
});

describe('links', () => {
  const uids = new Map(dashboards.map((d) => [d.json.uid, d.json]));

  it('every dashboard links to the others by the shared tag, keeping time and variables', () => {
    for (const { file, json } of dashboards) {
      expect(json.links, file).toEqual([expect.objectContaining({ type: 'dashboards', tags: ['modelwatch'], keepTime: true, includeVars: true })]);
    }
  });

  it('data links open an existing dashboard and set only its variables', () => {
    let count = 0;
    for (const d of dashboards) {
      for (const { path, text } of strings(d.json)) {
        if (path.at(-1) !== 'url') continue;
        if (text === '') continue;
        count++;
        const m = /^\/d\/([\w-]+)\/[\w-]+\?(.*)$/.exec(text);
        expect(m, `${d.file} ${path.join('.')}: ${text}`).not.toBeNull();
        const target = uids.get(m![1] as string);
        expect(target, `${d.file}: link to unknown dashboard ${m![1]}`).toBeDefined();
        const names = target!.templating.list.map((v) => v.name);
        for (const part of (m![2] as string).split('&')) {
          const explicit = /^var-(\w+)=/.exec(part)?.[1];
          const formatted = /^\$\{(\w+):queryparam\}$/.exec(part)?.[1];
          const name = explicit ?? formatted;
          if (part === '${__url_time_range}') continue;
          expect(name, `${d.file}: link part ${part}`).toBeDefined();
          expect(names, `${d.file}: link sets ${name}, not a variable of ${target!.uid}`).toContain(name);
        }
      }
    }
    expect(count).toBeGreaterThan(5);
  });
});

describe('provisioning', () => {
  const provisioning = join(DASHBOARD_DIR, 'provisioning');

  it('dashboards.yml is a file provider', () => {
    const doc = parse(readFileSync(join(provisioning, 'dashboards.yml'), 'utf8')) as { apiVersion: number; providers: Array<Record<string, unknown>> };
    expect(doc.apiVersion).toBe(1);
    expect(doc.providers).toHaveLength(1);
    expect(doc.providers[0]).toMatchObject({ name: 'modelwatch', type: 'file', folder: 'modelwatch', options: { path: expect.any(String) } });
  });

  it('datasources.yml defines a Prometheus datasource without pinning a uid', () => {
    const doc = parse(readFileSync(join(provisioning, 'datasources.yml'), 'utf8')) as { apiVersion: number; datasources: Array<Record<string, unknown>> };
    expect(doc.apiVersion).toBe(1);
    expect(doc.datasources).toHaveLength(1);
    expect(doc.datasources[0]).toMatchObject({ type: 'prometheus', access: 'proxy', url: expect.stringMatching(/^https?:\/\//) });
    expect(doc.datasources[0]).not.toHaveProperty('uid');
  });

  it('docs/dashboards.md names every panel', () => {
    const doc = readFileSync(join(REPO, 'docs', 'dashboards.md'), 'utf8');
    for (const d of dashboards) {
      for (const p of allPanels(d.json).filter((x) => x.type !== 'row')) expect(doc, `${d.file} "${p.title}"`).toContain(p.title);
    }
  });
});

const promtool = programGate([PROMTOOL], 'The offline PromQL parse check of the dashboards');

describe.skipIf(promtool.skip)('queries parse (promtool check rules, offline)', () => {
  it('finds promtool', () => {
    expect(promtool.missing, promtool.message).toEqual([]);
  });

  it('every panel and variable query, with its variables substituted, is valid PromQL', () => {
    const values: Record<string, string> = {
      model: 'm',
      model_version: 'v',
      window: '1h',
      feature: 'f',
      job: 'j',
      instance: 'i',
      __range: '6h',
      __rate_interval: '1m',
      __interval: '15s',
    };
    const rulesFile = {
      groups: dashboards.map((d) => ({
        name: d.file,
        rules: expressions(d).map(({ expr }, i) => {
          // label_values(selector, label) is Grafana's, not PromQL: check its selector
          const lv = /^label_values\((?:(.*), )?(\w+)\)$/.exec(expr);
          return { record: `dashboard:${d.file.replace('.json', '')}:${i}`, expr: substitute(lv ? (lv[1] ?? 'up') : expr, values) };
        }),
      })),
    };
    const dir = mkdtempSync(join(tmpdir(), 'modelwatch-dashboards-'));
    try {
      const file = join(dir, 'queries.yml');
      writeFileSync(file, stringify(rulesFile, { lineWidth: 0 }));
      const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stderr, 'promtool lint').toBe('');
      expect(result.stdout).toMatch(new RegExp(`SUCCESS: ${rulesFile.groups.reduce((n, g) => n + g.rules.length, 0)} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
