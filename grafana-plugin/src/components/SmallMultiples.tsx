import React from 'react';
import type { GrafanaTheme2, ThresholdsConfig } from '@grafana/data';
import { formatScore } from '../data/format';
import type { Feature } from '../data/model';
import { STATISTICS } from '../data/scores';
import type { DistributionOptions } from '../types';
import { resolveColor, thresholdColor } from './colors';
import { MiniBars } from './MiniBars';
import { selectFeature } from './select';
import type { Styles } from './styles';

interface Props {
  features: Feature[];
  options: DistributionOptions;
  thresholds: ThresholdsConfig;
  theme: GrafanaTheme2;
  styles: Styles;
  width: number;
  height: number;
  selected: string | undefined;
}

/** One small chart per feature, most drifted first; a click sets the dashboard variable. */
export function SmallMultiples({ features, options, thresholds, theme, styles, width, height, selected }: Props): React.ReactElement {
  const stat = STATISTICS.find((s) => s.id === options.statistic) ?? STATISTICS[0];
  const refColor = resolveColor(theme, options.referenceColor);
  const curColor = resolveColor(theme, options.currentColor);
  return (
    <div className={styles.scroll} style={{ width, height }} data-testid="small-multiples">
      <ul className={`${styles.list} ${styles.grid}`} aria-label={`Features by ${stat?.label}`}>
        {features.map((f) => {
          const value = f.scores[options.statistic];
          return (
            <li key={f.name} style={{ minWidth: 0 }}>
              <button
                type="button"
                className={styles.tile}
                style={{ width: '100%' }}
                data-testid="tile"
                data-feature={f.name}
                aria-current={selected === f.name ? 'true' : undefined}
                aria-label={`${f.displayName}: ${stat?.label} ${formatScore(value)}. Show this feature.`}
                title={`Set $${options.variable} = ${f.name}`}
                onClick={() => selectFeature(options.variable, f.name)}
              >
                <span className={styles.tileTitle}>
                  <span className={styles.name}>{f.displayName}</span>
                  <span style={value === null ? undefined : { color: thresholdColor(value, thresholds, theme), fontWeight: 500 }}>
                    {stat?.label} {formatScore(value)}
                    {f.exporter.drifted ? ' ●' : ''}
                  </span>
                </span>
                <MiniBars feature={f} width={132} height={48} referenceColor={refColor} currentColor={curColor} maxBins={24} />
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
