/**
 * Kolmogorov–Smirnov distance between two distributions known only as counts (or shares) over the same
 * ordered bins: D_binned = max_k |C_k − R_k|, with C and R the cumulative shares at each bin's upper edge.
 * Both sides are normalised first; the last point is 1 on both sides. On the same underlying values,
 * D_binned ≤ the exact two-sample KS statistic (the maximum is taken over fewer points): it is what
 * PromQL-style and panel views can compute from bin counters, while the exporter's `ks` uses samples.
 */
export interface BinnedCdfGap {
  current: number[];
  reference: number[];
  /** Largest gap and the bin (index into the inputs) where it occurs; NaN / -1 when a side is empty. */
  gap: number;
  gapAt: number;
}

export function binnedCdfGap(current: ArrayLike<number>, reference: ArrayLike<number>): BinnedCdfGap {
  if (current.length !== reference.length) throw new RangeError(`binned KS needs the same bins on both sides (${current.length} vs ${reference.length})`);
  let tc = 0;
  let tr = 0;
  for (let i = 0; i < current.length; i++) {
    tc += current[i] as number;
    tr += reference[i] as number;
  }
  const cur: number[] = [];
  const ref: number[] = [];
  if (!(tc > 0 && tr > 0)) return { current: cur, reference: ref, gap: Number.NaN, gapAt: -1 };
  let c = 0;
  let r = 0;
  let gap = -1;
  let gapAt = 0;
  const last = current.length - 1;
  for (let k = 0; k <= last; k++) {
    c += current[k] as number;
    r += reference[k] as number;
    const ck = k === last ? 1 : Math.min(1, c / tc);
    const rk = k === last ? 1 : Math.min(1, r / tr);
    cur.push(ck);
    ref.push(rk);
    const d = Math.abs(ck - rk);
    if (d > gap + 1e-15) {
      gap = d;
      gapAt = k;
    }
  }
  return { current: cur, reference: ref, gap: Math.max(0, gap), gapAt };
}
