/**
 * modelwatch / Overview: every model at once. Traffic, refused records, latency, drifted-feature share,
 * data-quality headlines, realized and estimated performance, change points, labels received, freshness
 * and firing alerts, with links to the model dashboard.
 */
import {
  byName,
  colouredCell,
  dashboard,
  dashed,
  modelDashboardLink,
  q,
  queryVariable,
  row,
  stat,
  table,
  thresholds,
  timeseries,
} from './grafana.mjs';

const M = 'model=~"$model"';
const MW = 'model=~"$model",window="$window"';

/** From a series (labels model, model_version) to the model dashboard. */
const toModel = [
  modelDashboardLink('Model ${__field.labels.model} ${__field.labels.model_version}', [
    'var-model=${__field.labels.model}',
    'var-model_version=${__field.labels.model_version}',
    '${window:queryparam}',
  ]),
];
/** From a series labelled only with model. */
const toModelOnly = [modelDashboardLink('Model ${__field.labels.model}', ['var-model=${__field.labels.model}', '${window:queryparam}'])];

const driftShareThresholds = thresholds([['green', null], ['orange', 0.01], ['red', 0.5]]);
const ageThresholds = thresholds([['green', null], ['orange', 300], ['red', 900]]);
/** Below 50 %: the label-coverage alert's default. */
const coverageThresholds = thresholds([['red', null], ['orange', 0.5], ['green', 0.8]]);
const errorThresholds = thresholds([['green', null], ['orange', 0.01], ['red', 0.05]]);

const latency = (quantile, by) =>
  `histogram_quantile(${quantile}, sum by (${by}, le) (rate(modelwatch_prediction_latency_seconds_bucket{${M}}[$__rate_interval])))`;

