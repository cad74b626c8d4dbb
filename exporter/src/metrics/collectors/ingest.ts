/** Record counts: predictions, labels, rejections, schema violations, freshness. */
import type { IngestService } from '../../ingest/ingest-service.js';
import { REJECTION_REASONS } from '../../ingest/rejection.js';
import type { ModelRuntime } from '../../model/model-runtime.js';
import type { Collector, Emit } from '../collector.js';

export function ingestCollector(models: ReadonlyMap<string, ModelRuntime>, ingestService: () => IngestService): Collector {
  return {
    name: 'ingest',
    families: [
      { name: 'modelwatch_predictions_total', help: 'Prediction records accepted, per model and version.', type: 'counter' },
      { name: 'modelwatch_labels_total', help: 'Ground-truth label records accepted, per model and version.', type: 'counter' },
      { name: 'modelwatch_records_rejected_total', help: 'Records refused, by model ("" when the model is unknown) and reason.', type: 'counter' },
      { name: 'modelwatch_schema_violations_total', help: 'Accepted prediction records that lacked a reference feature (missing_field) or carried one the reference does not have (unexpected_field), counted per field.', type: 'counter' },
      { name: 'modelwatch_last_record_timestamp_seconds', help: 'Unix time at which the last record (prediction or label) of this model version was received.', type: 'gauge' },
    ],
    collect(emit: Emit) {
      const ingest = ingestService();
      for (const model of models.values()) {
        for (const [version, s] of model.versions) {
          const labels = { model: model.name, model_version: version };
          emit('modelwatch_predictions_total', labels, s.predictions);
          emit('modelwatch_labels_total', labels, s.labels);
          for (const [kind, n] of s.schemaViolations) emit('modelwatch_schema_violations_total', { ...labels, kind }, n);
          if (s.lastRecordSeconds > 0) emit('modelwatch_last_record_timestamp_seconds', labels, s.lastRecordSeconds);
        }
        const byReason = ingest.rejections.get(model.name);
        for (const reason of REJECTION_REASONS) {
          emit('modelwatch_records_rejected_total', { model: model.name, reason }, byReason?.get(reason) ?? 0);
        }
      }
      const unknown = ingest.rejections.get('');
      if (unknown) {
        for (const [reason, n] of unknown) emit('modelwatch_records_rejected_total', { model: '', reason }, n);
      }
    },
  };
}
