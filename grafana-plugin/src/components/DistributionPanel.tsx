import React, { useMemo } from 'react';
import { LoadingState, type PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { buildModel, type Feature, type Model } from '../data/model';
import { DEFAULT_THRESHOLDS, withDefaults } from '../options';
import type { DistributionOptions } from '../types';
import { EmptyState } from './EmptyState';
import { RankedList } from './RankedList';
import { SingleFeature } from './SingleFeature';
import { SmallMultiples } from './SmallMultiples';
import { NOTE_LINE, getStyles } from './styles';

type Props = PanelProps<DistributionOptions>;

/** The feature to show in single mode: the option (variables resolved), else the most drifted one. */
export function pickFeature(model: Model, wanted: string): { feature: Feature | undefined; note?: string } {
  const withBins = model.features.filter((f) => f.bins.length > 0);
  const top = withBins[0] ?? model.features[0];
  const name = wanted.trim();
  if (name !== '') {
    const match = model.features.find((f) => f.name === name) ?? model.features.find((f) => f.displayName === name);
    if (match) return { feature: match };
    if (top) return { feature: top, note: `Feature "${name}" is not in the results; showing ${top.displayName}, the most drifted.` };
  }
  if (top && withBins.length > 1) {
    return { feature: top, note: `Most drifted of ${withBins.length} features; set the Feature option (e.g. $feature) to choose one.` };
  }
  return { feature: top };
}

function variableValue(replace: Props['replaceVariables'] | undefined, variable: string): string | undefined {
  if (!replace || !variable.trim()) return undefined;
  const ref = `$${variable.replace(/^\$/, '').trim()}`;
  const value = replace(ref);
  return value === ref ? undefined : value;
}

/** Picks a state — loading, no data, wrong shape (naming the expected series) — or a view of the prepared model. */
export function DistributionPanel(props: Props): React.ReactElement {
  const { data, width, height, replaceVariables, fieldConfig } = props;
  const options = withDefaults(props.options);
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const thresholds = fieldConfig?.defaults?.thresholds ?? DEFAULT_THRESHOLDS;
  const targets = data.request?.targets as ReadonlyArray<{ refId?: string; expr?: unknown }> | undefined;
  const model = useMemo(
    () =>
      buildModel(data.series ?? [], {
        statistic: options.statistic,
        window: options.window ? (replaceVariables?.(options.window) ?? options.window) : '',
        currentQuery: options.currentQuery,
        referenceQuery: options.referenceQuery,
        psiEpsilon: options.psiEpsilon,
        targets,
      }),
    [data.series, targets, options.statistic, options.window, options.currentQuery, options.referenceQuery, options.psiEpsilon, replaceVariables],
  );
  const errors = (data.errors ?? (data.error ? [data.error] : [])).map((e) => e.message ?? String(e.data?.message ?? 'query error'));
  const stillLoading = (data.state === LoadingState.Loading || data.state === LoadingState.NotStarted) && (data.series ?? []).length === 0;

  let body: React.ReactElement;
  if (stillLoading) {
    body = <EmptyState kind="loading" styles={styles} />;
  } else if (model.status !== 'ok') {
    body = <EmptyState kind={model.status} model={model} errors={errors} styles={styles} />;
  } else if (options.mode === 'ranked' || options.mode === 'grid') {
    const selected = variableValue(replaceVariables, options.variable);
    const View = options.mode === 'ranked' ? RankedList : SmallMultiples;
    body = (
      <>
        {model.notes.map((n, i) => (
          <div key={`n${i}`} className={styles.info} data-testid="note" title={n}>
            {n}
          </div>
        ))}
        <View
          features={model.features}
          options={options}
          thresholds={thresholds}
          theme={theme}
          styles={styles}
          width={width}
          height={Math.max(40, height - model.notes.length * NOTE_LINE)}
          selected={selected}
        />
      </>
    );
  } else {
    const wanted = options.feature ? (replaceVariables?.(options.feature) ?? options.feature) : '';
    const { feature, note } = pickFeature(model, wanted.startsWith('$') ? '' : wanted);
    body = feature ? (
      <SingleFeature
        feature={feature}
        options={options}
        thresholds={thresholds}
        theme={theme}
        styles={styles}
        width={width}
        height={height}
        notes={[...(note ? [note] : []), ...model.notes]}
      />
    ) : (
      <EmptyState kind="wrong-shape" model={model} errors={errors} styles={styles} />
    );
  }
  return (
    <div className={styles.root} style={{ width, height }} data-testid="modelwatch-panel" data-theme={theme.colors.mode}>
      {body}
    </div>
  );
}