export default dashboard({
  uid: 'modelwatch-overview',
  title: 'modelwatch / Overview',
  description: 'All monitored models: traffic, refused records, latency, drift, data quality, labels and alerts.',
  tags: ['overview'],
  variables: [
    queryVariable({
      name: 'model',
      label: 'Model',
      description: 'Models reporting predictions.',
      query: 'label_values(modelwatch_predictions_total, model)',
      multi: true,
      includeAll: true,
    }),
    queryVariable({
      name: 'window',
      label: 'Window',
      description: 'Sliding window of the exporter\'s drift and data-quality measures (configured per model).',
      query: 'label_values(modelwatch_drifted_features_ratio{model=~"$model"}, window)',
    }),
  ],
  panels: [
    row('Models'),
    table({
      title: 'Models',
      description:
        'One row per model version. Predictions/s: current ingest rate. Drifted features: share of the features with enough data that drifted in the selected window (Benjamini–Hochberg and the minimum effect applied). Label coverage: share of the window\'s predictions whose ground truth arrived. Accuracy (1h): realized accuracy of the labelled predictions of the last hour (classifiers; needs the recording rules of alert-rules/rules). Click a model to open its dashboard.',
      w: 24,
      h: 7,
      targets: [
        q(`sum by (model, model_version) (rate(modelwatch_predictions_total{${M}}[$__rate_interval]))`, { instant: true, format: 'table' }),
        q(`max by (model, model_version) (modelwatch_window_samples{${MW}})`, { instant: true, format: 'table' }),
        q(`max by (model, model_version) (modelwatch_drifted_features_ratio{${MW}})`, { instant: true, format: 'table' }),
        q(`max by (model, model_version) (modelwatch_outlier_records_ratio{${MW}})`, { instant: true, format: 'table' }),
        q(latency(0.95, 'model, model_version'), { instant: true, format: 'table' }),
        q(`max by (model, model_version) (modelwatch_label_coverage_ratio{${MW}})`, { instant: true, format: 'table' }),
        q(`max by (model, model_version) (model_version:modelwatch_classifications:accuracy1h{${M}})`, { instant: true, format: 'table' }),
        q(`time() - max by (model, model_version) (modelwatch_last_record_timestamp_seconds{${M}})`, { instant: true, format: 'table' }),
      ],
      columns: {
        A: 'Predictions/s',
        B: 'Records in window',
        C: 'Drifted features',
        D: 'Outlier records',
        E: 'Latency p95',
        F: 'Label coverage',
        G: 'Accuracy (1h)',
        H: 'Last record',
      },
      sortBy: 'Drifted features',
      overrides: [
        byName('model', [
          {
            id: 'links',
            value: [
              modelDashboardLink('Open model ${__data.fields.model} ${__data.fields.model_version}', [
                'var-model=${__data.fields.model}',
                'var-model_version=${__data.fields.model_version}',
                '${window:queryparam}',
              ]),
            ],
          },
        ]),
        byName('Predictions/s', [{ id: 'unit', value: 'reqps' }, { id: 'decimals', value: 1 }]),
        byName('Records in window', [{ id: 'unit', value: 'short' }]),
        colouredCell('Drifted features', [{ id: 'unit', value: 'percentunit' }, { id: 'thresholds', value: driftShareThresholds }]),
        colouredCell('Outlier records', [
          { id: 'unit', value: 'percentunit' },
          { id: 'thresholds', value: thresholds([['green', null], ['orange', 0.05], ['red', 0.2]]) },
        ]),
        byName('Latency p95', [{ id: 'unit', value: 's' }]),
        colouredCell('Label coverage', [{ id: 'unit', value: 'percentunit' }, { id: 'thresholds', value: coverageThresholds }]),
        byName('Accuracy (1h)', [{ id: 'unit', value: 'percentunit' }, { id: 'decimals', value: 1 }]),
        colouredCell('Last record', [{ id: 'unit', value: 's' }, { id: 'thresholds', value: ageThresholds }]),
      ],
    }),

    row('Traffic and latency'),
    timeseries({
      title: 'Predictions per second',
      description: 'Prediction records accepted per second, per model (all versions and replicas summed).',
      w: 6,
      unit: 'reqps',
      stack: 'normal',
      links: toModelOnly,
      targets: [q(`sum by (model) (rate(modelwatch_predictions_total{${M}}[$__rate_interval]))`, { legend: '{{model}}' })],
    }),
    timeseries({
      title: 'Refused records',
      description:
        'Share of the records naming the model that were refused (malformed, invalid field, too large, not ready). Records naming no configured model are on the operations dashboard. Orange from 1 % (the ingest alert threshold).',
      w: 6,
      unit: 'percentunit',
      min: 0,
      thresholds: errorThresholds,
      thresholdsStyle: 'line',
      links: toModelOnly,
      targets: [
        q(
          `sum by (model) (rate(modelwatch_records_rejected_total{${M}}[$__rate_interval])) / (sum by (model) (rate(modelwatch_records_rejected_total{${M}}[$__rate_interval])) + sum by (model) (rate(modelwatch_predictions_total{${M}}[$__rate_interval])))`,
          { legend: '{{model}}' },
        ),
      ],
    }),
    timeseries({
      title: 'Failed requests',
      description:
        'Share of the requests the model service reported as failed (status error or HTTP ≥ 400, or an error class), per model. Orange from 1 %, red from 5 % (the prediction-error alerts).',
      w: 6,
      unit: 'percentunit',
      min: 0,
      thresholds: errorThresholds,
      thresholdsStyle: 'line',
      links: toModelOnly,
      targets: [
        q(
          // a model without failures has no error series: count it as 0, not as missing
          `(sum by (model) (rate(modelwatch_prediction_errors_total{${M}}[$__rate_interval])) or sum by (model) (rate(modelwatch_requests_total{${M}}[$__rate_interval])) * 0) / (sum by (model) (rate(modelwatch_requests_total{${M}}[$__rate_interval])) > 0)`,
          { legend: '{{model}}' },
        ),
      ],
    }),
    timeseries({
      title: 'Latency p50 / p95 / p99',
      description:
        'Latency the model service reported with each prediction (`latency_ms`), quantiles estimated from the histogram buckets, per model. Dashed: the configured p95 objective (`slo: {latency_p95_ms}`).',
      w: 6,
      unit: 's',
      links: toModelOnly,
      targets: [
        q(latency(0.5, 'model'), { legend: '{{model}} p50' }),
        q(latency(0.95, 'model'), { legend: '{{model}} p95' }),
        q(latency(0.99, 'model'), { legend: '{{model}} p99' }),
        q(`max by (model) (modelwatch_latency_slo_seconds{${M},percentile="95"})`, { legend: '{{model}} p95 objective' }),
      ],
      overrides: [dashed('D')],
    }),

    row('Drift and data quality'),
    timeseries({
      title: 'Drifted features',
      description:
        'Share of each model version\'s features that drifted in the selected window: significant after the Benjamini–Hochberg correction across the features and above the minimum effect size. Red from 50 % (dataset drift alert).',
      w: 8,
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: driftShareThresholds,
      thresholdsStyle: 'line',
      links: toModel,
      targets: [q(`max by (model, model_version) (modelwatch_drifted_features_ratio{${MW}})`, { legend: '{{model}} {{model_version}}' })],
    }),
    timeseries({
      title: 'Prediction drift (Jensen–Shannon)',
      description:
        'Jensen–Shannon distance (base 2, 0–1) between the distribution of the predictions in the selected window and in the reference. 0.1 is the default minimum effect for a drift decision.',
      w: 8,
      unit: 'none',
      min: 0,
      decimals: 3,
      thresholds: thresholds([['green', null], ['red', 0.1]]),
      thresholdsStyle: 'dashed',
      links: toModel,
      targets: [
        q(`max by (model, model_version) (modelwatch_feature_drift{${MW},feature="__prediction__",method="js"})`, {
          legend: '{{model}} {{model_version}}',
        }),
      ],
    }),
    timeseries({
      title: 'Outlier records',
      description:
        'Share of the window\'s records that are out of distribution (at least half of their features outside the reference 0.5–99.5 percentiles or unseen categories).',
      w: 8,
      unit: 'percentunit',
      min: 0,
      thresholds: thresholds([['green', null], ['orange', 0.05], ['red', 0.2]]),
      thresholdsStyle: 'line',
      links: toModel,
      targets: [q(`max by (model, model_version) (modelwatch_outlier_records_ratio{${MW}})`, { legend: '{{model}} {{model_version}}' })],
    }),

    row('Model quality'),
    timeseries({
      title: 'Accuracy and macro-F1 (last hour)',
      description:
        'Realized accuracy and macro-averaged F1 of each classifier version over the labelled predictions of the last hour (at least 30), from the confusion-matrix counters (recording rules of alert-rules/rules). Dashed: the bounds configured per model (`performance: {accuracy: {min: …}}`).',
      w: 6,
      unit: 'percentunit',
      softMin: null,
      max: 1,
      links: toModel,
      targets: [
        q(`max by (model, model_version) (model_version:modelwatch_classifications:accuracy1h{${M}})`, { legend: '{{model}} {{model_version}} accuracy' }),
        q(`max by (model, model_version) (model_version:modelwatch_classifications:macro_f1_1h{${M}})`, { legend: '{{model}} {{model_version}} macro-F1' }),
        q(`max by (model, metric, bound) (modelwatch_performance_threshold{${M},metric=~"accuracy|macro_f1"})`, { legend: '{{model}} {{metric}} {{bound}}' }),
      ],
      overrides: [dashed('C')],
    }),
    timeseries({
      title: 'Regression error (last hour)',
      description:
        'Mean absolute error and root mean squared error of each regression model version over the labelled predictions of the last hour, in the label\'s unit (recording rules of alert-rules/rules). Dashed: configured bounds.',
      w: 6,
      unit: 'short',
      links: toModel,
      targets: [
        q(`max by (model, model_version) (model_version:modelwatch_regression:mae1h{${M}})`, { legend: '{{model}} {{model_version}} MAE' }),
        q(`max by (model, model_version) (model_version:modelwatch_regression:rmse1h{${M}})`, { legend: '{{model}} {{model_version}} RMSE' }),
        q(`max by (model, metric, bound) (modelwatch_performance_threshold{${M},metric=~"mae|rmse"})`, { legend: '{{model}} {{metric}} {{bound}}' }),
      ],
      overrides: [dashed('C')],
    }),
    timeseries({
      title: 'Regression R² (last hour)',
      description: 'Coefficient of determination of each regression model version over the labelled predictions of the last hour (1 is perfect, 0 is no better than the mean). Dashed: configured bounds.',
      w: 6,
      unit: 'none',
      decimals: 3,
      softMin: null,
      max: 1,
      links: toModel,
      targets: [
        q(`max by (model, model_version) (model_version:modelwatch_regression:r2_1h{${M}})`, { legend: '{{model}} {{model_version}}' }),
        q(`max by (model, metric, bound) (modelwatch_performance_threshold{${M},metric="r2"})`, { legend: '{{model}} {{metric}} {{bound}}' }),
      ],
      overrides: [dashed('B')],
    }),
    timeseries({
      title: 'Label coverage',
      description:
        'Share of the predictions in the selected window whose ground-truth label has arrived, per model version. Labels arrive late, so short windows read lower. Red below 50 % (the label-coverage alert\'s default).',
      w: 6,
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: coverageThresholds,
      thresholdsStyle: 'line',
      links: toModel,
      targets: [q(`max by (model, model_version) (modelwatch_label_coverage_ratio{${MW}})`, { legend: '{{model}} {{model_version}}' })],
    }),

    timeseries({
      title: 'Realized vs estimated performance ($window)',
      description:
        'The exporter\'s realized performance of each version over the selected window\'s labelled predictions (solid), next to the performance estimated from the scores before labels arrive (dashed; binary models with `positive_class` and scores). An estimate far from the realized value once labels land means the scores\' calibration no longer holds. Interval bands are on the model dashboard.',
      w: 12,
      unit: 'percentunit',
      softMin: null,
      max: 1,
      links: toModel,
      targets: [
        q(`max by (model, model_version, metric) (modelwatch_model_performance{${MW},metric=~"accuracy|macro_f1|f1|roc_auc"})`, {
          legend: '{{model}} {{model_version}} realized {{metric}}',
        }),
        q(`max by (model, model_version, metric) (modelwatch_model_performance_estimated{${MW},metric=~"accuracy|f1|roc_auc"})`, {
          legend: '{{model}} {{model_version}} estimated {{metric}}',
        }),
      ],
      overrides: [dashed('B')],
    }),
    stat({
      title: 'Change points (time range)',
      description:
        'Change points the exporter\'s Page-Hinkley detectors found over the dashboard time range, per version and signal: `error` (error rate, or relative absolute error) and `score` (mean score). Orange from one.',
      w: 12,
      unit: 'short',
      decimals: 0,
      graph: false,
      thresholds: thresholds([['green', null], ['orange', 1]]),
      links: toModel,
      targets: [
        q(`sum by (model, model_version, signal) (increase(modelwatch_change_points_total{${M}}[$__range]))`, {
          legend: '{{model}} {{model_version}} {{signal}}',
          instant: true,
        }),
      ],
    }),

    row('Freshness and alerts'),
    stat({
      title: 'Time since the last record',
      description: 'Seconds since each model version last received a prediction record. Orange after 5 minutes, red after 15.',
      w: 8,
      unit: 's',
      graph: false,
      thresholds: ageThresholds,
      links: toModel,
      targets: [
        q(`time() - max by (model, model_version) (modelwatch_last_record_timestamp_seconds{${M}})`, {
          legend: '{{model}} {{model_version}}',
          instant: true,
        }),
      ],
    }),
    table({
      title: 'Firing alerts',
      description:
        'modelwatch alerts firing now in this Prometheus (from the rule files in alert-rules/), all models. Routing, silences and inhibitions are Alertmanager\'s: see its UI.',
      w: 16,
      targets: [
        q('count by (alertname, severity, team, model, model_version) (ALERTS{alertstate="firing",alertname=~"Modelwatch.*"})', {
          instant: true,
          format: 'table',
        }),
      ],
      columns: { A: 'Alerts' },
      sortBy: 'severity',
      sortDesc: false,
      overrides: [
        colouredCell('severity', [
          {
            id: 'mappings',
            value: [
              {
                type: 'value',
                options: {
                  critical: { text: 'critical', color: 'red', index: 0 },
                  warning: { text: 'warning', color: 'orange', index: 1 },
                  info: { text: 'info', color: 'blue', index: 2 },
                },
              },
            ],
          },
        ]),
      ],
    }),
  ],
});
