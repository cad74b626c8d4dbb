/**
 * modelwatch / Model: one model version in detail. Realized performance with the exporter's confidence
 * intervals, the reference's performance and bounds, estimated (label-free) performance, change points,
 * champion vs challenger, concept drift (feature–label association), labels (coverage, delay), drift by feature (scores, p-values and the Benjamini–Hochberg
 * decision), the distribution panel for `$feature`, data quality, prediction, score and label drift,
 * latency against its objective.
 */
import {
  band,
  barGauge,
  byName,
  byQuery,
  colouredCell,
  dashboard,
  dashed,
  distributionPanel,
  heatmap,
  q,
  queryVariable,
  row,
  stat,
  stateTimeline,
  table,
  thresholds,
  timeseries,
  valueMappings,
} from './grafana.mjs';

const S = 'model="$model",model_version="$model_version"';
const SW = `${S},window="$window"`;
const SWF = `${SW},feature="$feature"`;
const FEATURES = 'feature!~"__prediction__|__score__|__label__"';
const PSEUDO = 'feature=~"__prediction__|__score__|__label__"';

const decision = valueMappings({ 0: ['no drift', 'green'], 1: ['drifted', 'red'] });
const psiThresholds = thresholds([['green', null], ['orange', 0.1], ['red', 0.25]]);
const effectThresholds = thresholds([['green', null], ['red', 0.1]]);
const shareThresholds = (orange, red) => thresholds([['green', null], ['orange', orange], ['red', red]]);

/** A link that keeps the dashboard's selection and sets `$feature` to the clicked one. */
const selectFeature = (value) => ({
  title: 'Show ${__field.labels.feature}',
  url: `/d/modelwatch-model/modelwatch-model?\${model:queryparam}&\${model_version:queryparam}&\${window:queryparam}&var-feature=${value}&\${DS_PROMETHEUS:queryparam}&\${__url_time_range}`,
  targetBlank: false,
});

/** The distribution panel's queries, as the plugin documents them (recognised by their metric names). */
function distributionTargets(filter = '') {
  const sel = filter ? `${S},${filter}` : S;
  return [
    q(`sum by (feature, bin) (increase(modelwatch_feature_values_total{${sel}}[$__range]))`, { instant: true }),
    q(`modelwatch_reference_feature_bin_ratio{${sel}}`, { instant: true }),
    q(`modelwatch_feature_drifted{${sel}}`, { instant: true }),
    q(`modelwatch_feature_drift{${sel}}`, { instant: true }),
    q(`modelwatch_feature_drift_p_value{${sel}}`, { instant: true }),
  ];
}

const pluginOptions = (o) => ({
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
  window: '$window',
  currentQuery: 'A',
  referenceQuery: 'B',
  psiEpsilon: 0.0001,
  ...o,
});

/** Realized metrics on a 0–1 scale, higher is better (drawn together with their intervals). */
const RATIOS = ['accuracy', 'precision', 'recall', 'f1', 'macro_f1', 'roc_auc'];
const RATIO_METRICS = `metric=~"${RATIOS.join('|')}"`;
/** Estimated metrics drawn against the realized ones (Gini is 2·AUC − 1). */
const ESTIMATED = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc'];
const ESTIMATED_METRICS = `metric=~"${ESTIMATED.join('|')}"`;

const latency = (quantile) =>
  `histogram_quantile(${quantile}, sum by (le) (rate(modelwatch_prediction_latency_seconds_bucket{${S}}[$__rate_interval])))`;

