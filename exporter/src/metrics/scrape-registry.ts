/**
 * Runs the collectors on each scrape and hands their samples to prom-client's registries for
 * exposition (Prometheus text 0.0.4, or OpenMetrics when asked), together with prom-client's process and
 * Node.js metrics. Each collector's duration and success are exported as
 * `modelwatch_scrape_collector_duration_seconds` / `modelwatch_scrape_collector_success`; a collector that
 * throws yields no samples (never stale ones) and success 0.
 */
import { collectDefaultMetrics, Registry, type OpenMetricsContentType } from 'prom-client';
import type { Logger } from '../log/logger.js';
import type { Collector, FamilyDef, Labels } from './collector.js';

interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

type Snapshot = Map<string, Sample[]>;

const SELF_FAMILIES: FamilyDef[] = [
  { name: 'modelwatch_scrape_collector_duration_seconds', help: 'Time a collector took during the last scrape.', type: 'gauge' },
  { name: 'modelwatch_scrape_collector_success', help: 'Whether a collector succeeded during the last scrape (1) or failed (0).', type: 'gauge' },
];

/** A prom-client metric whose values come from the latest scrape snapshot. */
class SnapshotFamily {
  name: string;
  readonly help: string;
  readonly type: string;
  readonly aggregator = 'sum';
  constructor(
    def: FamilyDef,
    private readonly current: () => Snapshot,
    private readonly key: string,
  ) {
    this.name = def.name;
    this.help = def.help;
    this.type = def.type;
  }
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    return { name: this.name, help: this.help, type: this.type, values: this.current().get(this.key) ?? [], aggregator: this.aggregator };
  }
}

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export class ScrapeRegistry {
  private readonly text = new Registry();
  private readonly openMetrics = new Registry<OpenMetricsContentType>();
  private snapshot: Snapshot = new Map();
  private readonly collectors: Collector[] = [];
  private scraping: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
    opts: { processMetrics?: boolean } = {},
  ) {
    this.openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    if (opts.processMetrics !== false) {
      collectDefaultMetrics({ register: this.text });
      collectDefaultMetrics({ register: this.openMetrics });
    }
    for (const def of SELF_FAMILIES) this.registerFamily(def);
  }

  add(collector: Collector): this {
    for (const def of collector.families) this.registerFamily(def);
    this.collectors.push(collector);
    return this;
  }

  contentType(format: ExpositionFormat): string {
    return format === 'openmetrics' ? this.openMetrics.contentType : this.text.contentType;
  }

  /** One scrape: collect, then serialise. Concurrent scrapes are serialised so snapshots never mix. */
  async scrape(format: ExpositionFormat): Promise<string> {
    const run = this.scraping.then(() => this.scrapeNow(format));
    this.scraping = run.catch(() => undefined);
    return run;
  }

  private async scrapeNow(format: ExpositionFormat): Promise<string> {
    const now = this.clock();
    const snap: Snapshot = new Map();
    const durations: Sample[] = [];
    const successes: Sample[] = [];
    for (const c of this.collectors) {
      const local: Snapshot = new Map();
      const started = performance.now();
      let ok = 1;
      try {
        c.collect((family, labels, value, suffix) => {
          let list = local.get(family);
          if (!list) {
            list = [];
            local.set(family, list);
          }
          list.push(suffix ? { labels, value, metricName: family + suffix } : { labels, value });
        }, now);
      } catch (err) {
        ok = 0;
        this.logger.error({ collector: c.name, err: (err as Error).message, stack: (err as Error).stack }, 'collector failed');
      }
      if (ok) {
        for (const [k, v] of local) {
          const existing = snap.get(k);
          if (existing) existing.push(...v);
          else snap.set(k, v);
        }
      }
      durations.push({ labels: { collector: c.name }, value: (performance.now() - started) / 1000 });
      successes.push({ labels: { collector: c.name }, value: ok });
    }
    snap.set('modelwatch_scrape_collector_duration_seconds', durations);
    snap.set('modelwatch_scrape_collector_success', successes);
    this.snapshot = snap;
    return format === 'openmetrics' ? this.openMetrics.metrics() : this.text.metrics();
  }

  private registerFamily(def: FamilyDef): void {
    // Separate objects per registry: prom-client renames counters in place for OpenMetrics.
    for (const reg of [this.text, this.openMetrics]) {
      reg.registerMetric(new SnapshotFamily(def, () => this.snapshot, def.name) as never);
    }
  }
}
