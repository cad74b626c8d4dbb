/** Production values per reference bin, cumulative: the additive series PromQL rebuilds drift from. */
import type { ModelRuntime } from '../../model/model-runtime.js';
import type { Collector, Emit } from '../collector.js';

export function featureValuesCollector(models: ReadonlyMap<string, ModelRuntime>): Collector {
  return {
    name: 'feature_values',
    families: [
      {
        name: 'modelwatch_feature_values_total',
        help: 'Production values counted per reference bin (numeric bins "00".."NN" right-closed on the reference quantile edges, categorical bins per top-K category plus __other__ and __unseen__, and missing). Feature __prediction__, __score__ and __label__ hold the prediction, score and label distributions.',
        type: 'counter',
      },
    ],
    collect(emit: Emit) {
      for (const model of models.values()) {
        for (const [version, s] of model.versions) {
          for (const col of model.layout.columns) {
            const labels = col.profile.binLabels;
            for (let b = 0; b < col.binCount; b++) {
              emit('modelwatch_feature_values_total', { model: model.name, model_version: version, feature: col.profile.name, bin: labels[b] as string }, s.cumulative[col.offset + b] as number);
            }
          }
        }
      }
    },
  };
}
