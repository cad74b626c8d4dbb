/**
 * Builds a model's reference profile from its reference file (streaming, with progress), or loads it
 * from the profile cache when the file content and the profile settings are unchanged.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { ColumnAccumulator, readCell, type Cell, type ValueKind } from './column-accumulator.js';
import {
  LABEL_COLUMN,
  PREDICTION_COLUMN,
  PROFILE_FORMAT_VERSION,
  SCORE_COLUMN,
  type ColumnProfile,
  type ColumnRole,
  type ProfileSettings,
  type ReferenceProfile,
} from './profile-types.js';
import { readTable, ReferenceReadError, type Row } from './read-table.js';
import { fitIsotonic } from '../performance/calibration.js';
import { referencePerformance } from './reference-performance.js';
import { referenceAssociation } from './association-pass.js';

export function profileSettings(model: ModelConfig): ProfileSettings {
  return {
    bins: model.bins,
    topK: model.topK,
    sampleSize: model.reference.sampleSize,
    missingValues: model.reference.missingValues,
    features: model.features?.map((f) => ({ name: f.name, type: f.type, bins: f.bins, topK: f.top_k })),
    excludeColumns: model.reference.excludeColumns,
    predictionField: model.predictionField,
    scoreField: model.scoreField,
    labelField: model.labelField,
    task: model.task,
    positiveClass: model.positiveClass,
  };
}

export async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReferenceReadError(file, code === 'ENOENT' ? 'reference file not found; check reference.path (relative paths resolve against the config file folder)' : (err as Error).message);
  }
  return { sha256: hash.digest('hex'), bytes };
}

export function referenceIdOf(fileSha256: string, settings: ProfileSettings): string {
  return createHash('sha256')
    .update(`modelwatch-profile-v${PROFILE_FORMAT_VERSION}\n${fileSha256}\n${JSON.stringify(settings)}`)
    .digest('hex')
    .slice(0, 16);
}

interface ColumnPlan {
  source: string;
  name: string;
  role: ColumnRole;
  kind: ValueKind;
  bins: number;
  topK: number;
  acc: ColumnAccumulator;
}

/** Reads the reference file and builds the profile. */
export async function buildProfile(model: ModelConfig, logger: Logger, fileHash?: { sha256: string; bytes: number }): Promise<ReferenceProfile> {
  const settings = profileSettings(model);
  const hash = fileHash ?? (await sha256File(model.reference.path));
  const missingValues = new Set(model.reference.missingValues);
  const started = Date.now();
  let plans: ColumnPlan[] | undefined;
  const special = new Map<string, { role: ColumnRole; name: string }>();
  if (model.predictionField) special.set(model.predictionField, { role: 'prediction', name: PREDICTION_COLUMN });
  if (model.scoreField) special.set(model.scoreField, { role: 'score', name: SCORE_COLUMN });
  if (model.labelField) special.set(model.labelField, { role: 'label', name: LABEL_COLUMN });
  const excluded = new Set(model.reference.excludeColumns);
  const targetKind = (role: ColumnRole): ValueKind =>
    role === 'score' ? 'numeric' : model.task === 'classification' ? 'categorical' : 'numeric';

  const planFor = (firstRow: Row): ColumnPlan[] => {
    const columns = Object.keys(firstRow);
    const out: ColumnPlan[] = [];
    if (model.features) {
      for (const f of model.features) {
        if (!columns.includes(f.name)) {
          throw new ReferenceReadError(model.reference.path, `feature "${f.name}" is not a column of the reference data (columns: ${columns.join(', ')}); fix models[].features or the file`);
        }
        out.push({ source: f.name, name: f.name, role: 'feature', kind: f.type, bins: f.bins ?? model.bins, topK: f.top_k ?? model.topK, acc: new ColumnAccumulator(f.name, f.type) });
      }
    } else {
      for (const c of columns) {
        if (special.has(c) || excluded.has(c)) continue;
        out.push({ source: c, name: c, role: 'feature', kind: 'infer', bins: model.bins, topK: model.topK, acc: new ColumnAccumulator(c, 'infer') });
      }
    }
    for (const [field, s] of special) {
      if (!columns.includes(field)) {
        throw new ReferenceReadError(model.reference.path, `${s.role}_field "${field}" is not a column of the reference data (columns: ${columns.join(', ')}); fix models[].${s.role}_field or the file`);
      }
      const kind = targetKind(s.role);
      out.push({ source: field, name: s.name, role: s.role, kind, bins: model.bins, topK: model.topK, acc: new ColumnAccumulator(field, kind) });
    }
    return out;
  };

  // Binary classification with score and label columns: keep (score, label) pairs for the calibration fit.
  const calibrate = model.task === 'classification' && model.positiveClass !== undefined && model.scoreField !== undefined && model.labelField !== undefined;
  const calScores: number[] = [];
  const calLabels: number[] = [];
  // Reference performance: aligned (prediction, label[, score]) of rows that have both.
  const perfRows = { predicted: [] as (string | number)[], actual: [] as (string | number)[], scores: [] as number[] };
  const withScores = model.scoreField !== undefined && model.positiveClass !== undefined;
  const { rows } = await readTable(model.reference.path, {
    format: model.reference.format,
    onRow: (row) => {
      plans ??= planFor(row);
      if (model.predictionField !== undefined && model.labelField !== undefined) {
        const predicted = row[model.predictionField];
        const actual = row[model.labelField];
        const present = (v: unknown) => v !== null && v !== undefined && !missingValues.has(String(v));
        const score = withScores ? readCell(row[model.scoreField as string], missingValues) : undefined;
        if (present(predicted) && present(actual) && (!withScores || score?.kind === 'number')) {
          const asValue = (v: unknown) => (model.task === 'regression' ? Number(v) : String(v));
          perfRows.predicted.push(asValue(predicted));
          perfRows.actual.push(asValue(actual));
          if (score?.kind === 'number') perfRows.scores.push(score.value);
        }
      }
      if (calibrate) {
        const score = readCell(row[model.scoreField as string], missingValues);
        const label = row[model.labelField as string];
        if (score.kind === 'number' && label !== null && label !== undefined && !missingValues.has(String(label))) {
          calScores.push(score.value);
          calLabels.push(String(label) === model.positiveClass ? 1 : 0);
        }
      }
      for (const p of plans) {
        const raw = row[p.source];
        let cell: Cell;
        if (p.kind === 'categorical' && typeof raw === 'string') {
          cell = missingValues.has(raw) ? { kind: 'missing' } : { kind: 'text', value: raw };
        } else {
          cell = readCell(raw, missingValues);
        }
        p.acc.add(cell);
      }
    },
    onProgress: (p) => {
      const percent = p.totalBytes > 0 ? Math.round((100 * p.bytes) / p.totalBytes) : 100;
      logger.info({ model: model.name, rows: p.rows, bytes: p.bytes, total_bytes: p.totalBytes, percent }, 'reading reference data');
    },
  });
  if (!plans || rows === 0) {
    throw new ReferenceReadError(model.reference.path, 'the reference data has no rows; a profile needs at least one row');
  }
  const columns: ColumnProfile[] = plans.map((p) => {
    const kind = p.acc.inferredKind();
    if (p.kind === 'numeric' && p.acc.hasText && !p.acc.hasNumber) {
      throw new ReferenceReadError(model.reference.path, `column "${p.source}" is declared numeric but holds no numbers; declare it categorical`);
    }
    return kind === 'numeric'
      ? p.acc.finalizeNumeric(p.name, p.role, p.bins, model.reference.sampleSize, rows)
      : p.acc.finalizeCategorical(p.name, p.role, p.topK, rows);
  });
  const profile: ReferenceProfile = {
    formatVersion: PROFILE_FORMAT_VERSION,
    referenceId: referenceIdOf(hash.sha256, settings),
    model: model.name,
    source: { path: model.reference.path, sha256: hash.sha256, bytes: hash.bytes, format: model.reference.format },
    rows,
    createdAt: new Date().toISOString(),
    settings,
    columns,
    calibration: calScores.length > 0 ? { ...fitIsotonic(calScores, calLabels), rows: calScores.length } : undefined,
    performance:
      perfRows.predicted.length > 0
        ? referencePerformance(model.task, withScores ? perfRows : { predicted: perfRows.predicted, actual: perfRows.actual }, model.positiveClass, columns.filter((c) => c.role === 'feature').length)
        : undefined,
  };
  if (columns.some((c) => c.role === 'label')) profile.association = await referenceAssociation(model, profile);
  logger.info(
    { model: model.name, rows, columns: columns.length, reference_id: profile.referenceId, seconds: (Date.now() - started) / 1000 },
    'reference profile built',
  );
  return profile;
}

