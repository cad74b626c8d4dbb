/** `modelwatch_inference_cost_total` from a {@link CostMeter}. */
import type { Collector, Emit } from '../metrics/collector.js';
import type { CostMeter } from './cost.js';

export const INFERENCE_COST_FAMILY = 'modelwatch_inference_cost_total';

/**
 * `currency` names the unit of the configured rates in the HELP text (e.g. "USD"); the exporter never
 * converts between currencies.
 */
export function costCollector(meter: CostMeter, opts: { currency?: string } = {}): Collector {
  const unit = opts.currency ? opts.currency : 'the currency unit of the configured cost rates';
  return {
    name: 'cost',
    families: [
      {
        name: INFERENCE_COST_FAMILY,
        help: `Inference cost accumulated from measured usage and the configured cost rates, in ${unit}.`,
        type: 'counter',
      },
    ],
    collect(emit: Emit) {
      for (const e of meter.list()) emit(INFERENCE_COST_FAMILY, { model: e.model, model_version: e.version }, e.total);
    },
  };
}
