/** Data quality per window: missing, out-of-range and unseen shares, outliers, duplicates, summaries. */
import type { DriftReports } from '../../drift/report-provider.js';
import type { ModelRuntime } from '../../model/model-runtime.js';
import type { Collector, Emit } from '../collector.js';

const SUMMARY_STATS = ['mean', 'std', 'min', 'max', 'p50'] as const;

export function qualityCollector(models: ReadonlyMap<string, ModelRuntime>, reports: DriftReports): Collector {
  return {
    name: 'quality',
    families: [
      { name: 'modelwatch_feature_missing_ratio', help: 'Share of missing values (null, absent, or a configured missing marker) of a column in the window.', type: 'gauge' },
      { name: 'modelwatch_feature_out_of_range_ratio', help: 'Share of the present values of a numeric column in the window outside the reference [min, max].', type: 'gauge' },
      { name: 'modelwatch_feature_unseen_ratio', help: 'Share of the values of a categorical column in the window that the reference never had.', type: 'gauge' },
      { name: 'modelwatch_reference_feature_missing_ratio', help: 'Share of missing values of a column in the reference.', type: 'gauge' },
      { name: 'modelwatch_feature_statistic', help: 'Summary statistic (mean, std with ddof 0, min, max, p50 from the window sample) of a numeric column in the window.', type: 'gauge' },
      { name: 'modelwatch_reference_feature_statistic', help: 'Summary statistic (mean, std with ddof 0, min, max, p50) of a numeric column in the reference.', type: 'gauge' },
      { name: 'modelwatch_outlier_records_ratio', help: 'Share of the window’s prediction records that are out of distribution: at least outlier_min_share of their present features outside the reference 0.5-99.5 percentile range or an unseen category.', type: 'gauge' },
      { name: 'modelwatch_outlier_records_total', help: 'Prediction records found out of distribution (see modelwatch_outlier_records_ratio).', type: 'counter' },
      { name: 'modelwatch_duplicate_predictions_total', help: 'Prediction records whose prediction_id was already seen recently (within about the longest window).', type: 'counter' },
      { name: 'modelwatch_duplicate_predictions_ratio', help: 'Share of the window’s prediction records with a recently seen prediction_id.', type: 'gauge' },
    ],
    collect(emit: Emit, now: number) {
      for (const model of models.values()) {
        for (const version of model.versions.keys()) {
          for (const col of model.layout.columns) {
            const p = col.profile;
            const labels = { model: model.name, model_version: version, feature: p.name };
            emit('modelwatch_reference_feature_missing_ratio', labels, p.count > 0 ? p.missing / p.count : 0);
            if (p.kind === 'numeric' && p.count > p.missing) {
              const ref = { mean: p.mean, std: p.std, min: p.min, max: p.max, p50: p.quantiles.p50 ?? Number.NaN };
              for (const stat of SUMMARY_STATS) emit('modelwatch_reference_feature_statistic', { ...labels, stat }, ref[stat]);
            }
          }
        }
      }
      for (const [state, windows] of reports.get(now)) {
        const base = { model: state.model.name, model_version: state.version };
        emit('modelwatch_outlier_records_total', base, state.outliers);
        emit('modelwatch_duplicate_predictions_total', base, state.duplicates);
        for (const report of windows) {
          const window = report.window.name;
          if (!Number.isNaN(report.outlierRatio)) emit('modelwatch_outlier_records_ratio', { ...base, window }, report.outlierRatio);
          if (!Number.isNaN(report.duplicateRatio)) emit('modelwatch_duplicate_predictions_ratio', { ...base, window }, report.duplicateRatio);
          for (const c of report.columns) {
            if (c.drift.n === 0) continue;
            const labels = { ...base, feature: c.column.profile.name, window };
            emit('modelwatch_feature_missing_ratio', labels, c.missingRatio);
            if (c.outOfRangeRatio !== undefined && !Number.isNaN(c.outOfRangeRatio)) emit('modelwatch_feature_out_of_range_ratio', labels, c.outOfRangeRatio);
            if (c.unseenRatio !== undefined) emit('modelwatch_feature_unseen_ratio', labels, c.unseenRatio);
            if (c.summary) for (const stat of SUMMARY_STATS) emit('modelwatch_feature_statistic', { ...labels, stat }, c.summary[stat]);
          }
        }
      }
    },
  };
}
