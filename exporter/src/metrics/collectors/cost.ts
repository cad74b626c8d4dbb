/**
 * Inference cost: measured usage times the configured rates, accumulated into a monotone total per model
 * version. Usage per scrape interval:
 *   - requests: the increase of modelwatch_requests_total (per version);
 *   - CPU and GPU seconds: what the model service reported per request (cpu_ms, gpu_ms) when it reports
 *     them; for a model that reports none, the watched processes' CPU seconds (from /proc), charged to the
 *     model's configured version;
 *   - memory: the watched processes' resident memory held over the interval, charged to the configured
 *     version.
 * Runs after the process-watch collector in the same scrape, so process usage is current.
 */
import type { ModelRuntime } from '../../model/model-runtime.js';
import { CostMeter, usageBetween, type CostRates, type UsageObservation } from '../../process-watch/cost.js';
import type { ProcessCollector } from '../../process-watch/process-collector.js';
import type { Collector, Emit } from '../collector.js';

interface Previous {
  requests: number;
  cpu: number;
  gpu: number;
}

export function costCollector(models: ReadonlyMap<string, ModelRuntime>, processes: ProcessCollector | undefined, currency: string): Collector {
  const meters = new Map<string, CostMeter>();
  const previous = new Map<string, Previous>();
  const previousUsage = new Map<string, UsageObservation>();
  return {
    name: 'cost',
    families: [
      {
        name: 'modelwatch_inference_cost_total',
        help: `Inference cost${currency ? ` in ${currency}` : ' in the unit of the configured rates'}: CPU and GPU hours, memory GB-hours and requests times the model's cost rates.`,
        type: 'counter',
      },
    ],
    collect(emit: Emit) {
      for (const model of models.values()) {
        const c = model.config.cost;
        if (!c) continue;
        const rates: CostRates = {};
        if (c.cpuHour !== undefined) rates.cpu_hour = c.cpuHour;
        if (c.gpuHour !== undefined) rates.gpu_hour = c.gpuHour;
        if (c.memoryGbHour !== undefined) rates.memory_gb_hour = c.memoryGbHour;
        if (c.per1kRequests !== undefined) rates.per_1k_requests = c.per1kRequests;
        let meter = meters.get(model.name);
        if (!meter) {
          meter = new CostMeter(rates);
          meters.set(model.name, meter);
        }
        let reportsCpu = false;
        for (const [version, s] of model.versions) {
          const key = `${model.name}\u0000${version}`;
          const prev = previous.get(key) ?? { requests: 0, cpu: 0, gpu: 0 };
          if (s.cpuSeconds > 0 || s.gpuSeconds > 0) reportsCpu = true;
          meter.add(model.name, version, {
            requests: Math.max(0, s.requests - prev.requests),
            cpuSeconds: Math.max(0, s.cpuSeconds - prev.cpu),
            gpuSeconds: Math.max(0, s.gpuSeconds - prev.gpu),
          });
          previous.set(key, { requests: s.requests, cpu: s.cpuSeconds, gpu: s.gpuSeconds });
        }
        const usage = processes?.usage(model.name);
        if (usage) {
          const obs: UsageObservation = { at: usage.at, cpuSeconds: usage.cpuSeconds, residentMemoryBytes: usage.residentMemoryBytes, gpuDevices: usage.gpuDevices };
          const before = previousUsage.get(model.name);
          if (before) {
            const delta = usageBetween(before, obs);
            if (reportsCpu) {
              delete delta.cpuSeconds;
              delete delta.gpuSeconds;
            }
            meter.add(model.name, model.config.version, delta);
          }
          previousUsage.set(model.name, obs);
        }
        for (const version of model.versions.keys()) {
          emit('modelwatch_inference_cost_total', { model: model.name, model_version: version }, meter.total(model.name, version));
        }
      }
    },
  };
}
