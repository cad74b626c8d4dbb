/**
 * Quantiles of an ascending-sorted sample with numpy's default ("linear",
 * Hyndman & Fan type 7) interpolation: h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * simple-statistics uses a different definition, so this one is written out.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const loValue = sorted[lo] as number;
  if (lo >= n - 1) return sorted[n - 1] as number;
  const hiValue = sorted[lo + 1] as number;
  const frac = h - lo;
  // Same form as numpy's `_lerp`, which keeps exact endpoints.
  const diff = hiValue - loValue;
  const value = loValue + diff * frac;
  return frac >= 0.5 ? hiValue - diff * (1 - frac) : value;
}

/** Sorts finite numbers ascending into a new Float64Array (typed-array sort is numeric and fast). */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) count++;
  const out = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out[j++] = v;
  }
  return out.sort();
}
