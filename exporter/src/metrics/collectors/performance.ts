/**
 * Realized model performance from joined labels: the confusion matrix and the regression sums as additive
 * counters (PromQL rebuilds precision, recall, F1, MAE, RMSE, R² from them across replicas), the
 * configured performance bounds, and model metadata.
 */
import type { ModelRuntime } from '../../model/model-runtime.js';
import { windowPerformance } from '../../model/performance-report.js';
import type { Collector, Emit } from '../collector.js';

export function performanceCollector(models: ReadonlyMap<string, ModelRuntime>): Collector {
  return {
    name: 'performance',
    families: [
      { name: 'modelwatch_classifications_total', help: 'Joined predictions by actual and predicted class (the confusion matrix; every cell pre-created). Classes outside the reference’s top categories count as __other__.', type: 'counter' },
      { name: 'modelwatch_regression_predictions_total', help: 'Joined regression predictions (n of the regression sums).', type: 'counter' },
      { name: 'modelwatch_regression_absolute_error_total', help: 'Σ|y − ŷ| over joined regression predictions.', type: 'counter' },
      { name: 'modelwatch_regression_squared_error_total', help: 'Σ(y − ŷ)² over joined regression predictions.', type: 'counter' },
      { name: 'modelwatch_regression_label_squared_deviation_total', help: 'Σd², d = y − the reference label mean, over joined regression predictions.', type: 'counter' },
      { name: 'modelwatch_regression_label_deviation_total', help: 'Σ|d| of the deviations with the given sign (d = y − reference label mean), so Σd = positive − negative.', type: 'counter' },
      { name: 'modelwatch_performance_threshold', help: 'Configured bound (bound="min" or "max") of a performance metric, for one generic alert rule.', type: 'gauge' },
      { name: 'modelwatch_model_info', help: 'Model metadata from the configuration as labels. Always 1.', type: 'gauge' },
      {
        name: 'modelwatch_model_performance',
        help: 'Realized performance in the window (joined labels, by prediction time): accuracy, precision, recall, f1, roc_auc, gini, ks, log_loss, brier (binary, positive_class), macro_f1 (multiclass), mae, rmse, mape, r2, adjusted_r2, median_ae (regression). Absent below 30 joined predictions.',
        type: 'gauge',
      },
      { name: 'modelwatch_model_performance_lower', help: 'Lower end of the 95% confidence interval of modelwatch_model_performance (Wilson for proportions, DeLong for AUC, delta method otherwise).', type: 'gauge' },
      { name: 'modelwatch_model_performance_upper', help: 'Upper end of the 95% confidence interval of modelwatch_model_performance.', type: 'gauge' },
      { name: 'modelwatch_model_class_performance', help: 'Realized precision, recall and f1 of each class in the window.', type: 'gauge' },
      {
        name: 'modelwatch_model_performance_estimated',
        help: 'Performance estimated without labels (confidence-based: expected confusion matrix from scores calibrated on the reference by isotonic regression) for binary models with positive_class and score: accuracy, precision, recall, f1, roc_auc, gini.',
        type: 'gauge',
      },
      { name: 'modelwatch_model_performance_estimated_lower', help: 'Lower end of the 95% interval in which the realized value should fall if the calibration holds.', type: 'gauge' },
      { name: 'modelwatch_model_performance_estimated_upper', help: 'Upper end of that interval.', type: 'gauge' },
      { name: 'modelwatch_feature_label_association', help: 'Concept: Cramér’s V between a feature’s reference bin and the label’s bin over the window’s joined predictions (absent below 30); compare with modelwatch_reference_feature_label_association.', type: 'gauge' },
      { name: 'modelwatch_reference_feature_label_association', help: 'Cramér’s V between a feature’s bin and the label’s bin on the reference rows with a label.', type: 'gauge' },
      { name: 'modelwatch_shadow_comparisons_total', help: 'Predictions of a challenger or baseline (role) compared with the champion’s prediction for the same prediction_id.', type: 'counter' },
      { name: 'modelwatch_shadow_agreements_total', help: 'Of those, the ones that predicted the same (class, or exactly the same value).', type: 'counter' },
      { name: 'modelwatch_shadow_absolute_difference_total', help: 'Regression: Σ|challenger − champion| over the compared predictions.', type: 'counter' },
      { name: 'modelwatch_reference_model_performance', help: 'The model’s performance on the reference rows that have a prediction and a label (same metric names as modelwatch_model_performance).', type: 'gauge' },
      { name: 'modelwatch_change_points_total', help: 'Change points found by a Page-Hinkley detector (delta 0.005, threshold 4, alpha 0.9999, both directions) on block means of 50 observations of a signal: error (joined error rate, or absolute error / reference label std) or score.', type: 'counter' },
    ],
    collect(emit: Emit, now: number) {
      for (const model of models.values()) {
        for (const [feature, v] of Object.entries(model.profile.association ?? {})) emit('modelwatch_reference_feature_label_association', { model: model.name, feature }, v);
        for (const [metric, value] of Object.entries(model.profile.performance ?? {})) emit('modelwatch_reference_model_performance', { model: model.name, metric }, value);
        for (const [metric, bounds] of Object.entries(model.config.performance)) {
          if (bounds.min !== undefined) emit('modelwatch_performance_threshold', { model: model.name, metric, bound: 'min' }, bounds.min);
          if (bounds.max !== undefined) emit('modelwatch_performance_threshold', { model: model.name, metric, bound: 'max' }, bounds.max);
        }
        for (const [version, s] of model.versions) {
          const base = { model: model.name, model_version: version };
          emit('modelwatch_model_info', { ...base, task: model.config.task, ...model.config.metadata }, 1);
          const classes = model.classes;
          if (classes && s.confusion) {
            for (let a = 0; a < classes.size; a++) {
              for (let p = 0; p < classes.size; p++) {
                emit('modelwatch_classifications_total', { ...base, actual: classes.names[a] as string, predicted: classes.names[p] as string }, s.confusion[a * classes.size + p] as number);
              }
            }
          }
          for (const [role, c] of s.shadow) {
            emit('modelwatch_shadow_comparisons_total', { ...base, role }, c.compared);
            emit('modelwatch_shadow_agreements_total', { ...base, role }, c.agreed);
            if (model.config.task === 'regression') emit('modelwatch_shadow_absolute_difference_total', { ...base, role }, c.absoluteDifference);
          }
          for (const [signal, n] of s.changePoints) emit('modelwatch_change_points_total', { ...base, signal }, n);
          for (const w of s.windows) {
            const perf = windowPerformance(model, w, now);
            const wl = { ...base, window: w.name };
            for (const [metric, v] of Object.entries(perf.realized)) {
              emit('modelwatch_model_performance', { ...wl, metric }, v.value);
              if (Number.isFinite(v.lower)) emit('modelwatch_model_performance_lower', { ...wl, metric }, v.lower);
              if (Number.isFinite(v.upper)) emit('modelwatch_model_performance_upper', { ...wl, metric }, v.upper);
            }
            for (const [feature, v] of Object.entries(perf.association)) emit('modelwatch_feature_label_association', { ...wl, feature }, v);
            for (const c of perf.perClass) if (Number.isFinite(c.value.value)) emit('modelwatch_model_class_performance', { ...wl, class: c.cls, metric: c.metric }, c.value.value);
            for (const [metric, v] of Object.entries(perf.estimated)) {
              emit('modelwatch_model_performance_estimated', { ...wl, metric }, v.value);
              if (Number.isFinite(v.lower)) emit('modelwatch_model_performance_estimated_lower', { ...wl, metric }, v.lower);
              if (Number.isFinite(v.upper)) emit('modelwatch_model_performance_estimated_upper', { ...wl, metric }, v.upper);
            }
          }
          if (model.config.task === 'regression') {
            const r = s.regression;
            emit('modelwatch_regression_predictions_total', base, r.n);
            emit('modelwatch_regression_absolute_error_total', base, r.absError);
            emit('modelwatch_regression_squared_error_total', base, r.squaredError);
            emit('modelwatch_regression_label_squared_deviation_total', base, r.labelSquaredDeviation);
            emit('modelwatch_regression_label_deviation_total', { ...base, sign: 'positive' }, r.labelDeviationPositive);
            emit('modelwatch_regression_label_deviation_total', { ...base, sign: 'negative' }, r.labelDeviationNegative);
          }
        }
      }
    },
  };
}
