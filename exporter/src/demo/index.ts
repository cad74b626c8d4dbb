/**
 * The bundled demo: the weather model's configuration and reference data (in exporter/demo/), and the
 * traffic replayer that feeds a running exporter.
 */
import { fileURLToPath } from 'node:url';

/** The folder holding the demo's modelwatch.yml and reference.csv (the same from src/demo and dist/demo). */
export const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../demo/modelwatch.yml', import.meta.url));
export const DEMO_REFERENCE_PATH = fileURLToPath(new URL('../../demo/reference.csv', import.meta.url));

export { startReplayer, type Replayer, type ReplayerLogger, type ReplayerOptions, type ReplayerStats } from './replayer.js';
export {
  createTrafficGenerator,
  DEMO_DRIFTED_FEATURES,
  DEMO_MODEL_NAME,
  DEMO_MODEL_VERSION,
  DEMO_SEED,
  DEMO_STABLE_FEATURES,
  type DemoLabelRecord,
  type DemoPhase,
  type DemoPredictionRecord,
  type TrafficGenerator,
  type TrafficOptions,
} from './traffic.js';
export { DEMO_DRIFT_SCENARIO, DEMO_NEW_STATION, DEMO_STATION_NAMES, WEATHER_CLASSES, type WeatherClass } from './weather.js';
