import React from 'react';
import type { GrafanaTheme2, ThresholdsConfig } from '@grafana/data';
import { formatScore } from '../data/format';
import type { Feature } from '../data/model';
import { STATISTICS } from '../data/scores';
import type { DistributionOptions } from '../types';
import { decisionColor, resolveColor, thresholdColor } from './colors';
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
  /** Current value of the dashboard variable, highlighted. */
  selected: string | undefined;
}

/** Features ranked by the chosen statistic; a click (or Enter) sets the dashboard variable. */
export function RankedList({ features, options, thresholds, theme, styles, width, height, selected }: Props): React.ReactElement {
  const stat = STATISTICS.find((s) => s.id === options.statistic) ?? STATISTICS[0];
  const refColor = resolveColor(theme, options.referenceColor);
  const curColor = resolveColor(theme, options.currentColor);
  const showBars = width >= 360;
  const showExporter = width >= 300 && features.some((f) => f.exporter.drifted !== undefined);
  return (
    <div style={{ width, height, display: 'flex', flexDirection: 'column' }} data-testid="ranked-list">
      <div className={styles.rowHead} aria-hidden="true">
        <span className={styles.rank}>#</span>
        <span className={styles.name}>feature ({features.length})</span>
        {showBars && <span style={{ width: 96, flex: '0 0 auto' }}>distribution</span>}
        {showExporter && <span className={styles.dot}>exporter</span>}
        <span className={styles.value}>{stat?.label}</span>
      </div>
      <ul className={`${styles.list} ${styles.scroll}`} aria-label={`Features ranked by ${stat?.label}`}>
        {features.map((f, i) => {
          const value = f.scores[options.statistic];
          return (
            <li key={f.name}>
              <button
                type="button"
                className={styles.row}
                data-testid="ranked-row"
                data-feature={f.name}
                aria-current={selected === f.name ? 'true' : undefined}
                aria-label={`${f.displayName}: ${stat?.label} ${formatScore(value)}${
                  f.exporter.drifted === undefined ? '' : f.exporter.drifted ? ', drifted' : ', no drift'
                }. Show this feature.`}
                title={`Set $${options.variable} = ${f.name}`}
                onClick={() => selectFeature(options.variable, f.name)}
              >
                <span className={styles.rank}>{i + 1}</span>
                <span className={styles.name}>{f.displayName}</span>
                {showBars && <MiniBars feature={f} width={96} height={18} referenceColor={refColor} currentColor={curColor} />}
                {showExporter && (
                  <span
                    className={styles.dot}
                    style={f.exporter.drifted === undefined ? undefined : { color: decisionColor(f.exporter.drifted, thresholds, theme) }}
                  >
                    {f.exporter.drifted === undefined ? '' : f.exporter.drifted ? '● drifted' : '○ ok'}
                  </span>
                )}
                <span
                  className={styles.value}
                  data-testid="ranked-value"
                  style={value === null ? undefined : { color: thresholdColor(value, thresholds, theme), fontWeight: 500 }}
                >
                  {formatScore(value)}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
