/**
 * Totals of two non-negative vectors over the same bins, for distances that normalise their inputs.
 * Undefined when either holds a negative or NaN entry or does not sum to a positive finite number; throws
 * RangeError on different lengths, with `mismatch` (the caller's message) and the two lengths.
 */
export function pairTotals(p: ArrayLike<number>, q: ArrayLike<number>, mismatch: string): [number, number] | undefined {
  const n = p.length;
  if (q.length !== n) throw new RangeError(`${mismatch} (${n} vs ${q.length})`);
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const a = p[i] as number;
    const b = q[i] as number;
    if (!(a >= 0 && b >= 0)) return undefined;
    sp += a;
    sq += b;
  }
  if (!(sp > 0 && sq > 0) || !Number.isFinite(sp) || !Number.isFinite(sq)) return undefined;
  return [sp, sq];
}
