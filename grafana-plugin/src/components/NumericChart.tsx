import React from 'react';
import type { GrafanaTheme2 } from '@grafana/data';
import { formatEdge, formatScore, formatTick } from '../data/format';
import type { Bin, Feature } from '../data/model';
import { labelStride, linearScale, logScale, truncate, type Scale } from '../data/scale';
import type { DistributionOptions } from '../types';
import { barValues, binAriaLabel, binTooltip, effectiveNormalization } from './chartValues';
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

const MARGIN = { left: 46, right: 8, top: 8, axis: 30 };
/** The `missing` bin sits apart, this many slot widths to the right of the last numeric bin. */
const MISSING_GAP = 0.6;

/** Reference vs current bars per reference bin (overlaid or mirrored), `missing` apart, PSI terms below. */
export function NumericChart({ feature, options, theme, styles, width, height }: Props): React.ReactElement {
  const normalization = effectiveNormalization(feature, options.normalization);
  const refColor = resolveColor(theme, options.referenceColor);
  const curColor = resolveColor(theme, options.currentColor);
  const contribColor = resolveColor(theme, options.contributionColor);
  const gridColor = theme.colors.border.weak;
  const textColor = theme.colors.text.secondary;

  const regular = feature.bins.filter((b) => b.kind !== 'missing');
  const missing = feature.bins.find((b) => b.kind === 'missing');
  const showContrib = options.showContributions && feature.bins.some((b) => b.psiTerm !== null);
  const contribH = showContrib ? Math.max(36, Math.min(90, Math.round(height * 0.22))) : 0;
  const mainH = Math.max(20, height - MARGIN.top - MARGIN.axis - (showContrib ? contribH + 8 : 0));
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const slots = regular.length + (missing ? 1 + MISSING_GAP : 0);
  const slotW = plotW / Math.max(1, slots);
  const slotX = (bin: Bin) => {
    const i = regular.indexOf(bin);
    return MARGIN.left + (i >= 0 ? i : regular.length + MISSING_GAP) * slotW;
  };

  const mirrored = options.barStyle === 'mirrored';
  const values = feature.bins.map((b) => barValues(b, feature, normalization));
  const all = values.flatMap((v) => (v.reference === null ? [v.current] : [v.current, v.reference]));
  const span = mirrored ? mainH / 2 - 2 : mainH;
  const scale: Scale = options.logScale ? logScale(all, span) : linearScale(Math.max(0, ...all), span, mirrored ? 2 : 4);
  const baseline = MARGIN.top + mainH;
  const mid = MARGIN.top + mainH / 2;

  const ticks = scale.ticks.filter((t) => !(scale.log && t > scale.max));
  const axisY = (t: number, down = false) => (mirrored ? (down ? mid + 2 + scale(t) : mid - 2 - scale(t)) : baseline - scale(t));

  const perBarLabels = slotW >= 72;
  const stride = labelStride(regular.length, slotW, 44);
  const labelY = baseline + 16;

  const maxTerm = Math.max(0, ...feature.bins.map((b) => b.psiTerm ?? 0));
  const contribTop = baseline + MARGIN.axis + 8;
  const contribSpan = contribH - 14;

  const summary =
    `${feature.displayName}: reference and current distribution over ${regular.length} bins` +
    (missing ? ' plus missing' : '') +
    (feature.scores.psi !== null ? `, PSI ${formatScore(feature.scores.psi)}` : '');

  return (
    <svg
      width={width}
      height={height}
      role="list"
      aria-label={summary}
      data-testid="numeric-chart"
      data-style={mirrored ? 'mirrored' : 'overlay'}
      style={{ display: 'block' }}
    >
      {ticks.map((t) => (
        <g key={`t${t}`} aria-hidden="true">
          <line x1={MARGIN.left} x2={width - MARGIN.right} y1={axisY(t)} y2={axisY(t)} stroke={gridColor} />
          <text x={MARGIN.left - 4} y={axisY(t) + 4} textAnchor="end" fill={textColor} fontSize={10}>
            {formatTick(t, normalization)}
          </text>
          {mirrored && scale(t) > 0 && (
            <>
              <line x1={MARGIN.left} x2={width - MARGIN.right} y1={axisY(t, true)} y2={axisY(t, true)} stroke={gridColor} />
              <text x={MARGIN.left - 4} y={axisY(t, true) + 4} textAnchor="end" fill={textColor} fontSize={10}>
                {formatTick(t, normalization)}
              </text>
            </>
          )}
        </g>
      ))}
      {mirrored && (
        <g aria-hidden="true">
          <text x={width - MARGIN.right} y={MARGIN.top + 10} textAnchor="end" fill={textColor} fontSize={10}>
            current ↑
          </text>
          <text x={width - MARGIN.right} y={baseline - 2} textAnchor="end" fill={textColor} fontSize={10}>
            reference ↓
          </text>
        </g>
      )}
      {feature.bins.map((bin, i) => {
        const v = values[i] as { current: number; reference: number | null };
        const x = slotX(bin);
        const cur = scale(v.current);
        const ref = v.reference === null ? 0 : scale(v.reference);
        return (
          <g
            key={bin.key}
            className={styles.bin}
            role="listitem"
            aria-label={binAriaLabel(bin)}
            tabIndex={0}
            data-testid={bin.kind === 'missing' ? 'missing-bin' : 'bin'}
            data-bin={bin.key}
          >
            <title>{binTooltip(bin, feature)}</title>
            <rect className="mw-hit" x={x} y={MARGIN.top} width={slotW} height={mainH} fill="transparent" />
            {mirrored ? (
              <>
                {v.reference !== null && (
                  <rect data-testid="bar-reference" x={x + slotW * 0.15} y={mid + 2} width={slotW * 0.7} height={ref} fill={refColor} fillOpacity={0.8} />
                )}
                <rect data-testid="bar-current" x={x + slotW * 0.15} y={mid - 2 - cur} width={slotW * 0.7} height={cur} fill={curColor} />
              </>
            ) : (
              <>
                {v.reference !== null && (
                  <rect
                    data-testid="bar-reference"
                    x={x + slotW * 0.08}
                    y={baseline - ref}
                    width={slotW * 0.84}
                    height={ref}
                    fill={refColor}
                    fillOpacity={0.3}
                    stroke={refColor}
                    strokeWidth={1}
                  />
                )}
                <rect data-testid="bar-current" x={x + slotW * 0.28} y={baseline - cur} width={slotW * 0.44} height={cur} fill={curColor} />
              </>
            )}
            {showContrib && bin.psiTerm !== null && (
              <rect
                data-testid="contribution-bar"
                x={x + slotW * 0.2}
                y={contribTop + contribSpan - (maxTerm > 0 ? (bin.psiTerm / maxTerm) * contribSpan : 0)}
                width={slotW * 0.6}
                height={maxTerm > 0 ? (bin.psiTerm / maxTerm) * contribSpan : 0}
                fill={contribColor}
              />
            )}
          </g>
        );
      })}
      <line
        aria-hidden="true"
        x1={MARGIN.left}
        x2={width - MARGIN.right}
        y1={mirrored ? mid : baseline}
        y2={mirrored ? mid : baseline}
        stroke={theme.colors.border.strong}
      />
      <g aria-hidden="true" data-testid="x-labels">
        {perBarLabels
          ? regular.map((bin) => (
              <text key={bin.key} x={slotX(bin) + slotW / 2} y={labelY} textAnchor="middle" fill={textColor} fontSize={10}>
                {truncate(bin.label, slotW - 4, 10)}
              </text>
            ))
          : regular.slice(1).map((bin, j) =>
              (j + 1) % stride === 0 && bin.lower !== undefined ? (
                <text key={bin.key} x={slotX(bin)} y={labelY} textAnchor="middle" fill={textColor} fontSize={10}>
                  {formatEdge(bin.lower)}
                </text>
              ) : null,
            )}
        {missing && (
          <text x={slotX(missing) + slotW / 2} y={labelY} textAnchor="middle" fill={textColor} fontSize={10}>
            missing
          </text>
        )}
      </g>
      {showContrib && (
        <g aria-hidden="true" data-testid="contribution-axis">
          <line x1={MARGIN.left} x2={width - MARGIN.right} y1={contribTop + contribSpan} y2={contribTop + contribSpan} stroke={gridColor} />
          <text x={MARGIN.left - 4} y={contribTop + 8} textAnchor="end" fill={textColor} fontSize={10}>
            {formatScore(maxTerm)}
          </text>
          <text x={MARGIN.left} y={contribTop - 2} fill={textColor} fontSize={10}>
            PSI contribution per bin
          </text>
        </g>
      )}
    </svg>
  );
}
