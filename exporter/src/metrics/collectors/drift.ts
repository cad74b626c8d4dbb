/** Drift per column and window, the per-feature decision and the dataset-level share. */
import { DRIFT_METHODS, DRIFT_TESTS } from '../../drift/column-drift.js';
import type { DriftReports } from '../../drift/report-provider.js';
import type { Collector, Emit } from '../collector.js';

export function driftCollector(reports: DriftReports): Collector {
  const s = reports.settings;
  return {
    name: 'drift',
    families: [
      {
        name: 'modelwatch_feature_drift',
        help: 'Drift of a column in a sliding window against the reference, by method: psi, js (Jensen-Shannon distance, base 2), hellinger, chi2 (statistic) on the reference bins incl. missing; ks (statistic), wasserstein (W1 / reference std) and z (z-score of the mean) on values. Absent while the window holds fewer than min_window_samples values. Definitions: docs/statistics.md.',
        type: 'gauge',
      },
      { name: 'modelwatch_feature_drift_p_value', help: 'p-value of a drift test (ks, chi2, z, psi) of a column in a sliding window; small means the window is unlikely to come from the reference distribution.', type: 'gauge' },
      {
        name: 'modelwatch_feature_drifted',
        help: `Whether a column drifted in the window (1) or not (0): the ${s.test === 'auto' ? 'KS (numeric) or chi-square (categorical)' : s.test} p-value is significant after Benjamini-Hochberg at q=${s.q} across the model's features, and ${s.minEffectMethod} >= ${s.minEffect}.`,
        type: 'gauge',
      },
      { name: 'modelwatch_drifted_features_ratio', help: 'Share of the features with enough data in the window that drifted (modelwatch_feature_drifted).', type: 'gauge' },
      { name: 'modelwatch_feature_insufficient_data', help: 'Whether the window holds fewer than min_window_samples values of the column (1), so that no drift score or decision is exported.', type: 'gauge' },
      { name: 'modelwatch_window_samples', help: 'Prediction records in the sliding window.', type: 'gauge' },
    ],
    collect(emit: Emit, now: number) {
      for (const [state, windows] of reports.get(now)) {
        const base = { model: state.model.name, model_version: state.version };
        for (const report of windows) {
          const window = report.window.name;
          emit('modelwatch_window_samples', { ...base, window }, report.records);
          if (!Number.isNaN(report.driftedFeaturesRatio)) emit('modelwatch_drifted_features_ratio', { ...base, window }, report.driftedFeaturesRatio);
          for (const c of report.columns) {
            const labels = { ...base, feature: c.column.profile.name, window };
            emit('modelwatch_feature_insufficient_data', labels, c.insufficient ? 1 : 0);
            if (c.insufficient) continue;
            emit('modelwatch_feature_drifted', labels, c.drifted ? 1 : 0);
            for (const method of DRIFT_METHODS) {
              const v = c.drift.scores[method];
              if (v !== undefined && !Number.isNaN(v)) emit('modelwatch_feature_drift', { ...labels, method }, v);
            }
            for (const test of DRIFT_TESTS) {
              const p = c.drift.pValues[test];
              if (p !== undefined && !Number.isNaN(p)) emit('modelwatch_feature_drift_p_value', { ...labels, test }, p);
            }
          }
        }
      }
    },
  };
}
