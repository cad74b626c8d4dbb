/**
 * The demo's synthetic climate and its weather classifier.
 *
 * Each observation is one station-day of a temperate climate: a station (six, of unequal traffic), the
 * day's maximum and minimum temperature (°C), precipitation (mm), mean wind speed (m/s), relative humidity
 * (%), sea-level pressure (hPa) and the observed weather class (sun, rain, drizzle, fog or snow).
 *
 * How a day is drawn:
 *  - a seasonal cycle (warmest mid-July) plus a station offset and a day-to-day anomaly gives the day's
 *    mean temperature;
 *  - a latent "storminess" drives low pressure, wind and the chance of a wet day, so those features are
 *    correlated with each other and with the class;
 *  - wet days are drizzle, rain, or snow when it is cold enough; dry days are sun, or fog (more likely in
 *    the cold season, in calm weather and at the valley and coast stations);
 *  - the measurements are then drawn given the class (sunny days have a wide diurnal range and low
 *    humidity, fog is calm and saturated, ...), rounded like sensor readings, and about 2 % of humidity
 *    readings are missing.
 *
 * The classifier is a Gaussian naive Bayes model fitted once to a separate, seeded "previous year" of the
 * same climate. It does not know the date, so the seasonal overlap between classes keeps it right about
 * 80 % of the time; its score is its (temperature-scaled, roughly calibrated) probability of the class it
 * predicts.
 *
 * Drift: `sampleWeatherDay(rng, day, intensity)` blends in the demo's drift scenario as `intensity` goes
 * from 0 to 1 (a heat wave, a failing humidity sensor, a new station). The random draws do not depend on
 * the intensity, so for the same seed a drifted day has exactly the same precipitation, wind and pressure
 * as the undrifted one.
 */
import { createRng, type Rng } from './random.js';

export const WEATHER_CLASSES = ['sun', 'rain', 'drizzle', 'fog', 'snow'] as const;
export type WeatherClass = (typeof WEATHER_CLASSES)[number];

/** A station's climate relative to the regional average. */
export interface StationClimate {
  readonly name: string;
  /** Share of all observations (the weights sum to 1). */
  readonly weight: number;
  /** Added to the daily mean temperature, °C. */
  readonly tempOffset: number;
  /** Multiplies the seasonal temperature amplitude (coast < 1: milder seasons). */
  readonly seasonalScale: number;
  /** Added to the wind speed, m/s. */
  readonly windOffset: number;
  /** Added to the log-odds of a wet day. */
  readonly wetBias: number;
  /** Added to the log-odds of fog on a dry day. */
  readonly fogBias: number;
}

export const DEMO_STATIONS: readonly StationClimate[] = [
  { name: 'central', weight: 0.3, tempOffset: 0.8, seasonalScale: 1, windOffset: -0.2, wetBias: 0, fogBias: 0 },
  { name: 'north', weight: 0.22, tempOffset: -2.2, seasonalScale: 1.1, windOffset: 0.2, wetBias: 0.1, fogBias: 0 },
  { name: 'coast', weight: 0.17, tempOffset: 1.2, seasonalScale: 0.7, windOffset: 1.6, wetBias: 0.35, fogBias: 0.4 },
  { name: 'valley', weight: 0.14, tempOffset: 1.6, seasonalScale: 1.15, windOffset: -0.9, wetBias: -0.2, fogBias: 0.9 },
  { name: 'mountain', weight: 0.11, tempOffset: -5.5, seasonalScale: 0.9, windOffset: 2.2, wetBias: 0.4, fogBias: 0.3 },
  { name: 'airport', weight: 0.06, tempOffset: 0.4, seasonalScale: 1, windOffset: 0.9, wetBias: 0, fogBias: 0.2 },
];

/** Station names of the reference climate, in order of decreasing traffic. */
export const DEMO_STATION_NAMES: readonly string[] = DEMO_STATIONS.map((s) => s.name);

/** The station that comes online during the drift: it never appears in the reference data. */
export const DEMO_NEW_STATION = 'harbor';

/** Share of humidity readings that are missing in the reference climate. */
export const REFERENCE_HUMIDITY_MISSING_RATE = 0.02;

