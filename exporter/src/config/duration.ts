/**
 * Durations in Prometheus notation: one or more `<number><unit>` terms, units ms, s, m, h, d, w, y
 * (e.g. `90s`, `5m`, `1h30m`, `24h`). Returned in milliseconds.
 */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

const TERM = /(\d+)(ms|s|m|h|d|w|y)/y;

export function parseDuration(text: string): number {
  if (typeof text !== 'string' || text.length === 0) throw new Error('empty duration');
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < text.length) {
    const start = TERM.lastIndex;
    const m = TERM.exec(text);
    if (!m) {
      throw new Error(`invalid duration "${text}" at "${text.slice(start)}": use Prometheus notation such as 30s, 5m, 1h or 1h30m`);
    }
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  if (total <= 0) throw new Error(`duration "${text}" must be greater than zero`);
  return total;
}

/** Canonical spelling of a millisecond duration (largest units first), e.g. 5400000 -> "1h30m". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  let rest = ms;
  let out = '';
  for (const unit of order) {
    const size = UNIT_MS[unit] as number;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
