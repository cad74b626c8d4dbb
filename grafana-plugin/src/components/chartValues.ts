import { formatCount, formatScore, formatShare } from '../data/format';
import type { Bin, Feature } from '../data/model';
import type { Normalization } from '../types';

/** Bar values of a bin under a normalisation: shares, or counts with the reference scaled to the current total. */
export interface BarValues {
  current: number;
  reference: number | null;
}

/** Counts need production values; without them the chart falls back to shares. */
export function effectiveNormalization(feature: Feature, wanted: Normalization): Normalization {
  return wanted === 'count' && feature.total > 0 ? 'count' : 'share';
}

export function barValues(bin: Bin, feature: Feature, normalization: Normalization): BarValues {
  if (normalization === 'count') {
    return { current: bin.count, reference: bin.referenceShare === null ? null : bin.referenceShare * feature.total };
  }
  return { current: bin.currentShare, reference: bin.referenceShare };
}

/** Tooltip text with exact counts and shares. */
export function binTooltip(bin: Bin, feature: Feature): string {
  const lines = [bin.kind === 'numeric' ? `${feature.displayName} ${bin.label}` : `${feature.displayName} = ${bin.label}`];
  if (bin.referenceShare !== null) {
    const expected = feature.total > 0 ? ` (expected ${formatCount(bin.referenceShare * feature.total)} of ${formatCount(feature.total)})` : '';
    lines.push(`reference: ${formatShare(bin.referenceShare)}${expected}`);
  } else {
    lines.push('reference: not in the results');
  }
  lines.push(`current: ${formatShare(bin.currentShare)} (${formatCount(bin.count)} of ${formatCount(feature.total)})`);
  if (bin.psiTerm !== null) lines.push(`PSI term: ${formatScore(bin.psiTerm)}`);
  return lines.join('\n');
}

/** One-line accessible label of a bin. */
export function binAriaLabel(bin: Bin): string {
  const ref = bin.referenceShare === null ? 'reference missing' : `reference ${formatShare(bin.referenceShare)}`;
  const term = bin.psiTerm === null ? '' : `, PSI term ${formatScore(bin.psiTerm)}`;
  return `${bin.label}: ${ref}, current ${formatShare(bin.currentShare)} (${formatCount(bin.count)})${term}`;
}