/** The drift scenario at full intensity. */
export const DEMO_DRIFT_SCENARIO = {
  /** Heat wave: added to temp_max, °C. */
  tempMaxShift: 6,
  /** Heat wave: added to temp_min, °C (nights warm less than days). */
  tempMinShift: 4,
  /** Heat wave: added to humidity, percentage points (hot air is drier). */
  humidityShift: -8,
  /** Failing humidity sensor: share of missing humidity readings. */
  humidityMissingRate: 0.2,
  /** Share of observations reported by the new station. */
  newStationShare: 0.25,
  /** Heat wave: share of sunny days with a short convective shower (the day is still recorded as sunny). */
  showerShare: 0.35,
} as const;

/** The measurements of one observation, as sent to the model (humidity null when the reading is missing). */
export interface WeatherFeatures {
  station: string;
  temp_max: number;
  temp_min: number;
  precipitation: number;
  wind: number;
  humidity: number | null;
  pressure: number;
}

export interface WeatherDay {
  /** 0-based day of the year (0 = 1 January). */
  dayOfYear: number;
  features: WeatherFeatures;
  /** The weather that was actually observed. */
  label: WeatherClass;
}

// Class-conditional parameters of the climate, indexed by class.
const RANGE_MEAN: Record<WeatherClass, number> = { sun: 8.8, rain: 5.8, drizzle: 6.6, fog: 8.0, snow: 5.0 };
const RANGE_SD: Record<WeatherClass, number> = { sun: 2.8, rain: 2.3, drizzle: 2.3, fog: 2.5, snow: 1.9 };
const TEMP_OFFSET: Record<WeatherClass, number> = { sun: 1.5, rain: -0.8, drizzle: -0.3, fog: -1.0, snow: -1.5 };
const WIND_OFFSET: Record<WeatherClass, number> = { sun: 0, rain: 0.8, drizzle: 0.2, fog: -1.5, snow: 0.8 };
const HUMIDITY_MEAN: Record<WeatherClass, number> = { sun: 69, rain: 82, drizzle: 85, fog: 89, snow: 84 };
const HUMIDITY_SD: Record<WeatherClass, number> = { sun: 14, rain: 9, drizzle: 8, fog: 7.5, snow: 8 };
const PRESSURE_OFFSET: Record<WeatherClass, number> = { sun: 4, rain: -4, drizzle: -1, fog: 5, snow: -4 };

const WARMEST_DAY = 196; // 15 July
const DRIZZLE_SHARE_OF_WET_DAYS = 0.25;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Rounds to a number of decimals, never returning -0. */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
}

/** Seasonal cycle: +1 at the warmest day of the year, -1 half a year away. */
export function seasonality(dayOfYear: number): number {
  return Math.cos((2 * Math.PI * (dayOfYear - WARMEST_DAY)) / 365);
}

const STATION_WEIGHTS = DEMO_STATIONS.map((s) => s.weight);

/**
 * Draws one observation for a day of the year. `driftIntensity` in [0, 1] blends in the drift scenario
 * (0 = the reference climate). Always consumes the same number of random draws.
 */
