import type { StatisticId } from './data/scores';

export type { StatisticId };

/** One feature in detail, a ranked list of features, or small multiples of features. */
export type ViewMode = 'single' | 'ranked' | 'grid';
/** Bars per bin, or cumulative distributions with the largest gap marked (numeric features). */
export type ChartView = 'bars' | 'cdf';
/** Reference and current bars drawn over each other, or current above and reference below an axis. */
export type BarStyle = 'overlay' | 'mirrored';
/** Bar heights as shares of the total, or as counts (reference scaled to the current total). */
export type Normalization = 'share' | 'count';

export interface DistributionOptions {
  mode: ViewMode;
  /** Feature shown in single mode; template variables allowed. Empty: the most drifted feature. */
  feature: string;
  chart: ChartView;
  barStyle: BarStyle;
  showContributions: boolean;
  /** Statistic used for ranking and threshold colours. */
  statistic: StatisticId;
  normalization: Normalization;
  logScale: boolean;
  referenceColor: string;
  currentColor: string;
  contributionColor: string;
  /** Categories listed before the rest is folded into one row. */
  maxCategories: number;
  /** Dashboard variable set when a feature is clicked in the ranked list or the small multiples. */
  variable: string;
  /** Exporter window whose decision is shown; empty: the longest window reported. */
  window: string;
  /** refId of the production-count query; empty: recognised automatically. */
  currentQuery: string;
  /** refId of the reference query; empty: recognised automatically. */
  referenceQuery: string;
  /** Zero-share replacement in PSI; must match the exporter's `psi_epsilon`. */
  psiEpsilon: number;
}
