/**
 * The YAML configuration schema. Every key is documented in the README's configuration reference;
 * unknown keys are errors (a typo must not silently fall back to a default).
 */
import { z } from 'zod';
import { parseDuration } from './duration.js';

const duration = z.string().superRefine((value, ctx) => {
  try {
    parseDuration(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

/** Names become Prometheus label values; keep them printable and bounded. */
const name = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/, 'may contain only letters, digits, "_", ".", ":" and "-", and must not start with "." ":" or "-"');

const columnName = z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

/** Metrics a model may set bounds for (performance: {f1: {min: 0.8}}). */
export const PERFORMANCE_METRICS = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'gini',
  'ks',
  'log_loss',
  'brier',
  'macro_f1',
  'mae',
  'rmse',
  'mape',
  'r2',
  'adjusted_r2',
  'median_ae',
  'label_coverage',
  'label_delay_seconds',
] as const;

export const featureSchema = z
  .object({
    name: columnName,
    type: z.enum(['numeric', 'categorical']),
    bins: z.number().int().min(2).max(100).optional(),
    top_k: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const referenceSchema = z
  .object({
    path: z.string().min(1, 'must name the reference data file (CSV or NDJSON)'),
    format: z.enum(['csv', 'ndjson']).optional(),
    sample_size: z.number().int().min(100).max(1_000_000).default(10_000),
    exclude_columns: z.array(columnName).default([]),
    missing_values: z.array(z.string()).default(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None']),
  })
  .strict();

export const modelSchema = z
  .object({
    name,
    task: z.enum(['classification', 'regression']),
    version: z.union([z.string(), z.number()]).transform(String).pipe(name).default('1'),
    reference: referenceSchema,
    features: z.array(featureSchema).min(1).optional(),
    prediction_field: columnName.optional(),
    score_field: columnName.optional(),
    label_field: columnName.optional(),
    windows: z.array(duration).min(1).max(8).optional(),
    bins: z.number().int().min(2).max(100).optional(),
    top_k: z.number().int().min(1).max(1000).optional(),
    positive_class: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
    performance: z.record(z.string(), z.object({ min: z.number().optional(), max: z.number().optional() }).strict()).optional(),
    slo: z
      .record(
        z.string().regex(/^latency_p(\d{1,2}(\.\d+)?)_ms$/, 'SLO keys are latency_p<percentile>_ms, e.g. latency_p95_ms'),
        z.number().positive(),
      )
      .optional(),
    processes: z
      .array(
        z.union([
          z.object({ pid: z.number().int().positive() }).strict(),
          z.object({ pid_file: z.string().min(1) }).strict(),
          z.object({ match: z.string().min(1) }).strict(),
        ]),
      )
      .max(16)
      .optional(),
    disk_paths: z.array(z.string().min(1)).max(16).optional(),
    cost: z
      .object({
        cpu_hour: z.number().min(0).optional(),
        gpu_hour: z.number().min(0).optional(),
        memory_gb_hour: z.number().min(0).optional(),
        per_1k_requests: z.number().min(0).optional(),
      })
      .strict()
      .optional(),
    metadata: z
      .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'metadata keys become label names: letters, digits and "_"'), z.union([z.string(), z.number(), z.boolean()]).transform(String))
      .refine((m) => Object.keys(m).length <= 16, 'at most 16 metadata keys (they become labels of modelwatch_model_info)')
      .optional(),
  })
  .strict();

export const sourceSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('file'),
      path: z.string().min(1, 'must name the JSONL file to tail'),
      kind: z.enum(['predictions', 'labels']).default('predictions'),
    })
    .strict(),
]);

export const defaultsSchema = z
  .object({
    windows: z.array(duration).min(1).max(8).default(['5m', '1h']),
    bins: z.number().int().min(2).max(100).default(10),
    top_k: z.number().int().min(1).max(1000).default(20),
    min_window_samples: z.number().int().min(1).default(100),
    psi_epsilon: z.number().positive().max(0.1).default(1e-4),
    version_expiry: duration.default('24h'),
    max_versions_per_model: z.number().int().min(1).max(1000).default(20),
    window_sample_size: z.number().int().min(100).max(1_000_000).default(10_000),
    drift_test: z.enum(['auto', 'ks', 'chi2', 'psi', 'z']).default('auto'),
    fdr_q: z.number().gt(0).lt(1).default(0.05),
    min_effect_method: z.enum(['psi', 'js', 'hellinger']).default('js'),
    min_effect: z.number().min(0).default(0.1),
    outlier_min_share: z.number().gt(0).max(1).default(0.5),
    label_ttl: duration.default('7d'),
    gpu_watch: z.boolean().default(true),
    currency: z.string().max(16).default(''),
    max_pending_labels: z.number().int().min(100).max(100_000_000).default(1_000_000),
  })
  .strict();

export const serverSchema = z
  .object({
    max_request_bytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
    max_record_fields: z.number().int().min(20).max(1_000_000).default(1000),
    max_records_per_request: z.number().int().min(1).max(10_000_000).default(100_000),
    max_string_bytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(64 * 1024),
  })
  .strict();

export const storageSchema = z
  .object({
    path: z.string().min(1).default('.modelwatch'),
  })
  .strict();

export const configSchema = z
  .object({
    models: z.array(modelSchema).min(1, 'list at least one model'),
    sources: z.array(sourceSchema).default([]),
    defaults: defaultsSchema.default(() => defaultsSchema.parse({})),
    server: serverSchema.default(() => serverSchema.parse({})),
    storage: storageSchema.default(() => storageSchema.parse({})),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.models.forEach((m, i) => {
      if (seen.has(m.name)) ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `duplicate model name "${m.name}": model names must be unique` });
      seen.add(m.name);
      const featureNames = new Set<string>();
      m.features?.forEach((f, j) => {
        if (featureNames.has(f.name)) ctx.addIssue({ code: 'custom', path: ['models', i, 'features', j, 'name'], message: `duplicate feature "${f.name}"` });
        featureNames.add(f.name);
        for (const [key, field] of [['prediction_field', m.prediction_field], ['score_field', m.score_field], ['label_field', m.label_field]] as const) {
          if (field === f.name) ctx.addIssue({ code: 'custom', path: ['models', i, 'features', j, 'name'], message: `"${f.name}" is the model's ${key}; it cannot also be a feature` });
        }
      });
      for (const key of Object.keys(m.metadata ?? {})) {
        if (['model', 'model_version', 'task', 'instance', 'job'].includes(key)) {
          ctx.addIssue({ code: 'custom', path: ['models', i, 'metadata', key], message: `"${key}" is a reserved label name; rename the metadata key` });
        }
      }
      for (const metric of Object.keys(m.performance ?? {})) {
        if (!PERFORMANCE_METRICS.includes(metric as (typeof PERFORMANCE_METRICS)[number])) {
          ctx.addIssue({ code: 'custom', path: ['models', i, 'performance', metric], message: `unknown performance metric "${metric}"; use one of ${PERFORMANCE_METRICS.join(', ')}` });
        }
      }
      if (m.positive_class !== undefined && m.task !== 'classification') {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'positive_class'], message: 'positive_class applies to classification models only' });
      }
      if (m.score_field && m.task !== 'classification') {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'score_field'], message: 'score_field applies to classification models only (the regression prediction is already numeric)' });
      }
    });
  });

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ModelConfigParsed = z.output<typeof modelSchema>;
export type FeatureConfig = z.output<typeof featureSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