export default dashboard({
  uid: 'modelwatch-model',
  title: 'modelwatch / Model',
  description:
    'One model version: realized and estimated performance with intervals, change points, champion vs challenger, concept drift, drift by feature with the exporter\'s decisions, distributions, data quality, predictions and labels, latency.',
  tags: ['model'],
  variables: [
    queryVariable({
      name: 'model',
      label: 'Model',
      description: 'Model (from the reference profiles the exporter serves).',
      query: 'label_values(modelwatch_reference_info, model)',
    }),
    queryVariable({
      name: 'model_version',
      label: 'Version',
      description: 'Model version.',
      query: 'label_values(modelwatch_reference_info{model="$model"}, model_version)',
      sort: 2,
    }),
    queryVariable({
      name: 'window',
      label: 'Window',
      description: 'Sliding window of the exporter\'s drift and data-quality measures.',
      query: 'label_values(modelwatch_window_samples{model="$model",model_version="$model_version"}, window)',
    }),
    queryVariable({
      name: 'feature',
      label: 'Feature',
      description: 'Feature shown in detail; also set by clicking a feature in the drift table or the ranked list.',
      query: 'label_values(modelwatch_reference_feature_bin_ratio{model="$model",model_version="$model_version"}, feature)',
    }),
  ],
  panels: [
    row('Summary'),
    stat({
      title: 'Predictions/s',
      description: 'Prediction records accepted per second for this version (all replicas).',
      w: 3,
      h: 4,
      unit: 'reqps',
      targets: [q(`sum(rate(modelwatch_predictions_total{${S}}[$__rate_interval]))`, { legend: 'predictions/s' })],
    }),
    stat({
      title: 'Records in window',
      description: 'Prediction records in the selected sliding window (what drift and quality are computed on).',
      w: 3,
      h: 4,
      unit: 'short',
      thresholds: thresholds([['orange', null], ['green', 100]]),
      targets: [q(`max(modelwatch_window_samples{${SW}})`, { legend: 'records' })],
    }),
    stat({
      title: 'Drifted features',
      description: 'Share of the features with enough data that drifted in the window. Red from 50 % (dataset drift).',
      w: 3,
      h: 4,
      unit: 'percentunit',
      thresholds: thresholds([['green', null], ['orange', 0.01], ['red', 0.5]]),
      targets: [q(`max(modelwatch_drifted_features_ratio{${SW}})`, { legend: 'drifted' })],
    }),
    stat({
      title: 'Accuracy (1h)',
      description: 'Realized accuracy over the labelled predictions of the last hour (classifiers; at least 30 labelled predictions). Details under Performance.',
      w: 3,
      h: 4,
      unit: 'percentunit',
      decimals: 1,
      thresholds: thresholds([['red', null], ['orange', 0.5], ['green', 0.8]]),
      targets: [q(`max(model_version:modelwatch_classifications:accuracy1h{${S}})`, { legend: 'accuracy' })],
    }),
    stat({
      title: 'Latency p95',
      description: '95th percentile of the latency the model service reported, from the histogram.',
      w: 3,
      h: 4,
      unit: 's',
      targets: [q(latency(0.95), { legend: 'p95' })],
    }),
    stat({
      title: 'Outlier records',
      description: 'Share of the window\'s records that are out of distribution.',
      w: 3,
      h: 4,
      unit: 'percentunit',
      thresholds: shareThresholds(0.05, 0.2),
      targets: [q(`max(modelwatch_outlier_records_ratio{${SW}})`, { legend: 'outliers' })],
    }),
    stat({
      title: 'Label coverage',
      description: 'Share of the window\'s predictions whose ground-truth label has arrived. Red below 50 % (the label-coverage alert\'s default).',
      w: 3,
      h: 4,
      unit: 'percentunit',
      thresholds: thresholds([['red', null], ['orange', 0.5], ['green', 0.8]]),
      targets: [q(`max(modelwatch_label_coverage_ratio{${SW}})`, { legend: 'coverage' })],
    }),
    stat({
      title: 'Last record',
      description: 'Seconds since this version last received a prediction record.',
      w: 3,
      h: 4,
      unit: 's',
      graph: false,
      thresholds: thresholds([['green', null], ['orange', 300], ['red', 900]]),
      targets: [q(`time() - max(modelwatch_last_record_timestamp_seconds{${S}})`, { legend: 'age', instant: true })],
    }),
    table({
      title: 'Model version',
      description: 'The version\'s task and the metadata from the configuration (owner, training data, sources, …), as labels of modelwatch_model_info.',
      w: 16,
      h: 4,
      targets: [q(`modelwatch_model_info{${S}}`, { instant: true, format: 'table' })],
      hide: ['Value', '__name__', 'job', 'instance'],
    }),
    stat({
      title: 'Reference',
      description: 'The reference profile the version is compared with: its content hash and number of rows. More than one value means the replicas disagree.',
      w: 8,
      h: 4,
      graph: false,
      textMode: 'name',
      colorBackground: false,
      targets: [q(`max by (reference_id, rows) (modelwatch_reference_info{${S}})`, { legend: '{{reference_id}} · {{rows}} rows', instant: true })],
    }),

    row('Performance'),
    timeseries({
      title: 'Realized performance with 95 % interval ($window)',
      description:
        'The exporter\'s realized performance over the window\'s labelled predictions (by prediction time; at least 30): accuracy and macro-F1 for multiclass models; accuracy, precision, recall, F1 and ROC AUC for binary models (`positive_class`). Shaded: the exporter\'s 95 % confidence interval of each (Wilson for proportions, DeLong for AUC, delta method for F1). Dashed: the same metrics on the reference rows, and the configured bounds.',
      w: 12,
      h: 9,
      unit: 'percentunit',
      softMin: null,
      max: 1,
      targets: [
        q(`max by (metric) (modelwatch_model_performance{${SW},${RATIO_METRICS}})`, { legend: '{{metric}}' }),
        q(`max by (metric) (modelwatch_model_performance_lower{${SW},${RATIO_METRICS}})`, { legend: '{{metric}} lower' }),
        q(`max by (metric) (modelwatch_model_performance_upper{${SW},${RATIO_METRICS}})`, { legend: '{{metric}} upper' }),
        q(`max by (metric) (modelwatch_reference_model_performance{model="$model",${RATIO_METRICS}})`, { legend: 'reference {{metric}}' }),
        q(`max by (metric, bound) (modelwatch_performance_threshold{model="$model",${RATIO_METRICS}})`, { legend: '{{metric}} {{bound}}' }),
      ],
      overrides: [...RATIOS.flatMap((m) => band(`${m} lower`, `${m} upper`)), dashed('D'), dashed('E')],
    }),
    timeseries({
      title: 'Estimated vs realized performance ($window)',
      description:
        'Binary models with `positive_class` and scores: performance estimated from the scores alone (calibrated on the reference), available before any label arrives, with the band where the realized value should fall if the calibration holds. Solid: the realized value once labels land. A realized line leaving its band means the scores no longer mean what they did on the reference.',
      w: 12,
      h: 9,
      unit: 'percentunit',
      softMin: null,
      max: 1,
      targets: [
        q(`max by (metric) (modelwatch_model_performance_estimated{${SW},${ESTIMATED_METRICS}})`, { legend: 'estimated {{metric}}' }),
        q(`max by (metric) (modelwatch_model_performance_estimated_lower{${SW},${ESTIMATED_METRICS}})`, { legend: 'estimated {{metric}} lower' }),
        q(`max by (metric) (modelwatch_model_performance_estimated_upper{${SW},${ESTIMATED_METRICS}})`, { legend: 'estimated {{metric}} upper' }),
        q(`max by (metric) (modelwatch_model_performance{${SW},${ESTIMATED_METRICS}})`, { legend: 'realized {{metric}}' }),
      ],
      overrides: [
        ...ESTIMATED.flatMap((m) => band(`estimated ${m} lower`, `estimated ${m} upper`)),
        byQuery('A', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
        byQuery('D', [{ id: 'custom.lineWidth', value: 2 }]),
      ],
    }),
    table({
      title: 'Realized performance ($window), all metrics',
      description:
        'Every metric the exporter reports for the window (classification: accuracy, precision, recall, F1, ROC AUC, Gini, KS, log loss, Brier; regression: MAE, RMSE, MAPE, R², adjusted R², median AE) with its 95 % interval, next to the same metric on the reference rows.',
      w: 8,
      h: 9,
      targets: [
        q(`max by (metric) (modelwatch_model_performance{${SW}})`, { instant: true, format: 'table' }),
        q(`max by (metric) (modelwatch_model_performance_lower{${SW}})`, { instant: true, format: 'table' }),
        q(`max by (metric) (modelwatch_model_performance_upper{${SW}})`, { instant: true, format: 'table' }),
        q(`max by (metric) (modelwatch_reference_model_performance{model="$model"})`, { instant: true, format: 'table' }),
      ],
      columns: { A: 'Window', B: '95 % lower', C: '95 % upper', D: 'Reference' },
      decimals: 3,
      sortBy: 'metric',
      sortDesc: false,
    }),
    table({
      title: 'Per class ($window)',
      description:
        'Precision, recall and F1 of each class over the window\'s labelled predictions (classifiers; at least 30), worst F1 first. A class never predicted has no precision.',
      w: 8,
      h: 9,
      targets: [
        q(`max by (class) (modelwatch_model_class_performance{${SW},metric="precision"})`, { instant: true, format: 'table' }),
        q(`max by (class) (modelwatch_model_class_performance{${SW},metric="recall"})`, { instant: true, format: 'table' }),
        q(`max by (class) (modelwatch_model_class_performance{${SW},metric="f1"})`, { instant: true, format: 'table' }),
      ],
      columns: { A: 'Precision', B: 'Recall', C: 'F1' },
      sortBy: 'F1',
      sortDesc: false,
      unit: 'percentunit',
      decimals: 1,
      overrides: ['Precision', 'Recall', 'F1'].map((c) => colouredCell(c, [{ id: 'thresholds', value: thresholds([['red', null], ['orange', 0.5], ['green', 0.8]]) }])),
    }),
    table({
      title: 'Confusion matrix (time range)',
      description: 'Labelled predictions over the dashboard time range: one row per actual class, one column per predicted class.',
      w: 8,
      h: 9,
      targets: [q(`sum by (actual, predicted) (increase(modelwatch_classifications_total{${S}}[$__range]))`, { instant: true, format: 'table' })],
      decimals: 0,
      then: [{ id: 'groupingToMatrix', options: { columnField: 'predicted', rowField: 'actual', valueField: 'Value', emptyValue: 'zero' } }],
    }),
    timeseries({
      title: 'Regression error (last hour)',
      description:
        'Mean absolute error and root mean squared error over the labelled predictions of the last hour, in the label\'s unit, and R² on the right axis (recording rules of alert-rules/rules). Dashed: configured bounds. Regression models only.',
      w: 12,
      h: 9,
      unit: 'short',
      targets: [
        q(`max(model_version:modelwatch_regression:mae1h{${S}})`, { legend: 'MAE' }),
        q(`max(model_version:modelwatch_regression:rmse1h{${S}})`, { legend: 'RMSE' }),
        q(`max(model_version:modelwatch_regression:r2_1h{${S}})`, { legend: 'R²' }),
        q(`max by (metric, bound) (modelwatch_performance_threshold{model="$model",metric=~"mae|rmse"})`, { legend: '{{metric}} {{bound}}' }),
      ],
      overrides: [
        byQuery('C', [
          { id: 'custom.axisPlacement', value: 'right' },
          { id: 'unit', value: 'none' },
          { id: 'max', value: 1 },
        ]),
        dashed('D'),
      ],
    }),

    stat({
      title: 'Change points (time range)',
      description:
        'Change points the exporter\'s Page-Hinkley detectors found over the dashboard time range: `error` (error rate, or absolute error relative to the reference label spread) and `score` (mean score), each on blocks of 50 observations. Any is worth a look at the panels above.',
      w: 4,
      unit: 'short',
      decimals: 0,
      graph: false,
      thresholds: thresholds([['green', null], ['orange', 1]]),
      targets: [q(`sum by (signal) (increase(modelwatch_change_points_total{${S}}[$__range]))`, { legend: '{{signal}}', instant: true })],
    }),
    timeseries({
      title: 'Change points over time',
      description: 'When the change points were found: detections per interval, by signal (error, score).',
      w: 8,
      unit: 'short',
      draw: 'bars',
      fill: 80,
      targets: [q(`sum by (signal) (increase(modelwatch_change_points_total{${S}}[$__rate_interval]))`, { legend: '{{signal}}' })],
    }),

    row('Champion vs challenger'),
    table({
      title: 'Challengers vs the champion (time range)',
      description:
        'Challenger and baseline versions (`role`, or `"shadow": true`) of the model: the share of their predictions that agree with the champion\'s prediction for the same prediction_id, and how many were compared, over the dashboard time range. All versions of the model, whichever version is selected.',
      w: 12,
      h: 8,
      targets: [
        q(
          `sum by (model_version, role) (increase(modelwatch_shadow_agreements_total{model="$model"}[$__range])) / (sum by (model_version, role) (increase(modelwatch_shadow_comparisons_total{model="$model"}[$__range])) > 0)`,
          { instant: true, format: 'table' },
        ),
        q(`sum by (model_version, role) (increase(modelwatch_shadow_comparisons_total{model="$model"}[$__range]))`, { instant: true, format: 'table' }),
      ],
      columns: { A: 'Agreement', B: 'Compared' },
      sortBy: 'Agreement',
      sortDesc: false,
      overrides: [
        colouredCell('Agreement', [
          { id: 'unit', value: 'percentunit' },
          { id: 'decimals', value: 1 },
          { id: 'thresholds', value: thresholds([['orange', null], ['green', 0.9]]) },
        ]),
        byName('Compared', [{ id: 'unit', value: 'short' }, { id: 'decimals', value: 0 }]),
      ],
    }),
    barGauge({
      title: 'Performance by version ($window)',
      description:
        'The realized performance of every version of the model in the window, side by side: champion, challengers and baselines each have their own labelled predictions (a label joins all predictions of its prediction_id).',
      w: 12,
      h: 8,
      unit: 'percentunit',
      decimals: 1,
      min: 0,
      max: 1,
      thresholds: thresholds([['red', null], ['orange', 0.5], ['green', 0.8]]),
      targets: [
        q(`max by (model_version, metric) (modelwatch_model_performance{model="$model",window="$window",${RATIO_METRICS}})`, {
          legend: '{{model_version}} {{metric}}',
          instant: true,
        }),
      ],
    }),

    row('Concept drift'),
    table({
      title: 'Feature–label association ($window) vs reference',
      description:
        'Cramér\'s V between each feature (on its reference bins) and the label, over the window\'s labelled predictions (at least 30) and on the reference rows. The inputs can keep their distribution while their relation to the outcome changes (concept drift): a large difference is a reason to retrain even when no feature drifted. Largest difference first.',
      w: 12,
      h: 9,
      targets: [
        q(`max by (feature) (modelwatch_feature_label_association{${SW},${FEATURES}})`, { instant: true, format: 'table' }),
        q(`max by (feature) (modelwatch_reference_feature_label_association{model="$model",${FEATURES}})`, { instant: true, format: 'table' }),
        q(
          `abs(max by (feature) (modelwatch_feature_label_association{${SW},${FEATURES}}) - max by (feature) (modelwatch_reference_feature_label_association{model="$model",${FEATURES}}))`,
          { instant: true, format: 'table' },
        ),
      ],
      columns: { A: 'Window', B: 'Reference', C: 'Difference' },
      sortBy: 'Difference',
      decimals: 3,
      overrides: [
        byName('feature', [{ id: 'links', value: [selectFeature('${__data.fields.feature}')] }]),
        colouredCell('Difference', [{ id: 'thresholds', value: thresholds([['green', null], ['orange', 0.1], ['red', 0.2]]) }]),
      ],
    }),
    timeseries({
      title: '$feature: association with the label vs reference',
      description: 'Cramér\'s V between $feature and the label over the window\'s labelled predictions; dashed: the same on the reference rows.',
      w: 12,
      h: 9,
      unit: 'none',
      decimals: 3,
      min: 0,
      max: 1,
      targets: [
        q(`max(modelwatch_feature_label_association{${SWF}})`, { legend: 'window' }),
        q(`max(modelwatch_reference_feature_label_association{model="$model",feature="$feature"})`, { legend: 'reference' }),
      ],
      overrides: [dashed('B')],
    }),

    row('Labels'),
    timeseries({
      title: 'Label coverage by window',
      description: 'Share of each window\'s predictions whose ground-truth label has arrived. Labels arrive late, so short windows read lower. Red line: 50 %.',
      w: 8,
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: thresholds([['red', null], ['green', 0.5]]),
      thresholdsStyle: 'line',
      targets: [q(`max by (window) (modelwatch_label_coverage_ratio{${S}})`, { legend: '{{window}}' })],
    }),
    timeseries({
      title: 'Label delay p50 / p95',
      description: 'Time from a prediction\'s receipt to its label\'s receipt, quantiles from the histogram of the labels that arrived.',
      w: 8,
      unit: 's',
      targets: [
        q(`histogram_quantile(0.5, sum by (le) (rate(modelwatch_label_delay_seconds_bucket{${S}}[$__rate_interval])))`, { legend: 'p50' }),
        q(`histogram_quantile(0.95, sum by (le) (rate(modelwatch_label_delay_seconds_bucket{${S}}[$__rate_interval])))`, { legend: 'p95' }),
      ],
    }),
    timeseries({
      title: 'Labels and predictions received',
      description:
        'Prediction and ground-truth label records accepted per second, and predictions joined with their label. Labels arrive late, so the label rate trails the prediction rate by the label delay.',
      w: 8,
      unit: 'reqps',
      targets: [
        q(`sum(rate(modelwatch_predictions_total{${S}}[$__rate_interval]))`, { legend: 'predictions' }),
        q(`sum(rate(modelwatch_labels_total{${S}}[$__rate_interval]))`, { legend: 'labels' }),
        q(`sum(rate(modelwatch_joined_predictions_total{${S}}[$__rate_interval]))`, { legend: 'joined' }),
      ],
    }),

    row('Drift by feature'),
    table({
      title: 'Features by drift',
      description:
        'Per feature in the selected window: PSI and Jensen–Shannon distance against the reference, the p-value of the primary test (KS for numeric, χ² for categorical features) and the decision: drifted when the p-value is significant after the Benjamini–Hochberg correction across the features AND the effect reaches the minimum. Features with too little data have no scores. Click a feature to show it below.',
      w: 12,
      h: 11,
      targets: [
        q(`max by (feature) (modelwatch_feature_drift{${SW},method="psi"})`, { instant: true, format: 'table' }),
        q(`max by (feature) (modelwatch_feature_drift{${SW},method="js"})`, { instant: true, format: 'table' }),
        q(
          `min by (feature) (modelwatch_feature_drift_p_value{${SW},test="ks"} or ignoring (test) modelwatch_feature_drift_p_value{${SW},test="chi2"})`,
          { instant: true, format: 'table' },
        ),
        q(`max by (feature) (modelwatch_feature_drifted{${SW}})`, { instant: true, format: 'table' }),
        q(`max by (feature) (modelwatch_feature_insufficient_data{${SW}})`, { instant: true, format: 'table' }),
      ],
      columns: { A: 'PSI', B: 'JS', C: 'p-value', D: 'Decision', E: 'Data' },
      sortBy: 'PSI',
      overrides: [
        byName('feature', [{ id: 'links', value: [selectFeature('${__data.fields.feature}')] }]),
        colouredCell('PSI', [{ id: 'decimals', value: 3 }, { id: 'thresholds', value: psiThresholds }]),
        colouredCell('JS', [{ id: 'decimals', value: 3 }, { id: 'thresholds', value: effectThresholds }]),
        byName('p-value', [{ id: 'unit', value: 'sci' }, { id: 'decimals', value: 1 }]),
        colouredCell('Decision', [{ id: 'mappings', value: decision }]),
        byName('Data', [{ id: 'mappings', value: valueMappings({ 0: ['enough', 'text'], 1: ['too little', 'orange'] }) }]),
      ],
    }),
    distributionPanel({
      title: 'Features ranked by drift (time range vs reference)',
      description:
        'Every feature\'s production distribution over the dashboard time range against the reference, ranked by PSI, with the exporter\'s decision for the selected window. Click a feature to show it below.',
      w: 12,
      h: 11,
      targets: distributionTargets(),
      options: pluginOptions({ mode: 'ranked' }),
    }),
    timeseries({
      title: 'PSI by feature',
      description: 'Population stability index of each feature in the sliding window. Dashed lines: 0.1 (moderate) and 0.25 (significant shift).',
      w: 12,
      unit: 'none',
      decimals: 3,
      thresholds: psiThresholds,
      thresholdsStyle: 'dashed',
      targets: [q(`max by (feature) (modelwatch_feature_drift{${SW},method="psi",${FEATURES}})`, { legend: '{{feature}}' })],
      links: [selectFeature('${__field.labels.feature}')],
    }),
    stateTimeline({
      title: 'Drift decision by feature',
      description: 'The exporter\'s decision per feature over time: drifted after the Benjamini–Hochberg correction and the minimum effect, in the selected window.',
      w: 12,
      mappings: decision,
      thresholds: thresholds([['green', null], ['red', 1]]),
      targets: [q(`max by (feature) (modelwatch_feature_drifted{${SW},${FEATURES}})`, { legend: '{{feature}}' })],
    }),

    row('Feature: $feature'),
    distributionPanel({
      title: 'Distribution of $feature (time range vs reference)',
      description:
        'Reference share per bin next to the production share over the dashboard time range, with each bin\'s PSI contribution and the exporter\'s decision for the selected window. Missing values are a bin of their own.',
      w: 14,
      h: 11,
      targets: distributionTargets(),
      options: pluginOptions({ mode: 'single', feature: '$feature' }),
    }),
    timeseries({
      title: '$feature: mean and median vs reference',
      description: 'Mean and median (p50) of the feature in the window; dashed: the same statistics of the reference. Numeric features only.',
      w: 10,
      h: 11,
      unit: 'short',
      targets: [
        q(`max by (stat) (modelwatch_feature_statistic{${SWF},stat=~"mean|p50"})`, { legend: 'window {{stat}}' }),
        q(`max by (stat) (modelwatch_reference_feature_statistic{${S},feature="$feature",stat=~"mean|p50"})`, { legend: 'reference {{stat}}' }),
      ],
      softMin: null,
      overrides: [byQuery('B', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }])],
    }),
    timeseries({
      title: '$feature: drift scores',
      description:
        'Bounded drift measures of the feature in the window: PSI, Jensen–Shannon and Hellinger distances, and for numeric features the KS statistic and the normed Wasserstein distance.',
      w: 12,
      unit: 'none',
      decimals: 3,
      targets: [q(`max by (method) (modelwatch_feature_drift{${SWF},method=~"psi|js|hellinger|ks|wasserstein"})`, { legend: '{{method}}' })],
    }),
    timeseries({
      title: '$feature: p-values',
      description:
        'p-values of the feature\'s tests in the window (log scale), before the Benjamini–Hochberg correction; the dashed line is the false discovery rate q = 0.05.',
      w: 12,
      unit: 'none',
      log: 10,
      thresholds: thresholds([['red', null], ['green', 0.05]]),
      thresholdsStyle: 'dashed',
      targets: [q(`max by (test) (modelwatch_feature_drift_p_value{${SWF}})`, { legend: '{{test}}' })],
    }),

    row('Data quality'),
    timeseries({
      title: 'Missing values',
      description: 'Share of missing values per feature in the window.',
      w: 8,
      unit: 'percentunit',
      min: 0,
      targets: [q(`max by (feature) (modelwatch_feature_missing_ratio{${SW},${FEATURES}})`, { legend: '{{feature}}' })],
    }),
    barGauge({
      title: 'Missing share above the reference',
      description: 'Missing share in the window minus the missing share in the reference, per feature. Red from +10 points (the missing-share alert).',
      w: 8,
      unit: 'percentunit',
      min: -0.1,
      max: 0.3,
      thresholds: shareThresholds(0.05, 0.1),
      targets: [
        q(
          `max by (feature) (modelwatch_feature_missing_ratio{${SW},${FEATURES}}) - max by (feature) (modelwatch_reference_feature_missing_ratio{${S},${FEATURES}})`,
          { legend: '{{feature}}', instant: true },
        ),
      ],
    }),
    timeseries({
      title: 'Out of reference range',
      description: 'Share of present numeric values outside the reference [min, max], per feature. Orange from 5 % (the out-of-range alert).',
      w: 8,
      unit: 'percentunit',
      min: 0,
      thresholds: shareThresholds(0.05, 0.2),
      thresholdsStyle: 'line',
      targets: [q(`max by (feature) (modelwatch_feature_out_of_range_ratio{${SW},${FEATURES}})`, { legend: '{{feature}}' })],
    }),
    timeseries({
      title: 'Unseen categories',
      description: 'Share of categorical values the reference never had, per feature. Orange from 5 % (the unseen-categories alert).',
      w: 8,
      unit: 'percentunit',
      min: 0,
      thresholds: shareThresholds(0.05, 0.2),
      thresholdsStyle: 'line',
      targets: [q(`max by (feature) (modelwatch_feature_unseen_ratio{${SW},${FEATURES}})`, { legend: '{{feature}}' })],
    }),
    timeseries({
      title: 'Outlier and duplicate records',
      description: 'Share of the window\'s records that are out of distribution, and that repeat a recent prediction_id.',
      w: 8,
      unit: 'percentunit',
      min: 0,
      targets: [
        q(`max(modelwatch_outlier_records_ratio{${SW}})`, { legend: 'outliers' }),
        q(`max(modelwatch_duplicate_predictions_ratio{${SW}})`, { legend: 'duplicates' }),
      ],
    }),
    timeseries({
      title: 'Schema violations',
      description:
        'Fields per second that violate the reference schema: missing_field (a reference feature absent), unexpected_field (a key the reference lacks), type_error (the record was rejected).',
      w: 8,
      unit: 'short',
      stack: 'normal',
      targets: [q(`sum by (kind) (rate(modelwatch_schema_violations_total{${S}}[$__rate_interval]))`, { legend: '{{kind}}' })],
    }),

    row('Predictions, scores and labels'),
    distributionPanel({
      title: 'Prediction, score and label distributions',
      description:
        'Predicted classes (or values), scores and ground-truth labels over the time range against the reference: prediction drift and label (prior) shift.',
      w: 12,
      h: 10,
      targets: distributionTargets(PSEUDO),
      options: pluginOptions({ mode: 'grid' }),
    }),
    timeseries({
      title: 'Prediction, score and label drift (JS)',
      description:
        'Jensen–Shannon distance of the predictions, scores and labels in the window against the reference. Dashed: 0.1, the default minimum effect for a drift decision.',
      w: 12,
      h: 10,
      unit: 'none',
      decimals: 3,
      thresholds: effectThresholds,
      thresholdsStyle: 'dashed',
      targets: [q(`max by (feature) (modelwatch_feature_drift{${SW},method="js",${PSEUDO}})`, { legend: '{{feature}}' })],
    }),
    timeseries({
      title: 'Predicted class mix',
      description: 'Share of each predicted class (or prediction bin, for regression) among the predictions, over time.',
      w: 24,
      unit: 'percentunit',
      stack: 'normal',
      min: 0,
      max: 1,
      targets: [
        q(
          `sum by (bin) (rate(modelwatch_feature_values_total{${S},feature="__prediction__"}[$__rate_interval])) / ignoring (bin) group_left () (sum (rate(modelwatch_feature_values_total{${S},feature="__prediction__"}[$__rate_interval])) > 0)`,
          { legend: '{{bin}}' },
        ),
      ],
    }),
    row('Latency'),
    timeseries({
      title: 'Latency p50 / p95 / p99',
      description: 'Latency the model service reported with each prediction, quantiles estimated from the histogram buckets. Dashed: the configured objectives (`slo: {latency_p95_ms: …}`).',
      w: 12,
      unit: 's',
      targets: [
        q(latency(0.5), { legend: 'p50' }),
        q(latency(0.95), { legend: 'p95' }),
        q(latency(0.99), { legend: 'p99' }),
        q(`max by (percentile) (modelwatch_latency_slo_seconds{${S}})`, { legend: 'p{{percentile}} objective' }),
      ],
      overrides: [dashed('D')],
    }),
    heatmap({
      title: 'Latency distribution',
      description: 'Predictions per latency bucket over time (the histogram the quantiles come from).',
      w: 12,
      unit: 's',
      targets: [
        q(`sum by (le) (increase(modelwatch_prediction_latency_seconds_bucket{${S}}[$__rate_interval]))`, {
          legend: '{{le}}',
          format: 'heatmap',
        }),
      ],
    }),
  ],
});
