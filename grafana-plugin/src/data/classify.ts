/**
 * Which query holds what. A query (refId) is recognised, in this order, by
 *   1. the panel options naming its refId explicitly,
 *   2. the metric name on its series (`__name__`, kept when the query selects the metric without aggregating),
 *   3. the metric name in its query text,
 *   4. its labels: `lower`/`upper` → reference, `method` → drift score, `test` → p-value,
 *      `bin` alone → production counts (for one query only; a second such query is reported, not guessed).
 */
import {
  CURRENT_METRIC,
  DRIFTED_METRIC,
  DRIFT_METRIC,
  P_VALUE_METRIC,
  REFERENCE_METRIC,
} from './metrics';
import type { Sample } from './series';

export type Role = 'current' | 'reference' | 'drift' | 'pValue' | 'drifted';

export interface UnrecognisedQuery {
  refId: string;
  series: number;
  labelNames: string[];
}

export interface Classified {
  current: Sample[];
  reference: Sample[];
  drift: Sample[];
  pValue: Sample[];
  drifted: Sample[];
  unrecognised: UnrecognisedQuery[];
  notes: string[];
}

export interface ClassifyOverrides {
  /** refId of the production-count query, '' for automatic. */
  current?: string;
  /** refId of the reference query, '' for automatic. */
  reference?: string;
}

const ROLE_BY_METRIC: ReadonlyArray<[string, Role]> = [
  [CURRENT_METRIC, 'current'],
  [REFERENCE_METRIC, 'reference'],
  [P_VALUE_METRIC, 'pValue'],
  [DRIFTED_METRIC, 'drifted'],
  [DRIFT_METRIC, 'drift'],
];

const ROLE_LABEL: Record<Role, string> = {
  current: 'production counts',
  reference: 'reference shares',
  drift: 'drift scores',
  pValue: 'p-values',
  drifted: 'drift decisions',
};

export function roleLabel(role: Role): string {
  return ROLE_LABEL[role];
}

function roleOfMetric(name: string | undefined): Role | undefined {
  if (!name) return undefined;
  for (const [metric, role] of ROLE_BY_METRIC) if (name === metric) return role;
  return undefined;
}

/** Roles whose metric name occurs in a query text (as a whole name, so `..._drift` does not match `..._drifted`). */
export function rolesInQuery(text: string): Role[] {
  const roles: Role[] = [];
  for (const [metric, role] of ROLE_BY_METRIC) {
    const re = new RegExp(`(^|[^a-zA-Z0-9_:])${metric}(?![a-zA-Z0-9_:])`);
    if (re.test(text)) roles.push(role);
  }
  return roles;
}

function roleFromLabels(samples: readonly Sample[]): Role | 'current?' | undefined {
  const has = (name: string) => samples.some((s) => s.labels[name] !== undefined);
  if (has('lower') || has('upper')) return 'reference';
  if (has('method')) return 'drift';
  if (has('test')) return 'pValue';
  if (samples.length > 0 && samples.every((s) => s.labels.bin !== undefined)) return 'current?';
  return undefined;
}

export function classify(
  samples: readonly Sample[],
  queryText: ReadonlyMap<string, string>,
  overrides: ClassifyOverrides = {},
): Classified {
  const out: Classified = { current: [], reference: [], drift: [], pValue: [], drifted: [], unrecognised: [], notes: [] };
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const g = groups.get(s.refId);
    if (g) g.push(s);
    else groups.set(s.refId, [s]);
  }
  const current = overrides.current?.trim() ?? '';
  const reference = overrides.reference?.trim() ?? '';
  let guessedCurrent: string | undefined;

  for (const [refId, group] of groups) {
    let groupRole: Role | undefined;
    if (current && refId === current) groupRole = 'current';
    else if (reference && refId === reference) groupRole = 'reference';

    const unnamed: Sample[] = [];
    for (const s of group) {
      const named = groupRole ? undefined : roleOfMetric(s.labels.__name__);
      if (named) out[named].push(s);
      else unnamed.push(s);
    }
    if (unnamed.length === 0) continue;

    if (!groupRole) {
      const inText = rolesInQuery(queryText.get(refId) ?? '');
      if (inText.length === 1) groupRole = inText[0];
    }
    if (!groupRole) {
      const fromLabels = roleFromLabels(unnamed);
      if (fromLabels === 'current?') {
        if (guessedCurrent === undefined && !current) {
          guessedCurrent = refId;
          groupRole = 'current';
        } else {
          out.notes.push(
            `Query ${refId || '(no refId)'} looks like production counts too; it is ignored. ` +
              `Name the queries in the panel options (Current query / Reference query).`,
          );
        }
      } else if (fromLabels) {
        groupRole = fromLabels;
      }
    }
    if (groupRole) {
      out[groupRole].push(...unnamed);
    } else {
      const names = new Set<string>();
      for (const s of unnamed) for (const k of Object.keys(s.labels)) names.add(k);
      out.unrecognised.push({ refId, series: unnamed.length, labelNames: [...names].sort() });
    }
  }
  if (out.current.some((s) => s.labels.__name__ === CURRENT_METRIC)) {
    out.notes.push(
      `Production counts are the raw counter ${CURRENT_METRIC} (totals since the exporter started). ` +
        `Wrap it in increase(...[$__range]) to follow the dashboard's time range.`,
    );
  }
  return out;
}
