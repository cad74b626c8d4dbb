/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for assertions: every sample line must
 * parse (label values unescaped), and `# TYPE` lines give each family's type. Syntax is additionally
 * checked by Prometheus's own parser through `promtool check metrics` in the system tests.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  /** The first sample of `name` whose labels include all of `labels`. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  all(name: string, labels?: Record<string, string>): Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  const n = Number(v);
  if (Number.isNaN(n)) throw new Error(`bad sample value ${v}`);
  return n;
}

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const t = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (t) types.set(t[1] as string, t[2] as string);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const l = LABEL.exec(body);
      if (!l) throw new Error(`unparseable labels in: ${line}`);
      labels[l[1] as string] = unescape(l[2] as string);
    }
    samples.push({ name: m[1] as string, labels, value: parseValue(m[3] as string) });
  }
  const matches = (s: Sample, name: string, labels: Record<string, string>) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  return {
    samples,
    types,
    value: (name, labels = {}) => samples.find((s) => matches(s, name, labels))?.value,
    all: (name, labels = {}) => samples.filter((s) => matches(s, name, labels)),
  };
}
