/**
 * The metric contract the panel reads (see docs/metrics.md). Names and the queries the empty state suggests.
 */
export const CURRENT_METRIC = 'modelwatch_feature_values_total';
export const REFERENCE_METRIC = 'modelwatch_reference_feature_bin_ratio';
export const DRIFT_METRIC = 'modelwatch_feature_drift';
export const P_VALUE_METRIC = 'modelwatch_feature_drift_p_value';
export const DRIFTED_METRIC = 'modelwatch_feature_drifted';

/** Feature names the exporter uses for the prediction and label distributions. */
export const PREDICTION_FEATURE = '__prediction__';
export const LABEL_FEATURE = '__label__';

/** Bin names with a fixed meaning. */
export const MISSING_BIN = 'missing';
export const OTHER_BIN = '__other__';
export const UNSEEN_BIN = '__unseen__';

export const CURRENT_QUERY =
  `sum by (feature, bin) (increase(${CURRENT_METRIC}{model="$model",model_version="$model_version"}[$__range]))`;
export const REFERENCE_QUERY = `${REFERENCE_METRIC}{model="$model",model_version="$model_version"}`;
export const DRIFTED_QUERY = `${DRIFTED_METRIC}{model="$model",model_version="$model_version"}`;

/** What the panel expects, for the empty and wrong-shape states. */
export const EXPECTED_SERIES: ReadonlyArray<{ role: string; metric: string; labels: string; query: string; required: boolean }> = [
  { role: 'production counts', metric: CURRENT_METRIC, labels: 'feature, bin', query: CURRENT_QUERY, required: true },
  {
    role: 'reference shares',
    metric: REFERENCE_METRIC,
    labels: 'feature, bin, lower, upper',
    query: REFERENCE_QUERY,
    required: true,
  },
  { role: 'exporter decision (optional)', metric: DRIFTED_METRIC, labels: 'feature, window', query: DRIFTED_QUERY, required: false },
];
