/** Health of the label join: delay, waiting predictions, coverage per window, expiries and duplicates. */
import type { JoinStore } from '../../labels/join-store.js';
import type { ModelRuntime } from '../../model/model-runtime.js';
import { LABEL_DELAY_BUCKETS } from '../../model/version-state.js';
import type { Collector, Emit } from '../collector.js';

export function labelsCollector(models: ReadonlyMap<string, ModelRuntime>, joins: () => JoinStore | undefined): Collector {
  return {
    name: 'labels',
    families: [
      { name: 'modelwatch_label_delay_seconds', help: 'Time from a prediction’s receipt to its label’s (0 when the label came first).', type: 'histogram' },
      { name: 'modelwatch_predictions_awaiting_label', help: 'Predictions held in the join store waiting for their label.', type: 'gauge' },
      { name: 'modelwatch_labels_awaiting_prediction', help: 'Labels held in the join store waiting for their prediction.', type: 'gauge' },
      { name: 'modelwatch_label_coverage_ratio', help: 'Share of the window’s predictions (by prediction time) whose label has arrived.', type: 'gauge' },
      { name: 'modelwatch_joins_expired_total', help: 'Predictions (side="prediction") or labels (side="label") that left the join store unjoined: TTL or size cap.', type: 'counter' },
      { name: 'modelwatch_label_duplicates_total', help: 'Labels for an id that already had one (a waiting label is replaced; after the join the first label stands).', type: 'counter' },
      { name: 'modelwatch_joined_predictions_total', help: 'Predictions joined with their label.', type: 'counter' },
    ],
    collect(emit: Emit, now: number) {
      const store = joins();
      for (const model of models.values()) {
        const m = { model: model.name };
        if (store) {
          emit('modelwatch_predictions_awaiting_label', m, store.stats.pendingPredictions.get(model.name) ?? 0);
          const expired = store.stats.expired.get(model.name);
          emit('modelwatch_joins_expired_total', { ...m, side: 'prediction' }, expired?.prediction ?? 0);
          emit('modelwatch_joins_expired_total', { ...m, side: 'label' }, expired?.label ?? 0);
          emit('modelwatch_label_duplicates_total', m, store.stats.duplicateLabels.get(model.name) ?? 0);
        }
        for (const [version, s] of model.versions) {
          const base = { model: model.name, model_version: version };
          emit('modelwatch_joined_predictions_total', base, s.joined);
          let cumulative = 0;
          for (let i = 0; i < LABEL_DELAY_BUCKETS.length; i++) {
            cumulative += s.labelDelayBuckets[i] as number;
            emit('modelwatch_label_delay_seconds', { ...base, le: String(LABEL_DELAY_BUCKETS[i]) }, cumulative, '_bucket');
          }
          emit('modelwatch_label_delay_seconds', { ...base, le: '+Inf' }, s.labelDelayCount, '_bucket');
          emit('modelwatch_label_delay_seconds', base, s.labelDelaySum, '_sum');
          emit('modelwatch_label_delay_seconds', base, s.labelDelayCount, '_count');
          for (const w of s.windows) {
            const snap = w.snapshot(now);
            if (snap.records > 0) emit('modelwatch_label_coverage_ratio', { ...base, window: w.name }, Math.min(1, snap.labelled / snap.records));
          }
        }
      }
      if (store) emit('modelwatch_labels_awaiting_prediction', {}, store.pendingLabelCount);
    },
  };
}
