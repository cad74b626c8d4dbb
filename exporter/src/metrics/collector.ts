/**
 * The collector interface, after node_exporter's: a collector declares its metric families and, on each
 * scrape, emits their samples from the current state. Collectors hold no metric objects of their own and
 * never set values between scrapes; a scrape is a consistent read of the state.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface FamilyDef {
  name: string;
  help: string;
  type: MetricType;
}

export type Labels = Record<string, string>;

export interface Emit {
  /**
   * Adds a sample to `family`. For histograms pass `suffix` "_bucket" (with an `le` label), "_sum" or
   * "_count".
   */
  (family: string, labels: Labels, value: number, suffix?: '_bucket' | '_sum' | '_count'): void;
}

export interface Collector {
  /** Short name for the per-collector duration/success gauges. */
  readonly name: string;
  readonly families: readonly FamilyDef[];
  collect(emit: Emit, now: number): void;
}
