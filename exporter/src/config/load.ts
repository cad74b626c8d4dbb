/**
 * Loading the YAML configuration: parse, validate against the schema, and resolve it into the
 * exporter's effective settings (durations in milliseconds, paths made absolute against the config
 * file's folder, per-model values filled from `defaults`). Errors name the key and say how to fix it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type FeatureConfig, type ParsedConfig } from './schema.js';
import { formatDuration, parseDuration } from './duration.js';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface WindowSpec {
  /** Canonical label value, e.g. "5m". */
  name: string;
  durationMs: number;
}

export interface ModelConfig {
  name: string;
  task: 'classification' | 'regression';
  version: string;
  reference: {
    path: string;
    format: 'csv' | 'ndjson';
    sampleSize: number;
    excludeColumns: string[];
    missingValues: string[];
  };
  /** Undefined: infer from the reference. */
  features: FeatureConfig[] | undefined;
  predictionField: string | undefined;
  scoreField: string | undefined;
  labelField: string | undefined;
  windows: WindowSpec[];
  bins: number;
  topK: number;
  /** Binary classification: the class whose probability `score` is (enables AUC, log loss, Brier). */
  positiveClass: string | undefined;
  /** Bounds per performance metric, exported as modelwatch_performance_threshold. */
  performance: Record<string, { min?: number | undefined; max?: number | undefined }>;
  /** Free-form metadata exported as labels of modelwatch_model_info. */
  metadata: Record<string, string>;
  /** Latency objectives: percentile ("95") → seconds. */
  latencySlo: Record<string, number>;
  /** Model-server processes to watch through /proc: { pid } | { pid_file } | { match }. */
  processes: ({ pid: number } | { pid_file: string } | { match: string })[];
  diskPaths: string[];
  cost: { cpuHour?: number | undefined; gpuHour?: number | undefined; memoryGbHour?: number | undefined; per1kRequests?: number | undefined } | undefined;
}

export interface SourceSpec {
  type: 'file';
  path: string;
  kind: 'predictions' | 'labels';
}

export interface DriftConfig {
  /** Test whose p-value decides `drifted`: auto = KS for numeric columns, chi-square for categorical ones. */
  test: 'auto' | 'ks' | 'chi2' | 'psi' | 'z';
  /** Benjamini–Hochberg false discovery rate across a model's features. */
  q: number;
  minEffectMethod: 'psi' | 'js' | 'hellinger';
  minEffect: number;
  minWindowSamples: number;
  psiEpsilon: number;
}

export interface ExporterConfig {
  file: string;
  models: ModelConfig[];
  sources: SourceSpec[];
  versionExpiryMs: number;
  maxVersionsPerModel: number;
  windowSampleSize: number;
  outlierMinShare: number;
  labelTtlMs: number;
  maxPendingLabels: number;
  gpuWatch: boolean;
  currency: string;
  drift: DriftConfig;
  maxRequestBytes: number;
  /** Most keys in a record and in its `features`. */
  maxRecordFields: number;
  /** Longest key or string value of a record, in UTF-8 bytes. */
  maxStringBytes: number;
  maxRecordsPerRequest: number;
  storagePath: string;
}

export async function loadConfigFile(file: string): Promise<ExporterConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(absolute, [`cannot read the configuration file (${why}); pass an existing file with --config.file`]);
  }
  return parseConfigText(text, absolute);
}

