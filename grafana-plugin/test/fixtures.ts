/**
 * Query results shaped like the Prometheus data source returns them, for the unit tests and the browser
 * harness: one frame per series with `Time` and `Value` fields, the labels on the value field, the
 * executed query in the frame meta. Raw selectors keep `__name__`; aggregations drop it.
 */
import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';

export interface SeriesSpec {
  labels: Record<string, string>;
  value: number | null;
}

export interface QuerySpec {
  refId: string;
  expr: string;
  series: SeriesSpec[];
}

export const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const MODEL = { model: 'churn', model_version: 'v3' };
const TARGET = { instance: 'exporter:9464', job: 'modelwatch', ...MODEL };

export const CURRENT_EXPR =
  'sum by (feature, bin) (increase(modelwatch_feature_values_total{model="churn",model_version="v3"}[6h]))';
export const REFERENCE_EXPR = 'modelwatch_reference_feature_bin_ratio{model="churn",model_version="v3"}';
export const DRIFTED_EXPR = 'modelwatch_feature_drifted{model="churn",model_version="v3"}';
export const DRIFT_EXPR = 'modelwatch_feature_drift{model="churn",model_version="v3"}';
export const P_VALUE_EXPR = 'modelwatch_feature_drift_p_value{model="churn",model_version="v3"}';

/**
 * Frames for the queries. `points` > 1 gives a range query: values climb to the given value at the last
 * step (with a gap on the way), as `increase(...[$__range])` does over a range query.
 */
export function promFrames(queries: QuerySpec[], points = 1, withExecutedQuery = true): DataFrame[] {
  const frames: DataFrame[] = [];
  for (const q of queries) {
    for (const s of q.series) {
      const times = Array.from({ length: points }, (_, i) => T0 - (points - 1 - i) * 60_000);
      const values = times.map((_, i) => {
        if (i === points - 1 || s.value === null) return s.value;
        if (i === 1) return null;
        return (s.value * (i + 1)) / points;
      });
      frames.push(
        toDataFrame({
          refId: q.refId,
          meta: {
            type: 'timeseries-multi',
            typeVersion: [0, 1],
            custom: { resultType: points > 1 ? 'matrix' : 'vector' },
            ...(withExecutedQuery ? { executedQueryString: `Expr: ${q.expr}\nStep: 1m0s` } : {}),
          },
          fields: [
            { name: 'Time', type: FieldType.time, values: times, config: { interval: 60_000 } },
            { name: 'Value', type: FieldType.number, values, labels: s.labels, config: {} },
          ],
        }),
      );
    }
  }
  return frames;
}

/** The production-count query's series: `sum by (feature, bin)` keeps only those two labels. */
export function currentQuery(counts: Record<string, Record<string, number>>, refId = 'A'): QuerySpec {
  const series: SeriesSpec[] = [];
  for (const [feature, bins] of Object.entries(counts)) {
    for (const [bin, value] of Object.entries(bins)) series.push({ labels: { feature, bin }, value });
  }
  return { refId, expr: CURRENT_EXPR, series };
}

export interface ReferenceBin {
  bin: string;
  ratio: number;
  lower?: string;
  upper?: string;
}

/** The reference gauge, selected raw: every label of the target plus `__name__`; empty edges are absent. */
export function referenceQuery(features: Record<string, ReferenceBin[]>, refId = 'B'): QuerySpec {
  const series: SeriesSpec[] = [];
  for (const [feature, bins] of Object.entries(features)) {
    for (const b of bins) {
      series.push({
        labels: {
          __name__: 'modelwatch_reference_feature_bin_ratio',
          ...TARGET,
          feature,
          bin: b.bin,
          ...(b.lower ? { lower: b.lower } : {}),
          ...(b.upper ? { upper: b.upper } : {}),
        },
        value: b.ratio,
      });
    }
  }
  return { refId, expr: REFERENCE_EXPR, series };
}

/** Numeric reference bins "00".."NN" from inner edges and shares (the last share is `missing`). */
export function numericReference(edges: number[], shares: number[]): ReferenceBin[] {
  const width = Math.max(2, String(edges.length).length);
  const bounds = ['-Inf', ...edges.map(String), '+Inf'];
  const bins: ReferenceBin[] = [];
  for (let i = 0; i <= edges.length; i++) {
    bins.push({ bin: String(i).padStart(width, '0'), ratio: shares[i] as number, lower: bounds[i], upper: bounds[i + 1] });
  }
  bins.push({ bin: 'missing', ratio: shares[edges.length + 1] as number });
  return bins;
}

