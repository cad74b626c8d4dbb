/**
 * Realized model performance from joined labels: the confusion matrix and the regression sums as additive
 * counters (PromQL rebuilds precision, recall, F1, MAE, RMSE, R² from them across replicas), the
 * configured performance bounds, and model metadata.
 */
import type { ModelRuntime } from '../../model/model-runtime.js';
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
    ],
    collect(emit: Emit) {
      for (const model of models.values()) {
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
