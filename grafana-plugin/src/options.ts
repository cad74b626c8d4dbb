import { ThresholdsMode, type PanelOptionsEditorBuilder, type ThresholdsConfig } from '@grafana/data';
import { DEFAULT_PSI_EPSILON } from '../../exporter/src/stats/psi.js';
import { STATISTICS } from './data/scores';
import type { DistributionOptions } from './types';

export const DEFAULT_OPTIONS: DistributionOptions = {
  mode: 'single',
  feature: '',
  chart: 'bars',
  barStyle: 'overlay',
  showContributions: true,
  statistic: 'psi',
  normalization: 'share',
  logScale: false,
  referenceColor: 'blue',
  currentColor: 'orange',
  contributionColor: 'purple',
  maxCategories: 25,
  variable: 'feature',
  window: '',
  currentQuery: '',
  referenceQuery: '',
  psiEpsilon: DEFAULT_PSI_EPSILON,
};

/** The common PSI reading: below 0.1 stable, 0.1–0.25 moderate shift, above 0.25 significant shift. */
export const DEFAULT_THRESHOLDS: ThresholdsConfig = {
  mode: ThresholdsMode.Absolute,
  steps: [
    { value: -Infinity, color: 'green' },
    { value: 0.1, color: 'orange' },
    { value: 0.25, color: 'red' },
  ],
};

/** Options as saved, completed with the defaults (older dashboards may lack newer options). */
export function withDefaults(options: Partial<DistributionOptions> | undefined): DistributionOptions {
  const merged = { ...DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value !== undefined && value !== null) (merged as Record<string, unknown>)[key] = value;
  }
  if (!(merged.maxCategories >= 1)) merged.maxCategories = DEFAULT_OPTIONS.maxCategories;
  if (!(merged.psiEpsilon > 0)) merged.psiEpsilon = DEFAULT_OPTIONS.psiEpsilon;
  return merged;
}

export function addPanelOptions(builder: PanelOptionsEditorBuilder<DistributionOptions>): void {
  const display = ['Display'];
  const data = ['Data'];
  const colours = ['Colours'];
  builder
    .addRadio({
      path: 'mode',
      name: 'View',
      description: 'One feature in detail, all features ranked by drift, or small multiples.',
      defaultValue: DEFAULT_OPTIONS.mode,
      category: display,
      settings: {
        options: [
          { value: 'single', label: 'Feature' },
          { value: 'ranked', label: 'Ranked list' },
          { value: 'grid', label: 'Small multiples' },
        ],
      },
    })
    .addTextInput({
      path: 'feature',
      name: 'Feature',
      description: 'Feature to show, e.g. $feature. Empty: the most drifted feature in the results.',
      defaultValue: DEFAULT_OPTIONS.feature,
      category: display,
      showIf: (o) => o.mode === 'single',
    })
    .addRadio({
      path: 'chart',
      name: 'Chart',
      description: 'Bars per bin, or cumulative distributions with the largest gap (numeric features).',
      defaultValue: DEFAULT_OPTIONS.chart,
      category: display,
      settings: {
        options: [
          { value: 'bars', label: 'Bars' },
          { value: 'cdf', label: 'CDF' },
        ],
      },
      showIf: (o) => o.mode === 'single',
    })
    .addRadio({
      path: 'barStyle',
      name: 'Bars',
      defaultValue: DEFAULT_OPTIONS.barStyle,
      category: display,
      settings: {
        options: [
          { value: 'overlay', label: 'Overlaid' },
          { value: 'mirrored', label: 'Mirrored' },
        ],
      },
      showIf: (o) => o.mode === 'single' && o.chart === 'bars',
    })
    .addBooleanSwitch({
      path: 'showContributions',
      name: 'PSI contribution per bin',
      description: 'Show where the distributions differ: each bin’s term of the PSI sum.',
      defaultValue: DEFAULT_OPTIONS.showContributions,
      category: display,
      showIf: (o) => o.mode === 'single',
    })
    .addRadio({
      path: 'normalization',
      name: 'Normalisation',
      description: 'Shares of the total, or counts (the reference scaled to the production total).',
      defaultValue: DEFAULT_OPTIONS.normalization,
      category: display,
      settings: {
        options: [
          { value: 'share', label: 'Share' },
          { value: 'count', label: 'Count' },
        ],
      },
    })
    .addBooleanSwitch({
      path: 'logScale',
      name: 'Log scale',
      description: 'Logarithmic bar heights, for bins that differ by orders of magnitude.',
      defaultValue: DEFAULT_OPTIONS.logScale,
      category: display,
    })
    .addNumberInput({
      path: 'maxCategories',
      name: 'Categories listed',
      description: 'Categories shown before the rest is folded into one row.',
      defaultValue: DEFAULT_OPTIONS.maxCategories,
      category: display,
      settings: { min: 1, integer: true },
    })
    .addSelect({
      path: 'statistic',
      name: 'Statistic',
      description: 'Ranks the features and takes the threshold colours (Thresholds below).',
      defaultValue: DEFAULT_OPTIONS.statistic,
      category: data,
      settings: { options: STATISTICS.map((s) => ({ value: s.id, label: s.label, description: s.description })) },
    })
    .addTextInput({
      path: 'variable',
      name: 'Variable set on click',
      description: 'Dashboard variable that a click on a feature sets (without the $).',
      defaultValue: DEFAULT_OPTIONS.variable,
      category: data,
      showIf: (o) => o.mode !== 'single',
    })
    .addTextInput({
      path: 'window',
      name: 'Exporter window',
      description: 'Window of the exporter’s drift decision to show, e.g. 1h. Empty: the longest reported.',
      defaultValue: DEFAULT_OPTIONS.window,
      category: data,
    })
    .addTextInput({
      path: 'currentQuery',
      name: 'Current query',
      description: 'refId of the production-count query. Empty: recognised by metric name and labels.',
      defaultValue: DEFAULT_OPTIONS.currentQuery,
      category: data,
    })
    .addTextInput({
      path: 'referenceQuery',
      name: 'Reference query',
      description: 'refId of the reference query. Empty: recognised by metric name and labels.',
      defaultValue: DEFAULT_OPTIONS.referenceQuery,
      category: data,
    })
    .addNumberInput({
      path: 'psiEpsilon',
      name: 'PSI epsilon',
      description: 'Replaces zero shares in PSI; keep it equal to the exporter’s psi_epsilon.',
      defaultValue: DEFAULT_OPTIONS.psiEpsilon,
      category: data,
      settings: { min: 0 },
    })
    .addColorPicker({
      path: 'referenceColor',
      name: 'Reference',
      defaultValue: DEFAULT_OPTIONS.referenceColor,
      category: colours,
    })
    .addColorPicker({
      path: 'currentColor',
      name: 'Current',
      defaultValue: DEFAULT_OPTIONS.currentColor,
      category: colours,
    })
    .addColorPicker({
      path: 'contributionColor',
      name: 'PSI contribution',
      defaultValue: DEFAULT_OPTIONS.contributionColor,
      category: colours,
    });
}
