/**
 * The reference profile: what modelwatch keeps of the reference (training) data. It is JSON-serialisable
 * (cached on disk) and identified by `referenceId`, a content hash of the data file plus the settings
 * that shaped the profile.
 */
export const PROFILE_FORMAT_VERSION = 2;

/** Reserved bin names. */
export const MISSING_BIN = 'missing';
export const OTHER_BIN = '__other__';
export const UNSEEN_BIN = '__unseen__';

/** Pseudo-feature names under which prediction, score and label distributions are exported. */
export const PREDICTION_COLUMN = '__prediction__';
export const SCORE_COLUMN = '__score__';
export const LABEL_COLUMN = '__label__';

export type ColumnRole = 'feature' | 'prediction' | 'score' | 'label';

interface ColumnProfileBase {
  /** Name used in the `feature` label (feature name, or one of the pseudo-feature names). */
  name: string;
  /** Column in the data it was read from. */
  source: string;
  role: ColumnRole;
  /** Rows seen, including missing ones. */
  count: number;
  missing: number;
  /** Bin names in export order; the last one is always `missing`. */
  binLabels: string[];
  /** Reference share of each bin (same order as binLabels), summing to 1 over rows with the column. */
  ratios: number[];
}

export interface NumericColumnProfile extends ColumnProfileBase {
  kind: 'numeric';
  /** Inner edges e_1 < ... < e_k; bins are (-Inf, e_1], (e_1, e_2], ..., (e_k, +Inf). */
  edges: number[];
  /** Display spelling of each bin's edges ("-Inf", "+Inf" or a number); empty for `missing`. */
  lower: string[];
  upper: string[];
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation (ddof = 0). */
  std: number;
  quantiles: Record<string, number>;
  /** Up to sampleSize evenly spaced order statistics of the finite values, ascending. */
  sample: number[];
}

export interface CategoricalColumnProfile extends ColumnProfileBase {
  kind: 'categorical';
  /** The top-K categories (by count, then name), exported as their own bins. */
  categories: string[];
  /** Every distinct category seen (up to a cap), to tell `__other__` from `__unseen__`. */
  known: string[];
  distinct: number;
  /** True when more distinct categories existed than `known` holds. */
  knownTruncated: boolean;
}

export type ColumnProfile = NumericColumnProfile | CategoricalColumnProfile;

export interface ReferenceProfile {
  formatVersion: number;
  referenceId: string;
  model: string;
  source: { path: string; sha256: string; bytes: number; format: 'csv' | 'ndjson' };
  rows: number;
  createdAt: string;
  settings: ProfileSettings;
  columns: ColumnProfile[];
  /**
   * Binary classification with scores and labels in the reference: isotonic calibration of the positive
   * class's score (breakpoints), for confidence-based performance estimation.
   */
  calibration?: { x: number[]; y: number[]; rows: number } | undefined;
  /** The model's performance on the reference rows that have a prediction and a label (metric → value). */
  performance?: Record<string, number> | undefined;
  /** Cramér's V between each feature's bin and the label's bin on the reference rows with a label. */
  association?: Record<string, number> | undefined;
}

export interface ProfileSettings {
  bins: number;
  topK: number;
  sampleSize: number;
  missingValues: string[];
  /** Explicit features, or undefined when inferred. */
  features: { name: string; type: 'numeric' | 'categorical'; bins?: number | undefined; topK?: number | undefined }[] | undefined;
  excludeColumns: string[];
  predictionField: string | undefined;
  scoreField: string | undefined;
  labelField: string | undefined;
  task: 'classification' | 'regression';
  positiveClass?: string | undefined;
}
