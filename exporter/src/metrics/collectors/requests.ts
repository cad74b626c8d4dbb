/** The model service's requests as the logs report them: outcomes, error classes, resources, the latency SLO. */
import type { ModelRuntime } from '../../model/model-runtime.js';
import { MEMORY_BUCKETS } from '../../model/version-state.js';
import type { Collector, Emit } from '../collector.js';

export function requestsCollector(models: ReadonlyMap<string, ModelRuntime>): Collector {
  return {
    name: 'requests',
    families: [
      { name: 'modelwatch_requests_total', help: 'Request records accepted (successful predictions and failed requests).', type: 'counter' },
      { name: 'modelwatch_prediction_errors_total', help: 'Failed requests by error class (the record’s `error`, or http_<code> / unknown from `status`); at most 20 classes per version, then __other__.', type: 'counter' },
      { name: 'modelwatch_request_cpu_seconds_total', help: 'CPU time the model service reported per request (cpu_ms), summed.', type: 'counter' },
      { name: 'modelwatch_request_gpu_seconds_total', help: 'GPU time the model service reported per request (gpu_ms), summed.', type: 'counter' },
      { name: 'modelwatch_request_memory_bytes', help: 'Memory the model service reported per request (memory_bytes).', type: 'histogram' },
      { name: 'modelwatch_latency_slo_seconds', help: 'Configured latency objective (slo: latency_p<percentile>_ms) for the given percentile.', type: 'gauge' },
    ],
    collect(emit: Emit) {
      for (const model of models.values()) {
        for (const [version, s] of model.versions) {
          const base = { model: model.name, model_version: version };
          emit('modelwatch_requests_total', base, s.requests);
          for (const [error, n] of s.errors) emit('modelwatch_prediction_errors_total', { ...base, error }, n);
          emit('modelwatch_request_cpu_seconds_total', base, s.cpuSeconds);
          emit('modelwatch_request_gpu_seconds_total', base, s.gpuSeconds);
          let cumulative = 0;
          for (let i = 0; i < MEMORY_BUCKETS.length; i++) {
            cumulative += s.memoryBuckets[i] as number;
            emit('modelwatch_request_memory_bytes', { ...base, le: String(MEMORY_BUCKETS[i]) }, cumulative, '_bucket');
          }
          emit('modelwatch_request_memory_bytes', { ...base, le: '+Inf' }, s.memoryCount, '_bucket');
          emit('modelwatch_request_memory_bytes', base, s.memorySum, '_sum');
          emit('modelwatch_request_memory_bytes', base, s.memoryCount, '_count');
          for (const [percentile, seconds] of Object.entries(model.config.latencySlo)) emit('modelwatch_latency_slo_seconds', { ...base, percentile }, seconds);
        }
      }
    },
  };
}
