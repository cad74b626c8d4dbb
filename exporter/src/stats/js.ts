/**
 * Jensen-Shannon distance, base 2, between two distributions over the same bins.
 */
import { pairTotals } from './pair-totals.js';

const LN2 = Math.LN2;

/**
 * f(t) = (1 + t) ln(1 + t) + (1 - t) ln(1 - t) for t in [-1, 1], computed without cancellation: by its
 * series sum_{k>=1} t^2k / (k (2k - 1)) for |t| < 0.25, and 2 ln 2 at t = +-1.
 */
function symmetricEntropyTerm(t: number): number {
  const a = Math.abs(t);
  if (a === 1) return 2 * LN2;
  if (a >= 0.25) return (1 + t) * Math.log1p(t) + (1 - t) * Math.log1p(-t);
  const t2 = t * t;
  let power = t2;
  let sum = t2;
  for (let k = 2; k < 60; k++) {
    power *= t2;
    const term = power / (k * (2 * k - 1));
    sum += term;
    if (term <= 1e-17 * sum) break;
  }
  return sum;
}

/**
 * Jensen-Shannon distance with base-2 logarithms, in [0, 1]:
 *
 *   JS(p, q) = sqrt( (KL(p || m) + KL(q || m)) / 2 ),  m = (p + q) / 2,  KL(a || m) = sum_i a_i log2(a_i / m_i),
 *
 * which is `scipy.spatial.distance.jensenshannon(p, q, base=2)`. Like scipy, each vector is first divided by its
 * sum (so counts work as well as proportions); terms with a_i = 0 contribute 0 and no smoothing is applied, so
 * bins empty on one side are fine. 0 for identical distributions, 1 for disjoint ones.
 *
 * Numerically, each bin contributes m_i f(t_i) / (2 ln 2) with t_i = (p_i - q_i) / (p_i + q_i) and
 * f(t) = (1 + t) ln(1 + t) + (1 - t) ln(1 - t) >= 0, evaluated without cancellation, so the result stays accurate
 * for nearly identical distributions (where the direct formula loses digits before the square root).
 *
 * Returns NaN if either vector sums to 0 (an empty window) or holds a negative or NaN entry; throws RangeError on
 * different lengths.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const totals = pairTotals(p, q, 'Jensen-Shannon needs the same bins on both sides');
  if (!totals) return Number.NaN;
  const [sp, sq] = totals;
  const n = p.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = (p[i] as number) / sp;
    const b = (q[i] as number) / sq;
    const s = a + b;
    if (s === 0) continue;
    sum += (s / 2) * symmetricEntropyTerm((a - b) / s);
  }
  const divergence = sum / (2 * LN2);
  if (!(divergence > 0)) return 0;
  return divergence >= 1 ? 1 : Math.sqrt(divergence);
}
