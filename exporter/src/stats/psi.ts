/**
 * Population stability index over fixed bins:
 *   PSI = sum_i (c_i - r_i) * ln(c_i / r_i)
 * with c the current and r the reference proportions. A zero proportion on either side is replaced by
 * `epsilon` (default 1e-4) before the term is taken; the other proportions are not renormalised.
 * Both inputs must already be proportions over the same bins (each summing to 1).
 */
export const DEFAULT_PSI_EPSILON = 1e-4;

export function psiTerms(current: ArrayLike<number>, reference: ArrayLike<number>, epsilon = DEFAULT_PSI_EPSILON): number[] {
  if (current.length !== reference.length) {
    throw new RangeError(`PSI needs the same bins on both sides (current ${current.length}, reference ${reference.length})`);
  }
  const terms: number[] = new Array<number>(current.length);
  for (let i = 0; i < current.length; i++) {
    const c = (current[i] as number) > 0 ? (current[i] as number) : epsilon;
    const r = (reference[i] as number) > 0 ? (reference[i] as number) : epsilon;
    terms[i] = (c - r) * Math.log(c / r);
  }
  return terms;
}

export function psi(current: ArrayLike<number>, reference: ArrayLike<number>, epsilon = DEFAULT_PSI_EPSILON): number {
  let sum = 0;
  for (const t of psiTerms(current, reference, epsilon)) sum += t;
  return sum;
}

/** Counts to proportions; an all-zero vector stays all zero (callers decide what an empty window means). */
export function proportions(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  const out = new Array<number>(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = total > 0 ? (counts[i] as number) / total : 0;
  return out;
}
