/**
 * The one place where records enter the model state, whatever their source (HTTP or a tailed file):
 * parse, validate, bin, apply, and count every rejection with its reason. A bad record never stops the
 * good ones of the same batch, and each good record is applied exactly once.
 */
import type { Logger } from '../log/logger.js';
import type { ModelRuntime } from '../model/model-runtime.js';
import type { JoinedPair, JoinStore } from '../labels/join-store.js';
import { DEFAULT_RECORD_LIMITS, parseLabel, parsePrediction, type ParsedPrediction, type RecordLimits } from './parse-records.js';
import type { BodyItem } from './parse-body.js';
import type { Rejection, RejectionReason } from './rejection.js';

export interface IngestResult {
  accepted: number;
  rejected: number;
  errors: Rejection[];
}

/** At most this many rejection details are returned per batch (all are counted). */
export const MAX_ERROR_DETAILS = 100;

export class IngestService {
  constructor(
    readonly models: ReadonlyMap<string, ModelRuntime>,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
    /** Where predictions wait for their labels; without it labels are counted but not joined. */
    readonly joins?: JoinStore,
    /** Rejections by model ("" when the model is unknown or unreadable) and reason. */
    readonly rejections = new Map<string, Map<RejectionReason, number>>(),
    /** Per-record limits on field count and string length. */
    readonly limits: RecordLimits = DEFAULT_RECORD_LIMITS,
  ) {}

  ingestPredictions(items: readonly BodyItem[], source: string): IngestResult {
    const now = this.clock();
    const result: IngestResult = { accepted: 0, rejected: 0, errors: [] };
    for (const item of items) {
      if (item.error !== undefined) {
        this.reject(result, { index: item.index, reason: 'malformed_json', message: item.error }, source);
        continue;
      }
      const parsed = parsePrediction(item.value, this.models, this.limits);
      if (!parsed.ok) {
        const e = parsed.error;
        if (e.reason === 'invalid_field' && e.field?.startsWith('features.') && e.model !== undefined && e.version !== undefined) {
          this.models.get(e.model)?.version(e.version, now).addSchemaViolation('type_error');
        }
        this.reject(result, { index: item.index, reason: e.reason, message: e.message, ...(e.field === undefined ? {} : { field: e.field }), ...(e.model === undefined ? {} : { model: e.model }) }, source);
        continue;
      }
      const p = parsed.value;
      const state = p.model.version(p.version, now);
      state.observeRequest(now, p);
      if (p.error !== undefined) {
        // A failed request carries no prediction: it counts as a request and an error, not in the data.
        result.accepted++;
        continue;
      }
      state.observePrediction(now, p);
      for (const v of p.violations) state.addSchemaViolation(v);
      if (this.joins && p.predictionId !== undefined) {
        if (p.predicted !== null) this.compareRoles(p, now);
        const pair = this.joins.addPrediction(p.model.name, p.predictionId, { version: state.version, role: p.role, at: now, predicted: p.predicted, score: p.score, features: featureBins(p) });
        if (pair) this.applyJoin(pair, now);
      }
      result.accepted++;
    }
    // Journal writes of the batch reach the file before the caller answers.
    this.joins?.flush();
    return result;
  }

  /** Champion vs challenger/baseline: compares a prediction with the other role's waiting prediction of the same id. */
  private compareRoles(p: ParsedPrediction, now: number): void {
    const others = this.joins?.pending(p.model.name, p.predictionId as string);
    if (!others) return;
    for (const o of others) {
      if (o.predicted === null || (o.role === 'champion') === (p.role === 'champion')) continue;
      const [shadow, champion] = p.role === 'champion' ? [o, { version: p.version, role: p.role, predicted: p.predicted }] : [{ version: p.version, role: p.role, predicted: p.predicted }, o];
      p.model.version(shadow.version, now).observeComparison(shadow.role, shadow.predicted as string | number, champion.predicted as string | number);
    }
  }

  private applyJoin(pair: JoinedPair, now: number): void {
    const model = this.models.get(pair.model);
    if (!model) return;
    model.version(pair.prediction.version, now).observeJoined(now, {
      predictionAt: pair.prediction.at,
      labelAt: pair.labelAt,
      predicted: pair.prediction.predicted,
      score: pair.prediction.score,
      label: pair.label,
      features: pair.prediction.features,
    });
  }

  ingestLabels(items: readonly BodyItem[], source: string): IngestResult {
    const now = this.clock();
    const result: IngestResult = { accepted: 0, rejected: 0, errors: [] };
    for (const item of items) {
      if (item.error !== undefined) {
        this.reject(result, { index: item.index, reason: 'malformed_json', message: item.error }, source);
        continue;
      }
      const parsed = parseLabel(item.value, this.models, this.limits);
      if (!parsed.ok) {
        const e = parsed.error;
        this.reject(result, { index: item.index, reason: e.reason, message: e.message, ...(e.field === undefined ? {} : { field: e.field }), ...(e.model === undefined ? {} : { model: e.model }) }, source);
        continue;
      }
      const l = parsed.value;
      l.model.version(l.version, now).observeLabel(now, l.bin, l.value);
      if (this.joins) for (const pair of this.joins.addLabel(l.model.name, l.predictionId, { label: l.label, at: now })) this.applyJoin(pair, now);
      result.accepted++;
    }
    this.joins?.flush();
    return result;
  }

  /** Counts a rejection that happened before records could be read (e.g. a body over the size limit). */
  countRejection(reason: RejectionReason, model = '', n = 1): void {
    let byReason = this.rejections.get(model);
    if (!byReason) {
      byReason = new Map();
      this.rejections.set(model, byReason);
    }
    byReason.set(reason, (byReason.get(reason) ?? 0) + n);
  }

  private reject(result: IngestResult, rejection: Rejection, source: string): void {
    result.rejected++;
    this.countRejection(rejection.reason, rejection.model ?? '');
    if (result.errors.length < MAX_ERROR_DETAILS) result.errors.push(rejection);
    this.logger.debug({ source, ...rejection }, 'record rejected');
  }
}

/** The prediction's bin per feature, relative to the feature's first bin (for feature–label association). */
function featureBins(p: ParsedPrediction): number[] {
  const layout = p.model.layout;
  const out: number[] = [];
  layout.columns.forEach((c, i) => {
    if (c.profile.role === 'feature') out.push((p.bins[i] as number) - c.offset);
  });
  return out;
}
