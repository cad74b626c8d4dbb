/**
 * Static checks of alert-rules/: the rule files with promtool, the Alertmanager configuration, routes
 * and templates with amtool, and lint-style checks that every alert is labelled, documented and tested.
 * Runs without any server.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { psi as exporterPsi } from '../../exporter/src/stats/psi.js';
import { AMTOOL, PROMTOOL, programGate } from '../support/programs.js';

const REPO = join(import.meta.dirname, '..', '..');
const ROOT = join(REPO, 'alert-rules');
const AM_CONFIG = join(ROOT, 'alertmanager', 'alertmanager.yml');
const RUNBOOKS = join(REPO, 'docs', 'runbooks.md');
const RUNBOOK_BASE = 'https://github.com/modelwatch/modelwatch/blob/main/docs/runbooks.md#';
const TEAM_OF_FILE: Record<string, string> = {
  'data-quality.alerts.yml': 'data',
  'drift.alerts.yml': 'ml',
  'model-quality.alerts.yml': 'ml',
  'operations.alerts.yml': 'ops',
};

function ymlFiles(dir: string, suffix = '.yml'): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith(suffix))
    .sort()
    .map((n) => join(dir, n));
}

const ruleFiles = ymlFiles(join(ROOT, 'rules'));
const alertFiles = ymlFiles(join(ROOT, 'alerts'));
const testFiles = ymlFiles(join(ROOT, 'tests'), '.test.yml');

function run(command: string, args: string[], cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
}

// ---------------------------------------------------------------------------------------------------------
// parsed rule and test files

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface AlertRule extends Rule {
  alert: string;
  file: string;
}

function rulesOf(file: string): Rule[] {
  const doc = parse(readFileSync(file, 'utf8')) as { groups: Array<{ rules: Rule[] }> };
  return doc.groups.flatMap((g) => g.rules);
}

const alerts: AlertRule[] = alertFiles.flatMap((file) =>
  rulesOf(file)
    .filter((r): r is Rule & { alert: string } => typeof r.alert === 'string')
    .map((r) => ({ ...r, file: relative(ROOT, file) })),
);
const records = [...new Set(ruleFiles.flatMap((f) => rulesOf(f).map((r) => r.record).filter((r): r is string => typeof r === 'string')))];

interface ExpAlert {
  exp_labels?: Record<string, string>;
}
interface AlertCase {
  alertname: string;
  eval_time: string;
  exp_alerts?: ExpAlert[];
}
interface TestGroup {
  alert_rule_test?: AlertCase[];
  promql_expr_test?: Array<{ expr: string }>;
}
interface TestFile {
  rule_files: string[];
  tests: TestGroup[];
}

const tests = testFiles.map((file) => ({ file, doc: parse(readFileSync(file, 'utf8')) as TestFile }));

function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[unit as 'ms' | 's' | 'm' | 'h' | 'd'];
  }
  return total;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    anchors.add(m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return anchors;
}

interface Matcher {
  name: string;
  op: string;
  value: string;
}

function parseMatcher(text: string): Matcher {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"(.*)"\s*$/.exec(text);
  if (!m) throw new Error(`cannot parse matcher ${text}`);
  return { name: m[1]!, op: m[2]!, value: m[3]! };
}

function matches(labels: Record<string, string>, matchers: Matcher[]): boolean {
  return matchers.every(({ name, op, value }) => {
    const v = labels[name] ?? '';
    switch (op) {
      case '=':
        return v === value;
      case '!=':
        return v !== value;
      case '=~':
        return new RegExp(`^(?:${value})$`).test(v);
      default:
        return !new RegExp(`^(?:${value})$`).test(v);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------

describe('alert rules: lint', () => {
  it('finds the rule, alert and test files', () => {
    expect(ruleFiles.map((f) => relative(ROOT, f))).toEqual([
      'rules/classification.rules.yml',
      'rules/drift.rules.yml',
      'rules/operations.rules.yml',
      'rules/regression.rules.yml',
    ]);
    expect(alertFiles.map((f) => relative(ROOT, f))).toEqual(Object.keys(TEAM_OF_FILE).map((n) => `alerts/${n}`));
    expect(alerts.length).toBeGreaterThanOrEqual(20);
  });

  it('gives every alert severity, team (by file), summary, description and a runbook link that exists', () => {
    const anchors = anchorsOf(readFileSync(RUNBOOKS, 'utf8'));
    const problems: string[] = [];
    for (const a of alerts) {
      const where = `${a.file}: ${a.alert}`;
      const team = TEAM_OF_FILE[a.file.replace('alerts/', '')];
      if (!['warning', 'critical'].includes(a.labels?.severity ?? '')) problems.push(`${where}: severity ${a.labels?.severity}`);
      if (a.labels?.team !== team) problems.push(`${where}: team ${a.labels?.team}, expected ${team}`);
      for (const key of ['summary', 'description', 'runbook_url']) {
        if (!a.annotations?.[key]?.trim()) problems.push(`${where}: no ${key}`);
      }
      const url = a.annotations?.runbook_url ?? '';
      if (!url.startsWith(RUNBOOK_BASE)) problems.push(`${where}: runbook_url ${url} does not point into docs/runbooks.md`);
      else if (!anchors.has(url.slice(RUNBOOK_BASE.length))) problems.push(`${where}: no section #${url.slice(RUNBOOK_BASE.length)} in docs/runbooks.md`);
      if (team === 'data' || team === 'ml') {
        const d = a.annotations?.description ?? '';
        // the value is $value, or statistics fetched with a query (the drift decisions are 0/1)
        if (!d.includes('$labels.model') || !(d.includes('$value') || d.includes('| query'))) {
          problems.push(`${where}: description lacks the model or the value`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('tests every alert (and every severity of it): firing, silent, and silent just before firing', () => {
    const problems: string[] = [];
    const variants = [...new Set(alerts.map((a) => `${a.alert}/${a.labels?.severity}`))];
    for (const variant of variants) {
      const [name, severity] = variant.split('/') as [string, string];
      let fires = false;
      let edge = false;
      for (const { doc } of tests) {
        for (const group of doc.tests) {
          const cases = (group.alert_rule_test ?? []).filter((c) => c.alertname === name);
          const firing = cases.filter((c) => (c.exp_alerts ?? []).some((e) => e.exp_labels?.severity === severity));
          const silent = cases.filter((c) => (c.exp_alerts ?? []).length === 0);
          if (firing.length > 0) fires = true;
          if (firing.some((f) => silent.some((s) => seconds(s.eval_time) < seconds(f.eval_time)))) edge = true;
        }
      }
      if (!fires) problems.push(`${variant}: no test case where it fires`);
      if (!edge) problems.push(`${variant}: no silent case before a firing one`);
    }
    expect(problems).toEqual([]);
  });

  it('checks the numbers of every recording rule in a promtool test', () => {
    const exprs = tests.flatMap(({ doc }) => doc.tests.flatMap((g) => (g.promql_expr_test ?? []).map((t) => t.expr)));
    const untested = records.filter((r) => !exprs.some((e) => new RegExp(`(^|[^a-zA-Z0-9_:])${r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-zA-Z0-9_:]|$)`).test(e)));
    expect(records.length).toBeGreaterThan(40);
    expect(untested).toEqual([]);
  });

  it('loads every rule and alert file in some promtool test', () => {
    const loaded = new Set(tests.flatMap(({ file, doc }) => doc.rule_files.map((f) => realpathSync(join(file, '..', f)))));
    expect([...ruleFiles, ...alertFiles].filter((f) => !loaded.has(realpathSync(f)))).toEqual([]);
  });

  it('keeps the labels that inhibition compares on the alerts the tests expect', () => {
    // For inhibit rules with a specific source alert, the `equal` labels must be present on both sides,
    // or the rule silently never matches. (The generic critical-over-warning rule compares labels that
    // many alerts do not have on either side, which counts as equal.)
    const exempt: Record<string, string[]> = {
      // records that could not be attributed to a model have no model label
      ModelwatchRecordsRejected: ['model'],
    };
    const am = parse(readFileSync(AM_CONFIG, 'utf8')) as {
      inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[]; equal: string[] }>;
    };
    const firing: Array<Record<string, string>> = tests.flatMap(({ doc }) =>
      doc.tests.flatMap((g) => (g.alert_rule_test ?? []).flatMap((c) => (c.exp_alerts ?? []).map((e) => ({ alertname: c.alertname, ...e.exp_labels })))),
    );
    const problems: string[] = [];
    let checked = 0;
    for (const rule of am.inhibit_rules) {
      const source = rule.source_matchers.map(parseMatcher);
      if (!source.some((m) => m.name === 'alertname')) continue;
      const target = rule.target_matchers.map(parseMatcher);
      for (const labels of firing) {
        const side = matches(labels, source) ? 'source' : matches(labels, target) ? 'target' : undefined;
        if (!side) continue;
        checked++;
        for (const name of rule.equal) {
          if (!labels[name] && !(exempt[labels.alertname ?? '']?.includes(name) && side === 'target')) {
            problems.push(`${labels.alertname} (${side} of ${rule.source_matchers.join(',')}) lacks ${name}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect([...new Set(problems)]).toEqual([]);
  });

  it('keeps the generated recording-rule tests in step with expected.mjs', () => {
    const result = run(process.execPath, [join(ROOT, 'tests', 'expected.mjs'), '--check']);
    expect(result.status, result.output).toBe(0);
  });

  it("computes PSI in expected.mjs exactly like the exporter's psi()", () => {
    const result = run(process.execPath, [join(ROOT, 'tests', 'expected.mjs'), '--json']);
    expect(result.status, result.output).toBe(0);
    const { drift } = JSON.parse(result.stdout) as { drift: Array<{ cur?: number[]; ref: number[]; psi?: number }> };
    const withPsi = drift.filter((d) => d.psi !== undefined);
    expect(withPsi.length).toBeGreaterThan(4);
    for (const d of withPsi) expect(Math.abs(exporterPsi(d.cur!, d.ref) - d.psi!)).toBeLessThan(1e-12);
  });

  it('ships alertmanager.example.yml as a link to alertmanager/alertmanager.yml', () => {
    expect(realpathSync(join(ROOT, 'alertmanager.example.yml'))).toBe(realpathSync(AM_CONFIG));
  });
});

const gate = programGate([PROMTOOL, AMTOOL], 'The static alert-rule checks');

describe.skipIf(gate.skip)('alert rules: promtool and amtool', () => {
  it('finds promtool and amtool', () => {
    expect(gate.missing, gate.message).toEqual([]);
  });

  it('passes promtool check rules', () => {
    const result = run('promtool', ['check', 'rules', ...ruleFiles, ...alertFiles]);
    expect(result.status, result.output).toBe(0);
    expect(result.output.match(/SUCCESS: \d+ rules found/g)?.length).toBe(ruleFiles.length + alertFiles.length);
  });

  it.each(testFiles.map((f) => relative(ROOT, f)))('passes promtool test rules %s', (file) => {
    const result = run('promtool', ['test', 'rules', file]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('passes amtool check-config, under both names', () => {
    for (const file of [AM_CONFIG, join(ROOT, 'alertmanager.example.yml')]) {
      const result = run('amtool', ['check-config', file]);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toMatch(/4 receivers/);
    }
  });

  const routeCases = readFileSync(join(ROOT, 'alertmanager', 'routes.test.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [receivers, ...labels] = l.split(/\s+/);
      return { receivers: receivers!, labels, text: labels.join(' ') };
    });

  it('has route cases for every receiver', () => {
    const am = parse(readFileSync(AM_CONFIG, 'utf8')) as { receivers: Array<{ name: string }> };
    const covered = new Set(routeCases.flatMap((c) => c.receivers.split(',')));
    expect(am.receivers.map((r) => r.name).filter((r) => !covered.has(r))).toEqual([]);
  });

  it.each(routeCases)('routes $text to $receivers', ({ receivers, labels }) => {
    const result = run('amtool', ['config', 'routes', 'test', `--config.file=${AM_CONFIG}`, `--verify.receivers=${receivers}`, ...labels]);
    expect(result.status, result.output).toBe(0);
    expect(result.stdout.trim()).toBe(receivers);
  });

  it('makes amtool fail a route case with the wrong receiver (the check can fail)', () => {
    const result = run('amtool', ['config', 'routes', 'test', `--config.file=${AM_CONFIG}`, '--verify.receivers=ml', 'team=data', 'alertname=X']);
    expect(result.status).not.toBe(0);
  });

  it('renders the notification templates with the alert context', () => {
    const result = run('amtool', [
      'template',
      'render',
      `--template.glob=${join(ROOT, 'alertmanager', 'templates', '*.tmpl')}`,
      `--template.data=${join(ROOT, 'alertmanager', 'sample-alerts.json')}`,
      '--template.text={{ template "modelwatch.title" . }}\n{{ template "modelwatch.text" . }}',
    ]);
    expect(result.status, result.output).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('[FIRING:1] ModelwatchFeatureDrift · model fraud v3');
    expect(result.stdout).toContain('[WARNING] Feature amount of fraud v3 drifted');
    expect(result.stdout).toContain('model=fraud version=v3 feature=amount window=1h');
    expect(result.stdout).toContain('Statistics: js=0.212, psi=0.310.');
    expect(result.stdout).toContain('Runbook: https://github.com/modelwatch/modelwatch/blob/main/docs/runbooks.md#modelwatchfeaturedrift');
    expect(result.stdout).toContain('[RESOLVED] Feature country of fraud v3 drifted');
    expect(result.stdout).toContain('resolved 2025-01-01 09:45:00 UTC');
  });
});
