/** Prediction latency reported by the model service (`latency_ms` on each record), as a histogram. */
import type { ModelRuntime } from '../../model/model-runtime.js';
import type { Collector, Emit } from '../collector.js';

export function latencyCollector(models: ReadonlyMap<string, ModelRuntime>): Collector {
  return {
    name: 'latency',
    families: [{ name: 'modelwatch_prediction_latency_seconds', help: 'Prediction latency reported by the model service in latency_ms.', type: 'histogram' }],
    collect(emit: Emit) {
      for (const model of models.values()) {
        const bounds = model.latencyBuckets;
        for (const [version, s] of model.versions) {
          const base = { model: model.name, model_version: version };
          let cumulative = 0;
          for (let i = 0; i < bounds.length; i++) {
            cumulative += s.latencyBuckets[i] as number;
            emit('modelwatch_prediction_latency_seconds', { ...base, le: String(bounds[i]) }, cumulative, '_bucket');
          }
          emit('modelwatch_prediction_latency_seconds', { ...base, le: '+Inf' }, s.latencyCount, '_bucket');
          emit('modelwatch_prediction_latency_seconds', base, s.latencySum, '_sum');
          emit('modelwatch_prediction_latency_seconds', base, s.latencyCount, '_count');
        }
      }
    },
  };
}