function cacheFile(storagePath: string, model: string, referenceId: string): string {
  return path.join(storagePath, 'profiles', `${encodeURIComponent(model)}-${referenceId}.json`);
}

/**
 * The profile for a model: from the cache when the reference file and settings are unchanged, otherwise
 * built and written to the cache (atomically).
 */
export async function loadOrBuildProfile(model: ModelConfig, storagePath: string, logger: Logger, opts: { forceRebuild?: boolean } = {}): Promise<{ profile: ReferenceProfile; cached: boolean }> {
  const hash = await sha256File(model.reference.path);
  const referenceId = referenceIdOf(hash.sha256, profileSettings(model));
  const file = cacheFile(storagePath, model.name, referenceId);
  if (!opts.forceRebuild) {
    try {
      const cached = JSON.parse(await readFile(file, 'utf8'), reviveNumbers) as ReferenceProfile;
      if (cached.formatVersion === PROFILE_FORMAT_VERSION && cached.referenceId === referenceId) {
        logger.info({ model: model.name, reference_id: referenceId, file }, 'reference profile loaded from cache');
        return { profile: cached, cached: true };
      }
      logger.warn({ model: model.name, file }, 'cached reference profile does not match; rebuilding it');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') logger.warn({ model: model.name, file, err: (err as Error).message }, 'cached reference profile unreadable; rebuilding it');
    }
  }
  const profile = await buildProfile(model, logger, hash);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(profile, replaceNumbers));
    await rename(tmp, file);
  } catch (err) {
    logger.warn({ model: model.name, file, err: (err as Error).message }, 'could not write the reference profile cache; continuing without it');
  }
  return { profile, cached: false };
}

/** JSON has no NaN/Infinity: write them as strings and read them back. */
function replaceNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return `__num:${String(value)}`;
  return value;
}

function reviveNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('__num:')) return Number(value.slice(6));
  return value;
}
