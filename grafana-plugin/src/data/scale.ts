/** Scales and ticks for the charts (pure). */

export interface Scale {
  /** Pixel offset from the baseline for a value (0..range). */
  (value: number): number;
  ticks: number[];
  max: number;
  log: boolean;
}

/** 1, 2, 2.5 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= raw - 1e-12 * pow) return m * pow;
  return 10 * pow;
}

/** Linear scale from 0 to a nice maximum at least `max`, with about `count` ticks. */
export function linearScale(max: number, range: number, count = 4): Scale {
  const step = niceStep((max > 0 ? max : 1) / count);
  const top = Math.max(step, Math.ceil((max > 0 ? max : 1) / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  const scale = ((value: number) => (value <= 0 ? 0 : (Math.min(value, top) / top) * range)) as Scale;
  scale.ticks = ticks;
  scale.max = top;
  scale.log = false;
  return scale;
}

/** Exact power of ten (10 ** -4 is not exactly 1e-4 in floating point). */
function pow10(exponent: number): number {
  return Number(`1e${exponent}`);
}

/**
 * Log10 scale from a power of ten strictly below the smallest positive value (so it still has a visible bar)
 * up to the power of ten at or above the largest, spanning at most six decades. Values at or below the
 * bottom have no height.
 */
export function logScale(values: readonly number[], range: number): Scale {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const max = positive.length > 0 ? Math.max(...positive) : 1;
  const smallest = positive.length > 0 ? Math.min(...positive) : max / 10;
  const topExp = Math.ceil(Math.log10(max) - 1e-9);
  let bottomExp = Math.ceil(Math.log10(smallest) - 1e-9) - 1;
  bottomExp = Math.max(Math.min(bottomExp, topExp - 1), topExp - 6);
  const top = pow10(topExp);
  const bottom = pow10(bottomExp);
  const span = topExp - bottomExp;
  const ticks: number[] = [];
  for (let e = bottomExp; e <= topExp; e++) ticks.push(pow10(e));
  const scale = ((value: number) => {
    if (!(value > bottom)) return 0;
    return ((Math.log10(Math.min(value, top)) - bottomExp) / span) * range;
  }) as Scale;
  scale.ticks = ticks;
  scale.max = top;
  scale.log = true;
  return scale;
}

/** Every k-th label so that labels of `labelWidth` px fit in `slots` slots of `slotWidth` px. */
export function labelStride(slots: number, slotWidth: number, labelWidth: number): number {
  if (slots <= 0 || slotWidth <= 0) return 1;
  return Math.max(1, Math.ceil(labelWidth / slotWidth));
}

/** Cuts text to about `maxWidth` px at `fontSize` (average glyph ≈ 0.58 em), with an ellipsis. */
export function truncate(text: string, maxWidth: number, fontSize: number): string {
  const fits = Math.floor(maxWidth / (fontSize * 0.58));
  if (text.length <= fits) return text;
  if (fits <= 1) return '…';
  return `${text.slice(0, fits - 1)}…`;
}
