/**
 * Production-like prediction traffic for the demo model `weather`: a pure, deterministic generator of the
 * records the exporter ingests, and of the ground-truth labels that arrive for most of them.
 *
 * Before `driftAfterSeconds` (measured from `startTime`) every record is drawn from the same climate and
 * model as the reference data, so the traffic matches the reference distributions. (Days are sampled
 * from the whole year rather than from the wall-clock date, so the match does not depend on the season
 * the demo runs in.) From `driftAfterSeconds` on, the drift scenario ramps in linearly over
 * `driftRampSeconds`:
 *  - a heat wave: temp_max +6 °C, temp_min +4 °C, humidity -8 points, snow turns to rain, and short
 *    showers on 35 % of sunny days (precipitation up, while the day is still recorded as sunny);
 *  - a failing humidity sensor: missing humidity goes from 2 % to 20 %;
 *  - a new station, "harbor", never seen in the reference, reports a quarter of the observations;
 *  - so the model, unchanged, drops from about 82 % to about 66 % accuracy (and grows overconfident).
 * Wind and pressure are untouched: for the same seed they are identical record by record with and
 * without the drift.
 */
import { createRng, deriveSeed } from './random.js';
import { demoWeatherModel, roundTo, sampleWeatherDay, type WeatherClass } from './weather.js';

export const DEMO_MODEL_NAME = 'weather';
export const DEMO_MODEL_VERSION = '1';
/** The default seed of the demo (the same one the reference data was generated with). */
export const DEMO_SEED = 20261123;

/** Features whose distribution changes once the drift has ramped in. */
export const DEMO_DRIFTED_FEATURES = ['temp_max', 'temp_min', 'precipitation', 'humidity', 'station'] as const;
/** Features whose distribution stays exactly as in the reference. */
export const DEMO_STABLE_FEATURES = ['wind', 'pressure'] as const;

export type DemoFeatureName = (typeof DEMO_DRIFTED_FEATURES)[number] | (typeof DEMO_STABLE_FEATURES)[number];

export interface DemoFeatures {
  station: string;
  temp_max: number;
  temp_min: number;
  precipitation: number;
  wind: number;
  /** null: the reading is missing. */
  humidity: number | null;
  pressure: number;
}

/** One prediction, in the shape of the exporter's ingest API (`POST /api/v1/predictions`). */
export interface DemoPredictionRecord {
  model: string;
  model_version: string;
  prediction_id: string;
  /** ISO 8601, UTC. */
  timestamp: string;
  features: DemoFeatures;
  prediction: WeatherClass;
  score: number;
  latency_ms: number;
}

/** The ground truth of one prediction (`POST /api/v1/labels`). */
export interface DemoLabelRecord {
  model: string;
  prediction_id: string;
  label: WeatherClass;
}

export type DemoPhase = 'reference' | 'drift';

export interface TrafficOptions {
  seed: number;
  /** Seconds after `startTime` at which the drift starts ramping in. */
  driftAfterSeconds: number;
  startTime: Date;
  /** Seconds the drift takes to reach full strength (default 30; 0 = a step change). */
  driftRampSeconds?: number;
  /** Share of predictions that get a label (default 0.9). */
  labelShare?: number;
  /** Prefix of the prediction ids (default "p-"): ids are the prefix and a zero-padded counter from 000001. */
  idPrefix?: string;
}

export interface TrafficGenerator {
  /** The next prediction record, timestamped `now`, with the drift that applies at `now`. */
  next(now: Date): DemoPredictionRecord;
  /** The label of a record returned by `next` when it is in the labelled share, otherwise null. */
  labelFor(record: DemoPredictionRecord): DemoLabelRecord | null;
  /** "drift" from `driftAfterSeconds` on (even while the drift is still ramping in). */
  phaseAt(now: Date): DemoPhase;
  /** Strength of the drift at `now`: 0 before `driftAfterSeconds`, rising linearly to 1. */
  driftIntensityAt(now: Date): number;
  /** How many records `next` has returned. */
  readonly count: number;
}

export const DEFAULT_DRIFT_RAMP_SECONDS = 30;
export const DEFAULT_LABEL_SHARE = 0.9;

/** Latency: lognormal with a 20 ms median, plus a slow tail (3 % of requests 3-10x slower). */
const LATENCY_MEDIAN_MS = 20;
const LATENCY_SIGMA = 0.3;
const SLOW_SHARE = 0.03;

export function createTrafficGenerator(options: TrafficOptions): TrafficGenerator {
  const { seed, driftAfterSeconds, startTime } = options;
  const rampSeconds = options.driftRampSeconds ?? DEFAULT_DRIFT_RAMP_SECONDS;
  const labelShare = options.labelShare ?? DEFAULT_LABEL_SHARE;
  const idPrefix = options.idPrefix ?? 'p-';
  if (!Number.isFinite(driftAfterSeconds)) throw new RangeError(`driftAfterSeconds must be finite, got ${driftAfterSeconds}`);
  if (!(rampSeconds >= 0)) throw new RangeError(`driftRampSeconds must be >= 0, got ${rampSeconds}`);
  if (!(labelShare >= 0 && labelShare <= 1)) throw new RangeError(`labelShare must be in [0, 1], got ${labelShare}`);
  const startMs = startTime.getTime();
  if (!Number.isFinite(startMs)) throw new RangeError('startTime is not a valid date');

  // Independent streams: the weather does not depend on how latencies or label shares are drawn.
  const weatherRng = createRng(deriveSeed(seed, 'weather'));
  const latencyRng = createRng(deriveSeed(seed, 'latency'));
  const labelRng = createRng(deriveSeed(seed, 'labels'));
  const model = demoWeatherModel();
  const labels = new WeakMap<DemoPredictionRecord, DemoLabelRecord>();
  let count = 0;

  const elapsedSeconds = (now: Date): number => (now.getTime() - startMs) / 1000;
  const driftIntensityAt = (now: Date): number => {
    const sinceDrift = elapsedSeconds(now) - driftAfterSeconds;
    if (sinceDrift < 0) return 0;
    if (rampSeconds === 0) return 1;
    return Math.min(1, sinceDrift / rampSeconds);
  };

  return {
    next(now) {
      const intensity = driftIntensityAt(now);
      const day = sampleWeatherDay(weatherRng, weatherRng.int(0, 365), intensity);
      const { prediction, score } = model.predict(day.features);
      let latency = latencyRng.lognormal(Math.log(LATENCY_MEDIAN_MS), LATENCY_SIGMA);
      const slowFactor = latencyRng.uniform(3, 10);
      if (latencyRng.bernoulli(SLOW_SHARE)) latency *= slowFactor;
      count++;
      const predictionId = `${idPrefix}${String(count).padStart(6, '0')}`;
      const record: DemoPredictionRecord = {
        model: DEMO_MODEL_NAME,
        model_version: DEMO_MODEL_VERSION,
        prediction_id: predictionId,
        timestamp: now.toISOString(),
        features: { ...day.features },
        prediction,
        score,
        latency_ms: roundTo(latency, 1),
      };
      if (labelRng.next() < labelShare) {
        labels.set(record, { model: DEMO_MODEL_NAME, prediction_id: predictionId, label: day.label });
      }
      return record;
    },
    labelFor(record) {
      return labels.get(record) ?? null;
    },
    phaseAt(now) {
      return elapsedSeconds(now) >= driftAfterSeconds ? 'drift' : 'reference';
    },
    driftIntensityAt,
    get count() {
      return count;
    },
  };
}
