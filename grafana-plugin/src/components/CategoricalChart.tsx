import React, { useState } from 'react';
import type { GrafanaTheme2 } from '@grafana/data';
import { formatCount, formatScore, formatShare, formatTick } from '../data/format';
import type { Bin, Feature } from '../data/model';
import { linearScale, logScale, truncate } from '../data/scale';
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

export const ROW_HEIGHT = 22;
const HEAD_HEIGHT = 22;

/**
 * Reference vs current share per category (incl. `__other__`, `__unseen__`, `missing`), largest PSI
 * contribution first. Past `maxCategories` the rest folds into one row that can be expanded; the list scrolls.
 */
export function CategoricalChart({ feature, options, theme, styles, width, height }: Props): React.ReactElement {
  const [expanded, setExpanded] = useState(false);
  const normalization = effectiveNormalization(feature, options.normalization);
  const limit = Math.max(1, Math.floor(options.maxCategories));
  const folded = !expanded && feature.bins.length > limit + 1;
  const shown = folded ? feature.bins.slice(0, limit) : feature.bins;
  const rest = folded ? feature.bins.slice(limit) : [];

  const refColor = resolveColor(theme, options.referenceColor);
  const curColor = resolveColor(theme, options.currentColor);
  const contribColor = resolveColor(theme, options.contributionColor);
  const textColor = theme.colors.text.primary;
  const mutedColor = theme.colors.text.secondary;

  const innerW = Math.max(120, width - 12); // room for a scrollbar
  const nameW = Math.min(180, Math.round(innerW * 0.28));
  const valueW = normalization === 'count' ? 150 : 110;
  const showContrib = options.showContributions && feature.bins.some((b) => b.psiTerm !== null);
  const contribW = showContrib ? Math.max(48, Math.round(innerW * 0.15)) : 0;
  const barsX = nameW + 8;
  const barsW = Math.max(30, innerW - nameW - valueW - contribW - 24);
  const valueX = barsX + barsW + 8;
  const contribX = valueX + valueW + 8;
  const mirrored = options.barStyle === 'mirrored';

  const values = shown.map((b) => barValues(b, feature, normalization));
  const all = values.flatMap((v) => (v.reference === null ? [v.current] : [v.current, v.reference]));
  const span = mirrored ? barsW / 2 - 2 : barsW;
  const scale = options.logScale ? logScale(all, span) : linearScale(Math.max(0, ...all), span, 4);
  const maxTerm = Math.max(0, ...feature.bins.map((b) => b.psiTerm ?? 0));
  const svgH = shown.length * ROW_HEIGHT + 2;
  const fmt = (v: number) => (normalization === 'count' ? formatCount(v) : formatShare(v));

  const row = (bin: Bin, i: number) => {
    const v = values[i] as { current: number; reference: number | null };
    const top = i * ROW_HEIGHT;
    const cur = scale(v.current);
    const ref = v.reference === null ? 0 : scale(v.reference);
    const special = bin.kind !== 'category';
    return (
      <g
        key={bin.key}
        className={styles.bin}
        role="listitem"
        aria-label={binAriaLabel(bin)}
        tabIndex={0}
        data-testid="category-row"
        data-bin={bin.key}
        transform={`translate(0,${top})`}
      >
        <title>{binTooltip(bin, feature)}</title>
        <rect className="mw-hit" x={0} y={0} width={innerW} height={ROW_HEIGHT} fill="transparent" />
        <text x={nameW} y={15} textAnchor="end" fill={special ? mutedColor : textColor} fontSize={12} fontStyle={special ? 'italic' : undefined}>
          {truncate(bin.label, nameW, 12)}
        </text>
        {mirrored ? (
          <>
            {v.reference !== null && (
              <rect data-testid="bar-reference" x={barsX + barsW / 2 - 1 - ref} y={4} width={ref} height={14} fill={refColor} fillOpacity={0.8} />
            )}
            <rect data-testid="bar-current" x={barsX + barsW / 2 + 1} y={4} width={cur} height={14} fill={curColor} />
          </>
        ) : (
          <>
            {v.reference !== null && (
              <rect data-testid="bar-reference" x={barsX} y={3} width={ref} height={8} fill={refColor} fillOpacity={0.85} />
            )}
            <rect data-testid="bar-current" x={barsX} y={12} width={cur} height={8} fill={curColor} />
          </>
        )}
        <text x={valueX} y={15} fill={mutedColor} fontSize={11}>
          {v.reference === null ? '–' : fmt(v.reference)} → {fmt(v.current)}
        </text>
        {showContrib && bin.psiTerm !== null && (
          <>
            <rect
              data-testid="contribution-bar"
              x={contribX}
              y={6}
              width={maxTerm > 0 ? (bin.psiTerm / maxTerm) * (contribW - 4) : 0}
              height={10}
              fill={contribColor}
            />
          </>
        )}
      </g>
    );
  };

  const restShares = rest.reduce(
    (acc, b) => ({
      current: acc.current + b.currentShare,
      reference: acc.reference + (b.referenceShare ?? 0),
      term: acc.term + (b.psiTerm ?? 0),
    }),
    { current: 0, reference: 0, term: 0 },
  );

  return (
    <div style={{ width, height, display: 'flex', flexDirection: 'column' }} data-testid="categorical-chart">
      <div className={styles.rowHead} style={{ padding: 0 }} aria-hidden="true">
        <span style={{ width: nameW, textAlign: 'right', flex: '0 0 auto' }}>category</span>
        <span style={{ width: barsW, marginLeft: 8, flex: '0 0 auto' }}>
          {mirrored ? 'reference ← | → current' : `reference / current (0 – ${formatTick(scale.max, normalization)})`}
        </span>
        <span style={{ width: valueW, flex: '0 0 auto' }}>{normalization === 'count' ? 'count' : 'share'}</span>
        {showContrib && (
          <span style={{ width: contribW, flex: '0 0 auto', overflow: 'hidden', whiteSpace: 'nowrap' }} title={`Largest PSI term ${formatScore(maxTerm)}`}>
            PSI term
          </span>
        )}
      </div>
      <div className={styles.scroll} style={{ maxHeight: height - HEAD_HEIGHT }} data-testid="category-scroll">
        <svg
          width={innerW}
          height={svgH}
          role="list"
          aria-label={`${feature.displayName}: reference and current share of ${feature.bins.length} categories, largest PSI contribution first`}
          style={{ display: 'block' }}
        >
          {shown.map(row)}
        </svg>
        {folded && (
          <div className={styles.info} style={{ paddingLeft: 8 }} data-testid="more-categories">
            + {rest.length} more categories: reference {formatShare(restShares.reference)}, current {formatShare(restShares.current)}
            {showContrib ? `, PSI ${formatScore(restShares.term)}` : ''}{' '}
            <button type="button" className={styles.button} onClick={() => setExpanded(true)}>
              Show all {feature.bins.length}
            </button>
          </div>
        )}
        {expanded && feature.bins.length > limit + 1 && (
          <div className={styles.info} style={{ paddingLeft: 8 }}>
            <button type="button" className={styles.button} onClick={() => setExpanded(false)}>
              Show top {limit}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
