/**
 * Replays the demo traffic against a running exporter over HTTP: prediction batches as NDJSON to
 * `${url}/api/v1/predictions`, and each labelled prediction's label `labelDelaySeconds` later to
 * `${url}/api/v1/labels`.
 *
 * Pacing is a token bucket holding at most one batch: tokens accrue at `ratePerSecond`, a batch is sent
 * when a full one is available (or at least once a second at low rates), and time spent waiting on a slow
 * server is not made up afterwards, so the replayer never floods. Only one request is in flight at a
 * time. A failed request (network error, 5xx, 429) is retried with exponential backoff, or after the
 * server's Retry-After on 429/503, and dropped after a few attempts; a request the server refuses with
 * another 4xx status is not retried and its records count as rejected.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  createTrafficGenerator,
  DEMO_SEED,
  type DemoLabelRecord,
  type DemoPhase,
  type DemoPredictionRecord,
} from './traffic.js';
import { DEMO_DRIFT_SCENARIO, DEMO_NEW_STATION, demoWeatherModel } from './weather.js';

/** The part of a pino logger the replayer uses. */
export interface ReplayerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ReplayerOptions {
  /** Base URL of the exporter, e.g. "http://127.0.0.1:9108" (a trailing slash is fine). */
  url: string;
  /** Predictions per second (default 200). */
  ratePerSecond?: number;
  /** Predictions per request, at most (default 50). */
  batchSize?: number;
  /** Seconds between a prediction and its label (default 5). */
  labelDelaySeconds?: number;
  /** Share of predictions that get a label (default 0.9). */
  labelShare?: number;
  /** Seconds after the start at which the drift begins (default 60). */
  driftAfterSeconds?: number;
  /** Seconds the drift takes to ramp in fully (default 30). */
  driftRampSeconds?: number;
  /** Seed of the traffic (default: the demo seed). */
  seed?: number;
  logger: ReplayerLogger;
  /** Aborting it stops the replayer, like `stop()`. */
  signal?: AbortSignal;
  /** Seconds between progress log lines (default 10). */
  progressIntervalSeconds?: number;
  /** Per-request timeout in seconds (default 10). */
  requestTimeoutSeconds?: number;
  /** Attempts per request before its records are dropped (default 4). */
  maxAttempts?: number;
}

export interface ReplayerStats {
  phase: DemoPhase;
  /** Drift strength now, 0..1. */
  driftIntensity: number;
  elapsedSeconds: number;
  /** Predictions delivered in a request the server answered (accepted + rejected). */
  sent: number;
  accepted: number;
  rejected: number;
  /** Predictions given up on after repeated failures. */
  dropped: number;
  labelsSent: number;
  labelsAccepted: number;
  labelsRejected: number;
  labelsDropped: number;
  /** Labels waiting for their delay to pass. */
  labelsPending: number;
  requests: number;
  failedRequests: number;
}

export interface Replayer {
  /** Stops sending and resolves once the replayer is idle (an in-flight request is aborted after a short grace). */
  stop(): Promise<void>;
  stats(): ReplayerStats;
}

const PREDICTIONS_PATH = '/api/v1/predictions';
const LABELS_PATH = '/api/v1/labels';
const MAX_TICK_MS = 1000;
const MIN_TICK_MS = 10;
const BACKOFF_INITIAL_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const RETRY_AFTER_MAX_MS = 60_000;
const STOP_GRACE_MS = 2000;
const MAX_PENDING_LABELS = 1_000_000;

type PostOutcome =
  | { ok: true; accepted: number; rejected: number }
  | { ok: false; retryable: true; status?: number; retryAfterMs?: number; error: string }
  | { ok: false; retryable: false; status: number; error: string };

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(RETRY_AFTER_MAX_MS, Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, at - nowMs));
}

