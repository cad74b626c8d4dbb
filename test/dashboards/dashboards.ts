/**
 * Reading the committed dashboards for the tests: their panels, queries and variables, the metric contract
 * in docs/metrics.md, the recording rules in alert-rules/rules/, and Grafana's variable syntax.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO = join(import.meta.dirname, '..', '..');
export const DASHBOARD_DIR = join(REPO, 'dashboards');
export const DASHBOARD_FILES = ['overview.json', 'model.json', 'operations.json'] as const;
export const DS_REF = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
export const PLUGIN_TYPE = 'modelwatch-distribution-panel';

export interface Target {
  refId: string;
  expr: string;
  datasource?: unknown;
  format?: string;
  instant?: boolean;
  range?: boolean;
  legendFormat?: string;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: unknown;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
  options?: Record<string, unknown>;
  fieldConfig?: { defaults?: Record<string, unknown>; overrides?: unknown[] };
  transformations?: unknown[];
}

export interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
  definition?: string;
  datasource?: unknown;
  multi?: boolean;
  includeAll?: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  tags: string[];
  panels: Panel[];
  templating: { list: Variable[] };
  links: Array<Record<string, unknown>>;
  annotations?: { list: Array<Record<string, unknown>> };
  [key: string]: unknown;
}

export interface LoadedDashboard {
  file: string;
  text: string;
  json: Dashboard;
}

export function loadDashboards(): LoadedDashboard[] {
  return DASHBOARD_FILES.map((file) => {
    const text = readFileSync(join(DASHBOARD_DIR, file), 'utf8');
    return { file, text, json: JSON.parse(text) as Dashboard };
  });
}

/** Every panel, rows' nested (collapsed) panels included. */
export function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export interface PanelQuery {
  file: string;
  panel: Panel;
  target: Target;
  /** e.g. `model.json "Features by drift" C` */
  where: string;
}

export function panelQueries(d: LoadedDashboard): PanelQuery[] {
  return allPanels(d.json).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ file: d.file, panel, target, where: `${d.file} "${panel.title}" ${target.refId}` })),
  );
}

export function variableQuery(v: Variable): string | undefined {
  if (v.type !== 'query') return undefined;
  return typeof v.query === 'string' ? v.query : v.query?.query;
}

// ---------------------------------------------------------------------------------------------------------
// Grafana variables

/** Variables Grafana defines itself (https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/#global-variables). */
export const BUILTIN_VARIABLES = new Set([
  '__all',
  '__dashboard',
  '__data',
  '__field',
  '__from',
  '__interval',
  '__interval_ms',
  '__name',
  '__org',
  '__range',
  '__range_ms',
  '__range_s',
  '__rate_interval',
  '__rate_interval_ms',
  '__series',
  '__timeFilter',
  '__to',
  '__url_time_range',
  '__user',
  '__value',
]);

/** Names of the variables a string refers to: `$name`, `${name}`, `${name:format}`, `${name.path}`, `[[name]]`. */
export function variableRefs(text: string): string[] {
  const names: string[] = [];
  const re = /\$(\w+)|\$\{(\w+)(?:[.:][^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]/g;
  for (const m of text.matchAll(re)) names.push((m[1] ?? m[2] ?? m[3]) as string);
  return names;
}

/** Every string in a JSON value, with its path. */
export function strings(value: unknown, path: string[] = []): Array<{ path: string[]; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

/** Every object in a JSON value with its path. */
export function objects(value: unknown, path: string[] = []): Array<{ path: string[]; obj: Record<string, unknown> }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => objects(v, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return [
      { path, obj: value as Record<string, unknown> },
      ...Object.entries(value).flatMap(([k, v]) => objects(v, [...path, k])),
    ];
  }
  return [];
}

/**
 * Replaces the variables of a query with concrete values, as Grafana would before sending it. Throws on a
 * variable without a value, so that no query reaches Prometheus half-substituted.
 */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)/g, (_m, braced: string | undefined, plain: string | undefined) => {
    const name = (braced ?? plain) as string;
    const v = values[name];
    if (v === undefined) throw new Error(`no value for $${name} in: ${expr}`);
    return v;
  });
}

// ---------------------------------------------------------------------------------------------------------
// metric names

export interface DocumentedFamily {
  name: string;
  type: string;
  labels: string[];
}

