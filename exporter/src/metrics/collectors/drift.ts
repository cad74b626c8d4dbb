/** Drift of each monitored column per sliding window, computed from the window's bin totals at scrape time. */
import type { ModelRuntime } from '../../model/model-runtime.js';
import { psi } from '../../stats/psi.js';
import type { Collector, Emit } from '../collector.js';

export interface DriftSettings {
  minWindowSamples: number;
  psiEpsilon: number;
}

export function driftCollector(models: ReadonlyMap<string, ModelRuntime>, settings: DriftSettings): Collector {
  return {
    name: 'drift',
    families: [
      { name: 'modelwatch_feature_drift', help: 'Drift score of a feature in a sliding window against the reference (method psi: population stability index over the reference bins incl. missing, zero shares replaced by epsilon). Absent while the window holds fewer than min_window_samples values.', type: 'gauge' },
      { name: 'modelwatch_window_samples', help: 'Prediction records in the sliding window.', type: 'gauge' },
    ],
    collect(emit: Emit, now: number) {
      for (const model of models.values()) {
        for (const [version, s] of model.versions) {
          for (const w of s.windows) {
            const snap = w.snapshot(now);
            emit('modelwatch_window_samples', { model: model.name, model_version: version, window: w.name }, snap.records);
            for (const col of model.layout.columns) {
              const counts = snap.counts.subarray(col.offset, col.offset + col.binCount);
              let n = 0;
              for (let i = 0; i < counts.length; i++) n += counts[i] as number;
              if (n < settings.minWindowSamples) continue;
              const current = new Array<number>(counts.length);
              for (let i = 0; i < counts.length; i++) current[i] = (counts[i] as number) / n;
              emit(
                'modelwatch_feature_drift',
                { model: model.name, model_version: version, feature: col.profile.name, window: w.name, method: 'psi' },
                psi(current, col.profile.ratios, settings.psiEpsilon),
              );
            }
          }
        }
      }
    },
  };
}