/** Serialises records as NDJSON: one JSON object per line, newline-terminated. */
export function toNdjson(records: readonly object[]): string {
  let body = '';
  for (const r of records) body += JSON.stringify(r) + '\n';
  return body;
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

export function startReplayer(options: ReplayerOptions): Replayer {
  const baseUrl = options.url.replace(/\/+$/, '');
  const rate = positive('ratePerSecond', options.ratePerSecond ?? 200);
  const batchSize = Math.floor(positive('batchSize', options.batchSize ?? 50));
  const labelDelayMs = Math.max(0, (options.labelDelaySeconds ?? 5) * 1000);
  const driftAfterSeconds = options.driftAfterSeconds ?? 60;
  const progressMs = positive('progressIntervalSeconds', options.progressIntervalSeconds ?? 10) * 1000;
  const timeoutMs = positive('requestTimeoutSeconds', options.requestTimeoutSeconds ?? 10) * 1000;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 4));
  const { logger } = options;
  demoWeatherModel(); // fit the model (a few hundred ms, once) before the clock starts
  const startTime = new Date();
  const generator = createTrafficGenerator({
    seed: options.seed ?? DEMO_SEED,
    driftAfterSeconds,
    startTime,
    ...(options.driftRampSeconds !== undefined ? { driftRampSeconds: options.driftRampSeconds } : {}),
    ...(options.labelShare !== undefined ? { labelShare: options.labelShare } : {}),
  });

  const counters = {
    sent: 0,
    accepted: 0,
    rejected: 0,
    dropped: 0,
    labelsSent: 0,
    labelsAccepted: 0,
    labelsRejected: 0,
    labelsDropped: 0,
    requests: 0,
    failedRequests: 0,
  };
  const pendingLabels: { dueMs: number; label: DemoLabelRecord }[] = [];
  let pendingHead = 0;

  let stopping = false;
  /** Aborts sleeps at once when stopping. */
  const stopController = new AbortController();
  /** Aborts an in-flight request after the grace period. */
  const requestController = new AbortController();
  let backoffMs = BACKOFF_INITIAL_MS;

  const stats = (): ReplayerStats => {
    const now = new Date();
    return {
      phase: generator.phaseAt(now),
      driftIntensity: Math.round(generator.driftIntensityAt(now) * 1000) / 1000,
      elapsedSeconds: Math.round((now.getTime() - startTime.getTime()) / 100) / 10,
      ...counters,
      labelsPending: pendingLabels.length - pendingHead,
    };
  };

  async function sleep(ms: number): Promise<void> {
    if (ms <= 0 || stopping) return;
    try {
      await delay(ms, undefined, { signal: stopController.signal });
    } catch {
      // Aborted by stop().
    }
  }

  async function post(path: string, records: readonly object[]): Promise<PostOutcome> {
    counters.requests++;
    let response: Response;
    let text: string;
    try {
      response = await fetch(baseUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: toNdjson(records),
        signal: AbortSignal.any([requestController.signal, AbortSignal.timeout(timeoutMs)]),
      });
      text = await response.text();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return { ok: false, retryable: true, error: `${err instanceof Error ? err.message : String(err)}${cause}` };
    }
    if (response.ok) {
      // Use the server's per-record counts when it reports them; otherwise a 2xx accepts everything.
      let accepted = records.length;
      let rejected = 0;
      try {
        const body = JSON.parse(text) as unknown;
        if (body !== null && typeof body === 'object') {
          const a = (body as Record<string, unknown>).accepted;
          const r = (body as Record<string, unknown>).rejected;
          if (typeof a === 'number' && typeof r === 'number') {
            accepted = a;
            rejected = r;
          } else if (typeof a === 'number') {
            accepted = a;
            rejected = Math.max(0, records.length - a);
          }
        }
      } catch {
        // Not JSON: keep the defaults.
      }
      return { ok: true, accepted, rejected };
    }
    const error = `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    if (response.status === 429 || response.status >= 500) {
      const retryAfterMs =
        response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers.get('retry-after')) : undefined;
      return { ok: false, retryable: true, status: response.status, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { ok: false, retryable: false, status: response.status, error };
  }

  /** Delivers one batch, retrying as needed. Returns the accepted/rejected counts, or null if it was dropped. */
  async function deliver(kind: 'predictions' | 'labels', path: string, records: readonly object[]) {
    for (let attempt = 1; ; attempt++) {
      const outcome = await post(path, records);
      if (outcome.ok) {
        backoffMs = BACKOFF_INITIAL_MS;
        return { accepted: outcome.accepted, rejected: outcome.rejected };
      }
      counters.failedRequests++;
      if (!outcome.retryable) {
        logger.warn({ kind, status: outcome.status, records: records.length, error: outcome.error }, 'demo traffic: request refused');
        return { accepted: 0, rejected: records.length };
      }
      if (stopping) return null;
      const waitMs = outcome.retryAfterMs ?? backoffMs;
      if (outcome.retryAfterMs === undefined) backoffMs = Math.min(BACKOFF_MAX_MS, backoffMs * 2);
      const giveUp = attempt >= maxAttempts;
      logger.warn(
        { kind, status: outcome.status, attempt, records: records.length, retryInMs: Math.round(waitMs), error: outcome.error },
        giveUp ? 'demo traffic: request failed, dropping its records' : 'demo traffic: request failed, backing off',
      );
      await sleep(waitMs);
      if (giveUp || stopping) return null;
    }
  }

  async function sendPredictions(records: DemoPredictionRecord[]): Promise<void> {
    const result = await deliver('predictions', PREDICTIONS_PATH, records);
    if (result === null) {
      counters.dropped += records.length;
      return;
    }
    counters.sent += records.length;
    counters.accepted += result.accepted;
    counters.rejected += result.rejected;
    if (result.accepted === 0) return; // Labels of refused predictions would have nothing to join.
    const dueMs = Date.now() + labelDelayMs;
    for (const record of records) {
      const label = generator.labelFor(record);
      if (label === null) continue;
      if (pendingLabels.length - pendingHead >= MAX_PENDING_LABELS) {
        counters.labelsDropped++;
        continue;
      }
      pendingLabels.push({ dueMs, label });
    }
  }

  async function sendDueLabels(): Promise<void> {
    const maxPerRequest = Math.max(batchSize, 500);
    while (!stopping) {
      const now = Date.now();
      const due: DemoLabelRecord[] = [];
      while (pendingHead < pendingLabels.length && due.length < maxPerRequest) {
        const next = pendingLabels[pendingHead] as { dueMs: number; label: DemoLabelRecord };
        if (next.dueMs > now) break;
        due.push(next.label);
        pendingHead++;
      }
      if (pendingHead > 4096 && pendingHead * 2 > pendingLabels.length) {
        pendingLabels.splice(0, pendingHead);
        pendingHead = 0;
      }
      if (due.length === 0) return;
      const result = await deliver('labels', LABELS_PATH, due);
      if (result === null) {
        counters.labelsDropped += due.length;
        continue;
      }
      counters.labelsSent += due.length;
      counters.labelsAccepted += result.accepted;
      counters.labelsRejected += result.rejected;
    }
  }

  async function run(): Promise<void> {
    logger.info(
      { url: baseUrl, ratePerSecond: rate, batchSize, labelDelaySeconds: labelDelayMs / 1000, driftAfterSeconds },
      'demo traffic started',
    );
    let tokens = 0;
    let lastRefill = performance.now();
    let lastProgress = lastRefill;
    let driftAnnounced = false;
    const fullBatchMs = (batchSize / rate) * 1000;
    // Below one batch per second, send about a second's worth at a time instead of waiting for a full batch.
    const tickMs = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, fullBatchMs));
    const minBatch = fullBatchMs > MAX_TICK_MS ? Math.max(1, Math.floor(rate)) : batchSize;

    while (!stopping) {
      const nowPerf = performance.now();
      // The bucket holds at most one batch: time lost to a slow server is not made up with a burst.
      tokens = Math.min(batchSize, tokens + ((nowPerf - lastRefill) * rate) / 1000);
      lastRefill = nowPerf;

      if (tokens >= minBatch) {
        const n = Math.floor(tokens);
        tokens -= n;
        const now = new Date();
        if (!driftAnnounced && generator.phaseAt(now) === 'drift') {
          driftAnnounced = true;
          logger.info(
            {
              phase: 'drift',
              afterSeconds: driftAfterSeconds,
              heatWaveCelsius: DEMO_DRIFT_SCENARIO.tempMaxShift,
              humidityMissingRate: DEMO_DRIFT_SCENARIO.humidityMissingRate,
              newStation: DEMO_NEW_STATION,
            },
            'demo drift started: heat wave, failing humidity sensor and a new station ramping in',
          );
        }
        const batch: DemoPredictionRecord[] = [];
        for (let i = 0; i < n; i++) batch.push(generator.next(now));
        await sendPredictions(batch);
      }
      await sendDueLabels();

      const afterPerf = performance.now();
      if (afterPerf - lastProgress >= progressMs) {
        lastProgress = afterPerf;
        logger.info(stats(), 'demo traffic progress');
      }
      // Sleep until the next batch has accrued (never longer than a tick), waking early for due labels.
      const refilled = Math.min(batchSize, tokens + ((afterPerf - lastRefill) * rate) / 1000);
      let waitMs = Math.min(tickMs, ((minBatch - refilled) * 1000) / rate);
      if (pendingHead < pendingLabels.length) {
        const labelWait = (pendingLabels[pendingHead] as { dueMs: number }).dueMs - Date.now();
        waitMs = Math.min(waitMs, Math.max(MIN_TICK_MS, labelWait));
      }
      await sleep(Math.max(MIN_TICK_MS, waitMs));
    }
    logger.info(stats(), 'demo traffic stopped');
  }

  const done = run().catch((err: unknown) => {
    logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'demo traffic stopped after an unexpected error');
  });

  let stopPromise: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      stopping = true;
      stopController.abort();
      const grace = setTimeout(() => requestController.abort(), STOP_GRACE_MS);
      try {
        await done;
      } finally {
        clearTimeout(grace);
      }
    })();
    return stopPromise;
  };

  if (options.signal) {
    if (options.signal.aborted) void stop();
    else options.signal.addEventListener('abort', () => void stop(), { once: true });
  }

  return { stop, stats };
}
