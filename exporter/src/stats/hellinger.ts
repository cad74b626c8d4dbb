/**
 * Hellinger distance between two distributions over the same bins.
 */
import { pairTotals } from './pair-totals.js';

/**
 * Hellinger distance in [0, 1]:
 *
 *   H(p, q) = sqrt(1 - sum_i sqrt(p_i q_i)),
 *
 * evaluated in the equivalent form sqrt( (1/2) sum_i (sqrt(p_i) - sqrt(q_i))^2 ) (equal when both sum to 1), i.e.
 * numpy's `np.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q))**2))`, with each difference taken as
 * (p_i - q_i) / (sqrt(p_i) + sqrt(q_i)) so that it does not cancel either. Each vector is first
 * divided by its sum (counts work as well as proportions); no smoothing. The direct form
 * sqrt(1 - sum sqrt(p q)) loses about half the digits for nearly identical distributions, where its argument is
 * a tiny difference of numbers near 1.
 *
 * Returns NaN if either vector sums to 0 (an empty window) or holds a negative or NaN entry; throws RangeError on
 * different lengths.
 */
export function hellingerDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const totals = pairTotals(p, q, 'Hellinger needs the same bins on both sides');
  if (!totals) return Number.NaN;
  const [sp, sq] = totals;
  const n = p.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = (p[i] as number) / sp;
    const b = (q[i] as number) / sq;
    const s = Math.sqrt(a) + Math.sqrt(b);
    if (s === 0) continue;
    // sqrt(a) - sqrt(b) without cancellation.
    const d = (a - b) / s;
    sum += d * d;
  }
  const h = Math.sqrt(0.5 * sum);
  return h > 1 ? 1 : h;
}