export function driftedQuery(decisions: Record<string, number>, window = '1h', refId = 'C'): QuerySpec {
  return {
    refId,
    expr: DRIFTED_EXPR,
    series: Object.entries(decisions).map(([feature, value]) => ({
      labels: { __name__: 'modelwatch_feature_drifted', ...TARGET, feature, window },
      value,
    })),
  };
}

export function driftQuery(scores: Record<string, number>, method = 'psi', window = '1h', refId = 'D'): QuerySpec {
  return {
    refId,
    expr: DRIFT_EXPR,
    series: Object.entries(scores).map(([feature, value]) => ({
      labels: { __name__: 'modelwatch_feature_drift', ...TARGET, feature, window, method },
      value,
    })),
  };
}

export function pValueQuery(pValues: Record<string, number>, test = 'ks', window = '1h', refId = 'E'): QuerySpec {
  return {
    refId,
    expr: P_VALUE_EXPR,
    series: Object.entries(pValues).map(([feature, value]) => ({
      labels: { __name__: 'modelwatch_feature_drift_p_value', ...TARGET, feature, window, test },
      value,
    })),
  };
}

// ---- canned scenarios (shared by the component tests and the browser harness) ----------------------

/** Deciles of a feature `age`, production shifted to older values; `missing` grew from 2 % to 6 %. */
export function numericScenario(): QuerySpec[] {
  const edges = [22, 27, 31, 35, 39, 43, 48, 54, 61];
  const ref = [0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.098, 0.02];
  const counts = [310, 420, 560, 720, 880, 1040, 1190, 1320, 1460, 1500, 600];
  const bins = numericReference(edges, ref);
  return [
    currentQuery({ age: Object.fromEntries(bins.map((b, i) => [b.bin, counts[i] as number])) }),
    referenceQuery({ age: bins }),
    driftedQuery({ age: 1 }),
    driftQuery({ age: 0.31 }),
    pValueQuery({ age: 2.4e-9 }),
  ];
}

/** A categorical feature `country`: top categories, `__other__`, `__unseen__` and `missing`. */
export function categoricalScenario(): QuerySpec[] {
  const ref: Record<string, number> = { US: 0.42, DE: 0.18, FR: 0.12, GB: 0.1, ES: 0.06, __other__: 0.1, __unseen__: 0, missing: 0.02 };
  const cur: Record<string, number> = { US: 3100, DE: 1650, FR: 700, GB: 820, ES: 410, __other__: 900, __unseen__: 560, missing: 160 };
  return [
    currentQuery({ country: cur }),
    referenceQuery({ country: Object.entries(ref).map(([bin, ratio]) => ({ bin, ratio })) }),
    driftedQuery({ country: 1 }),
  ];
}

/** `n` features with increasing shift, for the ranked list and small multiples. */
export function manyFeaturesScenario(n: number): QuerySpec[] {
  const counts: Record<string, Record<string, number>> = {};
  const refs: Record<string, ReferenceBin[]> = {};
  const decisions: Record<string, number> = {};
  for (let f = 0; f < n; f++) {
    const name = `feature_${String(f).padStart(3, '0')}`;
    const shift = (f % 17) / 16; // 0..1
    const edges = [1, 2, 3, 4];
    refs[name] = numericReference(edges, [0.2, 0.2, 0.2, 0.2, 0.19, 0.01]);
    const bins = refs[name].map((b) => b.bin);
    const weights = [0.2 - 0.1 * shift, 0.2 - 0.05 * shift, 0.2, 0.2 + 0.05 * shift, 0.19 + 0.1 * shift, 0.01];
    counts[name] = Object.fromEntries(bins.map((b, i) => [b, Math.round((weights[i] as number) * 5000)]));
    decisions[name] = shift >= 0.85 ? 1 : 0;
  }
  return [currentQuery(counts), referenceQuery(refs), driftedQuery(decisions)];
}

/** One categorical feature with `n` categories (a long tail), to check the list stays usable. */
export function manyCategoriesScenario(n: number): QuerySpec[] {
  const ref: ReferenceBin[] = [];
  const cur: Record<string, number> = {};
  let refTotal = 0;
  for (let i = 0; i < n; i++) refTotal += 1 / (i + 1);
  for (let i = 0; i < n; i++) {
    const bin = `sku-${String(i).padStart(4, '0')}`;
    ref.push({ bin, ratio: 1 / (i + 1) / refTotal });
    cur[bin] = Math.round((1000 * ((i * 7919) % 13 + 1)) / (i + 1));
  }
  ref.push({ bin: 'missing', ratio: 0 });
  cur.missing = 3;
  return [currentQuery({ sku: cur }), referenceQuery({ sku: ref })];
}
