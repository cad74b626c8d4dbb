/** The reference profile: per-bin shares and identity, exported for every live version of a model. */
import type { ModelRuntime } from '../../model/model-runtime.js';
import type { Collector, Emit } from '../collector.js';

export function referenceCollector(models: ReadonlyMap<string, ModelRuntime>): Collector {
  return {
    name: 'reference',
    families: [
      { name: 'modelwatch_reference_feature_bin_ratio', help: 'Share of the reference data in each bin of a feature (same bins as modelwatch_feature_values_total; lower/upper are the numeric bin edges, for display).', type: 'gauge' },
      { name: 'modelwatch_reference_info', help: 'Identity of the reference profile in use: reference_id is a content hash of the reference file and profile settings; rows its row count. Always 1.', type: 'gauge' },
    ],
    collect(emit: Emit) {
      for (const model of models.values()) {
        const p = model.profile;
        for (const version of model.versions.keys()) {
          emit('modelwatch_reference_info', { model: model.name, model_version: version, reference_id: p.referenceId, rows: String(p.rows) }, 1);
          for (const col of p.columns) {
            for (let b = 0; b < col.binLabels.length; b++) {
              emit(
                'modelwatch_reference_feature_bin_ratio',
                {
                  model: model.name,
                  model_version: version,
                  feature: col.name,
                  bin: col.binLabels[b] as string,
                  lower: col.kind === 'numeric' ? (col.lower[b] as string) : '',
                  upper: col.kind === 'numeric' ? (col.upper[b] as string) : '',
                },
                col.ratios[b] as number,
              );
            }
          }
        }
      }
    },
  };
}