export function sampleWeatherDay(rng: Rng, dayOfYear: number, driftIntensity = 0): WeatherDay {
  const drift = clamp(driftIntensity, 0, 1);
  const climate = rng.choice(DEMO_STATIONS, STATION_WEIGHTS);
  const season = seasonality(dayOfYear);
  const tmean = 10.5 + 8.5 * climate.seasonalScale * season + climate.tempOffset + rng.normal(0, 3);
  const storm = rng.normal();

  // The observed class.
  const uWet = rng.next();
  const uKind = rng.next();
  const uFog = rng.next();
  const uMelt = rng.next();
  let label: WeatherClass;
  if (uWet < sigmoid(-0.45 - 0.6 * season + 1.2 * storm + climate.wetBias)) {
    if (uKind < DRIZZLE_SHARE_OF_WET_DAYS) label = 'drizzle';
    else label = (uKind - DRIZZLE_SHARE_OF_WET_DAYS) / (1 - DRIZZLE_SHARE_OF_WET_DAYS) < sigmoid(-(tmean - 0.5)) ? 'snow' : 'rain';
  } else {
    label = uFog < sigmoid(-2.0 - 0.7 * season - 0.5 * storm + climate.fogBias) ? 'fog' : 'sun';
  }
  // In the heat wave it is too warm to snow: the same wet day falls as rain. Snow and rain share their
  // precipitation, wind and pressure distributions, so this does not move those features.
  if (label === 'snow' && uMelt < drift) label = 'rain';

  // Temperatures.
  const range = Math.max(0.5, RANGE_MEAN[label] + 1.0 * season + RANGE_SD[label] * rng.normal());
  const center = tmean + TEMP_OFFSET[label];
  const tempMax = center + range / 2 + drift * DEMO_DRIFT_SCENARIO.tempMaxShift;
  const tempMin = center - range / 2 + drift * DEMO_DRIFT_SCENARIO.tempMinShift;

  // Precipitation: traces on a few dry days, light on drizzle days, heavier and storm-driven on rain/snow days.
  const nPrecip = rng.normal();
  const uTrace = rng.next();
  const nShower = rng.normal();
  const uShower = rng.next();
  let precipitation: number;
  switch (label) {
    case 'sun':
      precipitation = uTrace < 0.18 ? Math.exp(-1.3 + 0.7 * nPrecip) : 0;
      // Heat-wave afternoons: a short, heavy shower on a day that is otherwise sunny.
      if (uShower < drift * DEMO_DRIFT_SCENARIO.showerShare) precipitation += Math.exp(1.4 + 0.6 * nShower);
      break;
    case 'fog':
      precipitation = uTrace < 0.2 ? Math.exp(-1.6 + 0.6 * nPrecip) : 0;
      break;
    case 'drizzle':
      precipitation = Math.exp(-0.5 + 0.8 * nPrecip);
      break;
    case 'rain':
    case 'snow':
      precipitation = Math.exp(1.1 + 0.35 * storm + 0.9 * nPrecip);
      break;
  }

  const wind = Math.max(0.3, 3.2 + climate.windOffset + 1.1 * storm + WIND_OFFSET[label] + rng.normal(0, 1.1));

  const warmth = tmean - 10;
  const nHumidity = rng.normal();
  const uMissing = rng.next();
  const humidityValue = clamp(
    HUMIDITY_MEAN[label] - (label === 'sun' ? 0.6 : 0.25) * warmth + HUMIDITY_SD[label] * nHumidity + drift * DEMO_DRIFT_SCENARIO.humidityShift,
    12,
    100,
  );
  const missingRate = REFERENCE_HUMIDITY_MISSING_RATE + drift * (DEMO_DRIFT_SCENARIO.humidityMissingRate - REFERENCE_HUMIDITY_MISSING_RATE);
  const humidity = uMissing < missingRate ? null : Math.round(humidityValue);

  const pressure = 1015 + PRESSURE_OFFSET[label] - 5.5 * storm + rng.normal(0, 4.5);

  // The new station's weather is drawn from the same mix of climates, so only the station name shifts.
  const uStation = rng.next();
  const station = uStation < drift * DEMO_DRIFT_SCENARIO.newStationShare ? DEMO_NEW_STATION : climate.name;

  return {
    dayOfYear,
    label,
    features: {
      station,
      temp_max: roundTo(tempMax, 1),
      temp_min: roundTo(tempMin, 1),
      precipitation: roundTo(precipitation, 1),
      wind: roundTo(wind, 1),
      humidity,
      pressure: roundTo(pressure, 1),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The classifier.

/** Numeric inputs of the model, derived from the features; null when missing. */
const MODEL_INPUTS = ['temp_max', 'diurnal_range', 'log_precipitation', 'wind', 'humidity', 'pressure'] as const;
type ModelInputs = (number | null)[];

function modelInputs(f: WeatherFeatures): ModelInputs {
  return [f.temp_max, f.temp_max - f.temp_min, Math.log1p(f.precipitation), f.wind, f.humidity, f.pressure];
}

export interface WeatherPrediction {
  prediction: WeatherClass;
  /** Probability of the predicted class, 3 decimals. */
  score: number;
  probabilities: Record<WeatherClass, number>;
}

/** A fitted Gaussian naive Bayes weather classifier. */
export interface WeatherModel {
  predict(features: WeatherFeatures): WeatherPrediction;
}

interface GaussianParams {
  mean: number;
  sd: number;
}

/** Softmax temperature: naive Bayes double-counts correlated evidence, so its raw posteriors are overconfident. */
const MODEL_TEMPERATURE = 1.4;
/** Minimum standard deviation of any input (keeps near-constant inputs, e.g. dry-day precipitation, from dominating). */
const MODEL_SD_FLOOR = 0.2;

/**
 * Fits the classifier to `n` observations of the reference climate drawn with `seed`: per-class means and
 * standard deviations of each input, and per-station class priors (Laplace-smoothed). Unseen stations
 * fall back to the overall class prior; missing inputs are left out of the likelihood.
 */
export function fitWeatherModel(seed: number, n: number): WeatherModel {
  const rng = createRng(seed);
  const k = WEATHER_CLASSES.length;
  const d = MODEL_INPUTS.length;
  const count = new Array<number>(k).fill(0);
  const sums = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const sumsSq = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const seen = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const stationCounts = new Map<string, number[]>();

  for (let i = 0; i < n; i++) {
    const day = sampleWeatherDay(rng, rng.int(0, 365));
    const c = WEATHER_CLASSES.indexOf(day.label);
    count[c] = (count[c] as number) + 1;
    const perStation = stationCounts.get(day.features.station) ?? new Array<number>(k).fill(0);
    perStation[c] = (perStation[c] as number) + 1;
    stationCounts.set(day.features.station, perStation);
    const x = modelInputs(day.features);
    for (let j = 0; j < d; j++) {
      const v = x[j];
      if (v === null || v === undefined) continue;
      (sums[c] as number[])[j] = ((sums[c] as number[])[j] as number) + v;
      (sumsSq[c] as number[])[j] = ((sumsSq[c] as number[])[j] as number) + v * v;
      (seen[c] as number[])[j] = ((seen[c] as number[])[j] as number) + 1;
    }
  }

  const params: GaussianParams[][] = WEATHER_CLASSES.map((_, c) =>
    MODEL_INPUTS.map((__, j) => {
      const m = (seen[c] as number[])[j] as number;
      const mean = m > 0 ? ((sums[c] as number[])[j] as number) / m : 0;
      const variance = m > 1 ? (((sumsSq[c] as number[])[j] as number) - m * mean * mean) / (m - 1) : 1;
      return { mean, sd: Math.max(MODEL_SD_FLOOR, Math.sqrt(Math.max(0, variance))) };
    }),
  );
  const logPrior = (counts: number[]): number[] => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((x) => Math.log((x + 1) / (total + k)));
  };
  const globalLogPrior = logPrior(count);
  const stationLogPrior = new Map<string, number[]>();
  for (const [station, counts] of stationCounts) stationLogPrior.set(station, logPrior(counts));

  return {
    predict(features) {
      const x = modelInputs(features);
      const prior = stationLogPrior.get(features.station) ?? globalLogPrior;
      const logits = WEATHER_CLASSES.map((_, c) => {
        let ll = prior[c] as number;
        for (let j = 0; j < d; j++) {
          const v = x[j];
          if (v === null || v === undefined) continue;
          const { mean, sd } = (params[c] as GaussianParams[])[j] as GaussianParams;
          const zs = (v - mean) / sd;
          ll += -0.5 * zs * zs - Math.log(sd);
        }
        return ll / MODEL_TEMPERATURE;
      });
      const max = Math.max(...logits);
      const exps = logits.map((l) => Math.exp(l - max));
      const total = exps.reduce((a, b) => a + b, 0);
      let best = 0;
      for (let c = 1; c < k; c++) if ((exps[c] as number) > (exps[best] as number)) best = c;
      const probabilities = Object.fromEntries(WEATHER_CLASSES.map((cls, c) => [cls, (exps[c] as number) / total])) as Record<
        WeatherClass,
        number
      >;
      const prediction = WEATHER_CLASSES[best] as WeatherClass;
      return { prediction, score: roundTo(probabilities[prediction], 3), probabilities };
    },
  };
}

/** Seed and size of the model's training sample (a "previous year", independent of the reference data). */
export const MODEL_TRAINING_SEED = 20241123;
export const MODEL_TRAINING_SIZE = 20000;

let demoModel: WeatherModel | undefined;

/** The demo's deployed model (fitted on first use, then cached). */
export function demoWeatherModel(): WeatherModel {
  demoModel ??= fitWeatherModel(MODEL_TRAINING_SEED, MODEL_TRAINING_SIZE);
  return demoModel;
}
