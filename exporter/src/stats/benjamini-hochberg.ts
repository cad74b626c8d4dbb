/**
 * Benjamini-Hochberg step-up procedure (false discovery rate control across features).
 */

export interface BenjaminiHochbergResult {
  /** rejected[i]: hypothesis i is rejected (feature i flagged) at FDR level q. False for NaN inputs. */
  rejected: boolean[];
  /** BH-adjusted p-values (statsmodels `fdr_bh` / `scipy.stats.false_discovery_control`); NaN for NaN inputs. */
  adjusted: Float64Array;
  /** Number of hypotheses tested (non-NaN p-values), the m of the procedure. */
  tested: number;
}

/**
 * Benjamini-Hochberg at level q over the non-NaN p-values (NaN = not tested, ignored and never rejected).
 * With p_(1) <= ... <= p_(m) the sorted tested p-values:
 * - rejected: all hypotheses with p <= p_(k*), k* = max { k : p_(k) <= (k / m) q } (none if there is no such k);
 * - adjusted: p~_(k) = min_{j >= k} min(1, p_(j) / (j / m)), so rejected[i] is (up to rounding) adjusted[i] <= q.
 * Same as statsmodels `multipletests(p, q, method='fdr_bh')` and `scipy.stats.false_discovery_control(p)`.
 * Under independence (or positive dependence) the expected share of false discoveries is at most
 * q m0 / m; under the global null it equals the family-wise error rate, so P(any rejection) <= q.
 * Throws RangeError for q outside (0, 1] or a p-value outside [0, 1].
 */
export function benjaminiHochberg(pValues: ArrayLike<number>, q = 0.05): BenjaminiHochbergResult {
  if (!(q > 0 && q <= 1)) throw new RangeError(`FDR level must be in (0, 1], got ${q}`);
  const total = pValues.length;
  const rejected = new Array<boolean>(total).fill(false);
  const adjusted = new Float64Array(total).fill(Number.NaN);
  const order: number[] = [];
  for (let i = 0; i < total; i++) {
    const p = pValues[i] as number;
    if (Number.isNaN(p)) continue;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must be in [0, 1], got ${p} at ${i}`);
    order.push(i);
  }
  const m = order.length;
  if (m === 0) return { rejected, adjusted, tested: 0 };
  order.sort((x, y) => (pValues[x] as number) - (pValues[y] as number) || x - y);
  let lastRejected = -1;
  for (let k = 0; k < m; k++) {
    const p = pValues[order[k] as number] as number;
    if (p <= ((k + 1) / m) * q) lastRejected = k;
  }
  for (let k = 0; k <= lastRejected; k++) rejected[order[k] as number] = true;
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const index = order[k] as number;
    const raw = (pValues[index] as number) / ((k + 1) / m);
    if (raw < running) running = raw;
    adjusted[index] = running;
  }
  return { rejected, adjusted, tested: m };
}