/**
 * The families in the tables of docs/metrics.md (`| \`name\` | type | labels | meaning |`). A row may name
 * several families, later ones abbreviated: `\`a_b_read_bytes_total\`, \`..._written_bytes_total\`` is
 * a_b_read_bytes_total and a_b_written_bytes_total (the abbreviation replaces as many trailing name parts
 * as it has).
 */
export function documentedFamilies(text: string = readFileSync(join(REPO, 'docs', 'metrics.md'), 'utf8')): Map<string, DocumentedFamily> {
  const out = new Map<string, DocumentedFamily>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('| `modelwatch_')) continue;
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
    const [namesCell = '', type = '', labelsCell = ''] = cells;
    const names = [...namesCell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
    const first = names[0] as string;
    const labels = labelsCell
      .split(',')
      .map((s) => s.trim())
      .filter((s) => /^[a-z_]+$/.test(s));
    for (const n of names) {
      let name = n;
      if (n.startsWith('..._')) {
        const tail = n.slice(4).split('_');
        const parts = first.split('_');
        name = [...parts.slice(0, parts.length - tail.length), ...tail].join('_');
      }
      out.set(name, { name, type, labels });
    }
  }
  return out;
}

export interface RecordingRule {
  record: string;
  expr: string;
}

export function recordingRules(): RecordingRule[] {
  const dir = join(REPO, 'alert-rules', 'rules');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.yml'))
    .sort()
    .flatMap((n) => {
      const doc = parse(readFileSync(join(dir, n), 'utf8')) as { groups?: Array<{ rules?: Array<{ record?: string; expr?: string }> }> };
      return (doc.groups ?? []).flatMap((g) => g.rules ?? []).filter((r): r is RecordingRule => typeof r.record === 'string' && typeof r.expr === 'string');
    });
}

const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;

/** Identifiers in a PromQL expression, string literals removed (label values are not metric names). */
export function identifiers(expr: string): string[] {
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  return [...noStrings.matchAll(NAME)].map((m) => m[0]);
}

/** The recording-rule names an expression uses. */
export function recordedNamesIn(expr: string, rules: RecordingRule[]): string[] {
  const names = new Set(rules.map((r) => r.record));
  return [...new Set(identifiers(expr).filter((id) => names.has(id)))];
}

/** `modelwatch_*` metric names an expression reads directly (recording-rule names stripped). */
export function modelwatchNamesIn(expr: string, rules: RecordingRule[]): string[] {
  const recorded = new Set(rules.map((r) => r.record));
  return [...new Set(identifiers(expr).filter((id) => !recorded.has(id) && id.startsWith('modelwatch_')))];
}

/** Names that look like recording-rule results of modelwatch metrics (`level:metric:operations`) but no rule records. */
export function unknownRecordedNamesIn(expr: string, rules: RecordingRule[]): string[] {
  const recorded = new Set(rules.map((r) => r.record));
  return [...new Set(identifiers(expr).filter((id) => id.includes(':') && id.includes('modelwatch_') && !recorded.has(id)))];
}

/** The `modelwatch_*` families a recording rule is built from, through the rules it reads in turn. */
export function recordInputs(record: string, rules: RecordingRule[], seen: Set<string> = new Set()): string[] {
  if (seen.has(record)) return [];
  seen.add(record);
  const exprs = rules.filter((r) => r.record === record).map((r) => r.expr);
  return [
    ...new Set(
      exprs.flatMap((expr) => [...modelwatchNamesIn(expr, rules), ...recordedNamesIn(expr, rules).flatMap((r) => recordInputs(r, rules, seen))]),
    ),
  ];
}

/**
 * The documented family a series name belongs to: itself, or for `_bucket`/`_sum`/`_count` the histogram
 * it comes from. Undefined when the name is not in the contract.
 */
export function familyOf(name: string, documented: Map<string, DocumentedFamily>): DocumentedFamily | undefined {
  const direct = documented.get(name);
  if (direct) return direct;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  const base = m ? documented.get(m[1] as string) : undefined;
  return base && base.type === 'histogram' ? base : undefined;
}

/** Label names in the selectors `name{a="..", b=~".."}` of an expression, per metric name. */
export function selectorLabels(expr: string): Array<{ metric: string; labels: string[] }> {
  const out: Array<{ metric: string; labels: string[] }> = [];
  for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
    const body = (m[2] as string).replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const labels = [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1] as string);
    out.push({ metric: m[1] as string, labels });
  }
  return out;
}