export function parseConfigText(text: string, file: string): ExporterConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `YAML syntax error at line ${e.linePos?.[0]?.line ?? '?'}, column ${e.linePos?.[0]?.col ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, ['the configuration must be a YAML mapping with a "models" list at the top level']);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, formatIssues(result.error.issues, raw));
  return resolveConfig(result.data, file);
}

function resolveConfig(cfg: ParsedConfig, file: string): ExporterConfig {
  const base = path.dirname(file);
  const d = cfg.defaults;
  return {
    file,
    models: cfg.models.map((m) => {
      const windows = dedupeWindows((m.windows ?? d.windows).map((w) => parseDuration(w)));
      const refPath = path.resolve(base, m.reference.path);
      return {
        name: m.name,
        task: m.task,
        version: m.version,
        reference: {
          path: refPath,
          format: m.reference.format ?? (/\.(ndjson|jsonl|json)$/i.test(refPath) ? 'ndjson' : 'csv'),
          sampleSize: m.reference.sample_size,
          excludeColumns: m.reference.exclude_columns,
          missingValues: m.reference.missing_values,
        },
        features: m.features,
        predictionField: m.prediction_field,
        scoreField: m.score_field,
        labelField: m.label_field,
        windows,
        bins: m.bins ?? d.bins,
        topK: m.top_k ?? d.top_k,
        positiveClass: m.positive_class,
        performance: m.performance ?? {},
        metadata: m.metadata ?? {},
        latencySlo: Object.fromEntries(Object.entries(m.slo ?? {}).map(([k, v]) => [(/^latency_p(.+)_ms$/.exec(k) as RegExpExecArray)[1] as string, v / 1000])),
        processes: (m.processes ?? []).map((p) => ('pid_file' in p ? { pid_file: path.resolve(base, p.pid_file) } : p)),
        diskPaths: (m.disk_paths ?? []).map((d) => path.resolve(base, d)),
        cost: m.cost && { cpuHour: m.cost.cpu_hour, gpuHour: m.cost.gpu_hour, memoryGbHour: m.cost.memory_gb_hour, per1kRequests: m.cost.per_1k_requests },
      };
    }),
    sources: cfg.sources.map((s) => ({ type: s.type, path: path.resolve(base, s.path), kind: s.kind })),
    versionExpiryMs: parseDuration(d.version_expiry),
    maxVersionsPerModel: d.max_versions_per_model,
    windowSampleSize: d.window_sample_size,
    outlierMinShare: d.outlier_min_share,
    labelTtlMs: parseDuration(d.label_ttl),
    maxPendingLabels: d.max_pending_labels,
    gpuWatch: d.gpu_watch,
    currency: d.currency,
    drift: {
      test: d.drift_test,
      q: d.fdr_q,
      minEffectMethod: d.min_effect_method,
      minEffect: d.min_effect,
      minWindowSamples: d.min_window_samples,
      psiEpsilon: d.psi_epsilon,
    },
    maxRequestBytes: cfg.server.max_request_bytes,
    maxRecordFields: cfg.server.max_record_fields,
    maxStringBytes: cfg.server.max_string_bytes,
    maxRecordsPerRequest: cfg.server.max_records_per_request,
    storagePath: path.resolve(base, cfg.storage.path),
  };
}

function dedupeWindows(durations: number[]): WindowSpec[] {
  return [...new Set(durations)].sort((a, b) => a - b).map((ms) => ({ name: formatDuration(ms), durationMs: ms }));
}

/** Dotted key path as a user would write it: models[0].features[2].type */
export function formatPath(p: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of p) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out.length === 0 ? String(seg) : `.${String(seg)}`;
  }
  return out.length === 0 ? '(top level)' : out;
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': ['models', 'sources', 'defaults', 'server', 'storage'],
  model: [
    'name',
    'task',
    'version',
    'reference',
    'features',
    'prediction_field',
    'score_field',
    'label_field',
    'windows',
    'bins',
    'top_k',
    'positive_class',
    'performance',
    'metadata',
    'slo',
    'cost',
    'processes',
    'disk_paths',
  ],
  reference: ['path', 'format', 'sample_size', 'exclude_columns', 'missing_values'],
  feature: ['name', 'type', 'bins', 'top_k'],
  defaults: [
    'windows',
    'bins',
    'top_k',
    'min_window_samples',
    'psi_epsilon',
    'version_expiry',
    'max_versions_per_model',
    'window_sample_size',
    'drift_test',
    'fdr_q',
    'min_effect_method',
    'min_effect',
    'outlier_min_share',
    'label_ttl',
    'max_pending_labels',
    'gpu_watch',
    'currency',
  ],
};

function formatIssues(issues: z.core.$ZodIssue[], raw: unknown): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const ctx = contextOf(issue.path);
      return issue.keys
        .map((key) => {
          const suggestion = closest(key, KNOWN_KEYS[ctx] ?? []);
          const at = formatPath([...issue.path, key]);
          return `${at}: unknown key${suggestion ? `; did you mean "${suggestion}"?` : '; remove it (see the configuration reference in the README)'}`;
        })
        .join('\n  - ');
    }
    const got = valueAt(raw, issue.path);
    const gotText = got === undefined ? 'it is missing' : `got ${JSON.stringify(got)}`;
    if (issue.code === 'invalid_value' && 'values' in issue) {
      return `${where}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; ${gotText}`;
    }
    if (issue.code === 'invalid_type') {
      return got === undefined ? `${where}: required key is missing; add it` : `${where}: expected ${issue.expected}, ${gotText}`;
    }
    return `${where}: ${issue.message}${got !== undefined && issue.code !== 'custom' ? ` (${gotText})` : ''}`;
  });
}

function contextOf(p: ReadonlyArray<PropertyKey>): string {
  const last = p[p.length - 1];
  const prev = p[p.length - 2];
  if (p.length === 0) return '';
  if (typeof last === 'number' && prev === 'models') return 'model';
  if (typeof last === 'number' && prev === 'features') return 'feature';
  if (last === 'reference') return 'reference';
  if (last === 'defaults') return 'defaults';
  return '';
}

function valueAt(raw: unknown, p: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = raw;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** The candidate closest to a misspelt word (Levenshtein, case-insensitive), if it is close enough. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) {
      bestDistance = dist;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}
