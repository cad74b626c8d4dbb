import React from 'react';
import type { GrafanaTheme2, ThresholdsConfig } from '@grafana/data';
import { CURRENT_METRIC, REFERENCE_METRIC } from '../data/metrics';
import type { Feature } from '../data/model';
import type { DistributionOptions } from '../types';
import { CategoricalChart } from './CategoricalChart';
import { CdfChart } from './CdfChart';
import { Header, headerLines } from './Header';
import { NumericChart } from './NumericChart';
import { HEADER_LINE, NOTE_LINE, type Styles } from './styles';

interface Props {
  feature: Feature;
  options: DistributionOptions;
  thresholds: ThresholdsConfig;
  theme: GrafanaTheme2;
  styles: Styles;
  width: number;
  height: number;
  /** Messages about the results (shown under the header). */
  notes: string[];
}

/** Header, what is missing, then the chart for one feature. */
export function SingleFeature({ feature, options, thresholds, theme, styles, width, height, notes }: Props): React.ReactElement {
  const banners: Array<{ id: string; text: string }> = [];
  if (!feature.hasReference) {
    banners.push({
      id: 'reference-missing',
      text: `Reference missing: add a query for ${REFERENCE_METRIC}{model="$model",model_version="$model_version"}. Scores need it.`,
    });
  }
  if (!feature.hasCurrent) {
    banners.push({
      id: 'current-missing',
      text: `No production counts: add a query for sum by (feature, bin) (increase(${CURRENT_METRIC}{…}[$__range])).`,
    });
  } else if (feature.total === 0) {
    banners.push({ id: 'current-empty', text: 'No production values in this time range.' });
  }
  const lines = banners.length + notes.length;
  const headerH = headerLines(feature, width) * HEADER_LINE;
  const chartH = Math.max(40, height - headerH - lines * NOTE_LINE - 4);
  const useCdf = options.chart === 'cdf' && feature.kind === 'numeric';
  return (
    <>
      <div style={{ height: headerH, overflow: 'hidden', flex: '0 0 auto' }}>
        <Header feature={feature} options={options} thresholds={thresholds} theme={theme} styles={styles} width={width} />
      </div>
      {banners.map((b) => (
        <div key={b.id} className={styles.note} data-testid={b.id} title={b.text} role="note">
          {b.text}
        </div>
      ))}
      {notes.map((n, i) => (
        <div key={`n${i}`} className={styles.info} data-testid="note" title={n}>
          {n}
        </div>
      ))}
      <div style={{ flex: '1 1 auto', minHeight: 0 }}>
        {feature.bins.length === 0 ? (
          <div className={styles.info} data-testid="no-bins">
            Only the exporter’s decision is in the results; add the distribution queries to see the bins.
          </div>
        ) : feature.kind === 'categorical' ? (
          <CategoricalChart feature={feature} options={options} theme={theme} styles={styles} width={width} height={chartH} />
        ) : useCdf ? (
          <CdfChart feature={feature} options={options} theme={theme} styles={styles} width={width} height={chartH} />
        ) : (
          <NumericChart feature={feature} options={options} theme={theme} styles={styles} width={width} height={chartH} />
        )}
      </div>
    </>
  );
}
