import React from 'react';
import type { GrafanaTheme2 } from '@grafana/data';
import { formatEdge, formatScore, formatShare, formatTick } from '../data/format';
import type { Feature } from '../data/model';
import { labelStride } from '../data/scale';
import type { DistributionOptions } from '../types';
import { resolveColor } from './colors';
import type { Styles } from './styles';

interface Props {
  feature: Feature;
  options: DistributionOptions;
  theme: GrafanaTheme2;
  styles: Styles;
  width: number;
  height: number;
}

const MARGIN = { left: 46, right: 8, top: 8, bottom: 26 };

/**
 * Cumulative reference and current shares at each bin's upper edge (missing excluded), joined by lines,
 * with the largest vertical gap marked.
 */
export function CdfChart({ feature, options, theme, styles, width, height }: Props): React.ReactElement {
  const cdf = feature.cdf;
  if (!cdf) {
    return (
      <div className={styles.info} data-testid="cdf-unavailable">
        The CDF needs a numeric feature with both reference and production values.
      </div>
    );
  }
  const bins = cdf.binIndex.map((i) => feature.bins[i]);
  const n = bins.length;
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(20, height - MARGIN.top - MARGIN.bottom);
  const x = (boundary: number) => MARGIN.left + (boundary / Math.max(1, n)) * plotW;
  const y = (share: number) => MARGIN.top + (1 - share) * plotH;
  const path = (values: number[]) =>
    [`M${x(0)},${y(0)}`, ...values.map((v, i) => `L${x(i + 1)},${y(v)}`)].join(' ');
  const refColor = resolveColor(theme, options.referenceColor);
  const curColor = resolveColor(theme, options.currentColor);
  const textColor = theme.colors.text.secondary;
  const gapX = x(cdf.gapAt + 1);
  const gapRef = cdf.reference[cdf.gapAt] ?? 0;
  const gapCur = cdf.current[cdf.gapAt] ?? 0;
  const gapBin = bins[cdf.gapAt];
  const gapEdge = gapBin?.upper !== undefined ? `≤ ${formatEdge(gapBin.upper)}` : (gapBin?.label ?? '');
  const stride = labelStride(n, plotW / Math.max(1, n), 44);
  const gapLabel = `KS ${formatScore(cdf.gap)} at ${gapEdge}`;
  const labelLeft = gapX > MARGIN.left + plotW * 0.6;
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={`${feature.displayName}: cumulative distributions; largest gap ${formatScore(cdf.gap)} at ${gapEdge}`}
      data-testid="cdf-chart"
      style={{ display: 'block' }}
    >
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <g key={t}>
          <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} stroke={theme.colors.border.weak} />
          <text x={MARGIN.left - 4} y={y(t) + 4} textAnchor="end" fill={textColor} fontSize={10}>
            {formatTick(t, 'share')}
          </text>
        </g>
      ))}
      {bins.slice(0, -1).map((b, i) =>
        (i + 1) % stride === 0 && b?.upper !== undefined ? (
          <text key={b.key} x={x(i + 1)} y={MARGIN.top + plotH + 16} textAnchor="middle" fill={textColor} fontSize={10}>
            {formatEdge(b.upper)}
          </text>
        ) : null,
      )}
      <path data-testid="cdf-reference" d={path(cdf.reference)} fill="none" stroke={refColor} strokeWidth={2} strokeDasharray="5 3" />
      <path data-testid="cdf-current" d={path(cdf.current)} fill="none" stroke={curColor} strokeWidth={2} />
      <g data-testid="ks-gap">
        <title>{`Largest gap between the CDFs: ${formatScore(cdf.gap)} at ${gapEdge} (reference ${formatShare(gapRef)}, current ${formatShare(gapCur)})`}</title>
        <line x1={gapX} x2={gapX} y1={y(gapRef)} y2={y(gapCur)} stroke={theme.colors.text.primary} strokeWidth={2} />
        <circle cx={gapX} cy={y(gapRef)} r={3} fill={refColor} />
        <circle cx={gapX} cy={y(gapCur)} r={3} fill={curColor} />
        <text
          x={labelLeft ? gapX - 6 : gapX + 6}
          y={(y(gapRef) + y(gapCur)) / 2 + 4}
          textAnchor={labelLeft ? 'end' : 'start'}
          fill={theme.colors.text.primary}
          fontSize={11}
        >
          {gapLabel}
        </text>
      </g>
    </svg>
  );
}
