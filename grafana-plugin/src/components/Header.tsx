import React from 'react';
import type { GrafanaTheme2, ThresholdsConfig } from '@grafana/data';
import { formatCount, formatPValue, formatScore } from '../data/format';
import type { Feature } from '../data/model';
import { STATISTICS } from '../data/scores';
import type { DistributionOptions } from '../types';
import { decisionColor, resolveColor, thresholdColor } from './colors';
import { HEADER_LINE, type Styles } from './styles';

interface Props {
  feature: Feature;
  options: DistributionOptions;
  thresholds: ThresholdsConfig;
  theme: GrafanaTheme2;
  styles: Styles;
  width: number;
}

/** Lines the header takes: scores (two lines when narrow), plus one for the exporter's decision. */
export function headerLines(feature: Feature, width: number): number {
  const ex = feature.exporter;
  const exporterLine = ex.drifted !== undefined || ex.scores.length > 0 || ex.pValues.length > 0;
  return (width < 560 ? 2 : 1) + (exporterLine ? 1 : 0);
}

/**
 * Feature name, the panel's scores (the chosen statistic coloured by the thresholds) and a legend; under it the
 * exporter's own decision, scores and p-values for the shown window when its series are in the results.
 */
export function Header({ feature, options, thresholds, theme, styles, width }: Props): React.ReactElement {
  const ex = feature.exporter;
  const firstLines = width < 560 ? 2 : 1;
  const exporterLine = headerLines(feature, width) > firstLines;
  return (
    <div data-testid="feature-header" style={{ flex: '0 0 auto' }}>
      <div className={styles.header} style={{ maxHeight: firstLines * HEADER_LINE }}>
        <span className={styles.featureName} title={feature.name} data-testid="feature-name">
          {feature.displayName}
        </span>
        <span className={styles.muted} data-testid="feature-total">
          {feature.kind} · n = {formatCount(feature.total)}
        </span>
        {STATISTICS.map((s) => {
          const value = feature.scores[s.id];
          if (value === null) return null;
          const chosen = s.id === options.statistic;
          return (
            <span
              key={s.id}
              className={chosen ? styles.chipStrong : styles.chip}
              style={chosen ? { color: thresholdColor(value, thresholds, theme) } : undefined}
              title={s.description}
              data-testid={`score-${s.id}`}
            >
              {s.label} {formatScore(value)}
            </span>
          );
        })}
        <span className={styles.legend} aria-hidden="true">
          <span>
            <span className={styles.swatch} style={{ background: resolveColor(theme, options.referenceColor) }} />
            reference
          </span>
          <span>
            <span className={styles.swatch} style={{ background: resolveColor(theme, options.currentColor) }} />
            current
          </span>
        </span>
      </div>
      {exporterLine && (
        <div className={styles.header} style={{ maxHeight: HEADER_LINE }} data-testid="exporter-line">
          <span className={styles.muted}>exporter{ex.window ? ` (${ex.window})` : ''}:</span>
          {ex.drifted !== undefined && (
            <span
              className={styles.chipStrong}
              style={{ color: decisionColor(ex.drifted, thresholds, theme) }}
              data-testid="exporter-decision"
              title="The exporter's drift decision for this window"
            >
              {ex.drifted ? 'drifted' : 'no drift'}
            </span>
          )}
          {ex.scores.map((s) => (
            <span key={`m-${s.method}`} className={styles.chip} data-testid="exporter-score" title={`The exporter's ${s.method} for this window`}>
              {s.method} {formatScore(s.value)}
            </span>
          ))}
          {ex.pValues.map((p) => (
            <span key={`p-${p.test}`} className={styles.chip} data-testid="exporter-p-value" title={`The exporter's p-value (${p.test})`}>
              p({p.test}) {formatPValue(p.value)}
            </span>
          ))}
          {ex.windows.length > 1 && <span className={styles.muted}>windows: {ex.windows.join(', ')}</span>}
        </div>
      )}
    </div>
  );
}
