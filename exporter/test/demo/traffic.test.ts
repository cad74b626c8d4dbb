import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  createTrafficGenerator,
  DEMO_DRIFTED_FEATURES,
  DEMO_STABLE_FEATURES,
  type DemoFeatures,
  type DemoPredictionRecord,
  type TrafficGenerator,
} from '../../src/demo/traffic.js';
import { DEMO_NEW_STATION, DEMO_STATION_NAMES, WEATHER_CLASSES } from '../../src/demo/weather.js';
import { categoricalPsi, DEMO_CONFIG_PATH, mean, numericPsi, readReferenceCsv, sd, shares } from './helpers.js';

const START = new Date('2026-01-01T00:00:00.000Z');
const N = 5000;
const NUMERIC = ['temp_max', 'temp_min', 'precipitation', 'wind', 'humidity', 'pressure'] as const;
type NumericFeature = (typeof NUMERIC)[number];

const reference = readReferenceCsv();
const refNumeric = (f: NumericFeature): (number | null)[] => reference.map((r) => (r[f] === '' ? null : Number(r[f])));
const refStations = reference.map((r) => r.station as string);
const refAccuracy = mean(reference.map((r) => (r.prediction === r.label ? 1 : 0)));

function at(seconds: number): Date {
  return new Date(START.getTime() + seconds * 1000);
}

/** n records, one every 10 ms from `fromSeconds` on. */
function take(gen: TrafficGenerator, n: number, fromSeconds = 0): DemoPredictionRecord[] {
  return Array.from({ length: n }, (_, i) => gen.next(at(fromSeconds + i / 100)));
}

function numeric(records: readonly DemoPredictionRecord[], f: NumericFeature): (number | null)[] {
  return records.map((r) => r.features[f]);
}

const present = (values: readonly (number | null)[]) => values.filter((v): v is number => v !== null);
const missingRate = (values: readonly (number | null)[]) => values.filter((v) => v === null).length / values.length;

function accuracy(gen: TrafficGenerator, records: readonly DemoPredictionRecord[]): number {
  const labelled = records.map((r) => [r, gen.labelFor(r)] as const).filter(([, l]) => l !== null);
  return mean(labelled.map(([r, l]) => (r.prediction === l?.label ? 1 : 0)));
}

describe('createTrafficGenerator', () => {
  it('is deterministic for a seed, including which records get labels', () => {
    const a = createTrafficGenerator({ seed: 9, driftAfterSeconds: 5, startTime: START });
    const b = createTrafficGenerator({ seed: 9, driftAfterSeconds: 5, startTime: START });
    const c = createTrafficGenerator({ seed: 10, driftAfterSeconds: 5, startTime: START });
    const ra = take(a, 1000);
    const rb = take(b, 1000);
    expect(rb).toEqual(ra);
    expect(rb.map((r) => b.labelFor(r))).toEqual(ra.map((r) => a.labelFor(r)));
    expect(take(c, 1000)).not.toEqual(ra);
  });

  it('emits records in the ingest API shape', () => {
    const gen = createTrafficGenerator({ seed: 1, driftAfterSeconds: 60, startTime: START });
    const now = at(1.5);
    const first = gen.next(now);
    const second = gen.next(now);
    expect(Object.keys(first).sort()).toEqual(
      ['features', 'latency_ms', 'model', 'model_version', 'prediction', 'prediction_id', 'score', 'timestamp'].sort(),
    );
    expect(first).toMatchObject({ model: 'weather', model_version: '1', prediction_id: 'p-000001', timestamp: '2026-01-01T00:00:01.500Z' });
    expect(second.prediction_id).toBe('p-000002');
    expect(gen.count).toBe(2);
    expect(Object.keys(first.features).sort()).toEqual([...DEMO_DRIFTED_FEATURES, ...DEMO_STABLE_FEATURES].sort());
    expect(WEATHER_CLASSES).toContain(first.prediction);
    expect(first.score).toBeGreaterThan(0);
    expect(first.score).toBeLessThanOrEqual(1);
    // Plain JSON: it survives a round trip unchanged (a missing humidity stays null).
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    const label = gen.labelFor(first) ?? gen.labelFor(second);
    expect(label).not.toBeNull();
    expect(Object.keys(label ?? {}).sort()).toEqual(['label', 'model', 'prediction_id']);
  });

  it('labels about the requested share of predictions, with their own ids', () => {
    const gen = createTrafficGenerator({ seed: 2, driftAfterSeconds: 60, startTime: START, labelShare: 0.7 });
    const records = take(gen, 4000);
    const labels = records.map((r) => [r, gen.labelFor(r)] as const);
    const share = labels.filter(([, l]) => l !== null).length / records.length;
    expect(share).toBeGreaterThan(0.66);
    expect(share).toBeLessThan(0.74);
    for (const [r, l] of labels) if (l !== null) expect(l.prediction_id).toBe(r.prediction_id);
    expect(gen.labelFor({ ...(records[0] as DemoPredictionRecord) })).toBeNull(); // only records it returned
  });

  it('has a lognormal latency around 20 ms with a slow tail', () => {
    const gen = createTrafficGenerator({ seed: 3, driftAfterSeconds: 60, startTime: START });
    const latencies = take(gen, 5000)
      .map((r) => r.latency_ms)
      .sort((x, y) => x - y);
    expect(latencies[0]).toBeGreaterThan(0);
    expect(latencies[2500]).toBeGreaterThan(18);
    expect(latencies[2500]).toBeLessThan(22);
    expect(latencies[4950]).toBeGreaterThan(60); // p99
  });

  it('ramps the drift in after driftAfterSeconds', () => {
    const gen = createTrafficGenerator({ seed: 4, driftAfterSeconds: 60, driftRampSeconds: 20, startTime: START });
    expect(gen.phaseAt(at(59.9))).toBe('reference');
    expect(gen.driftIntensityAt(at(59.9))).toBe(0);
    expect(gen.phaseAt(at(60))).toBe('drift');
    expect(gen.driftIntensityAt(at(60))).toBe(0);
    expect(gen.driftIntensityAt(at(70))).toBeCloseTo(0.5, 10);
    expect(gen.driftIntensityAt(at(80))).toBe(1);
    expect(gen.driftIntensityAt(at(1000))).toBe(1);
    const step = createTrafficGenerator({ seed: 4, driftAfterSeconds: 60, driftRampSeconds: 0, startTime: START });
    expect(step.driftIntensityAt(at(60))).toBe(1);
    // Half-way through the ramp the heat wave is about half as strong.
    const base = createTrafficGenerator({ seed: 5, driftAfterSeconds: 1e9, startTime: START });
    const half = createTrafficGenerator({ seed: 5, driftAfterSeconds: 0, driftRampSeconds: 2000, startTime: START });
    const shift = mean(present(numeric(take(half, 2000, 1000), 'temp_max'))) - mean(present(numeric(take(base, 2000, 1000), 'temp_max')));
    expect(shift).toBeGreaterThan(2.5);
    expect(shift).toBeLessThan(3.5);
  });

  it('declares every demo feature as either drifted or stable', () => {
    const config = parseYaml(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as { models: { features: { name: string }[] }[] };
    const configured = config.models[0]?.features.map((f) => f.name).sort();
    const declared: string[] = [...DEMO_DRIFTED_FEATURES, ...DEMO_STABLE_FEATURES];
    expect(declared.sort()).toEqual(configured);
    expect(new Set(declared).size).toBe(declared.length);
  });
});

describe('reference-phase traffic', () => {
  const gen = createTrafficGenerator({ seed: 77, driftAfterSeconds: 1e9, startTime: START });
  const records = take(gen, N);

  it('is in the reference phase', () => {
    expect(gen.phaseAt(at(N / 100))).toBe('reference');
  });

  it.each(NUMERIC)('matches the reference distribution of %s', (f) => {
    const ref = refNumeric(f);
    const cur = numeric(records, f);
    const refPresent = present(ref);
    expect(Math.abs(mean(present(cur)) - mean(refPresent))).toBeLessThan(0.1 * sd(refPresent));
    const q = (values: number[], p: number) => [...values].sort((x, y) => x - y)[Math.floor(p * (values.length - 1))] as number;
    for (const p of [0.1, 0.5, 0.9]) expect(Math.abs(q(present(cur), p) - q(refPresent, p))).toBeLessThan(0.15 * sd(refPresent));
    expect(Math.abs(missingRate(cur) - missingRate(ref))).toBeLessThan(0.015);
    expect(numericPsi(ref, cur)).toBeLessThan(0.03);
  });

  it('matches the reference station shares', () => {
    const stations = records.map((r) => r.features.station);
    const refShares = shares(refStations);
    const curShares = shares(stations);
    expect([...curShares.keys()].sort()).toEqual([...DEMO_STATION_NAMES].sort());
    for (const [station, share] of refShares) expect(Math.abs((curShares.get(station) ?? 0) - share)).toBeLessThan(0.035);
    expect(categoricalPsi(refStations, stations)).toBeLessThan(0.02);
  });

  it('has the reference model accuracy and prediction mix', () => {
    expect(Math.abs(accuracy(gen, records) - refAccuracy)).toBeLessThan(0.035);
    const predictionPsi = categoricalPsi(
      reference.map((r) => r.prediction as string),
      records.map((r) => r.prediction),
    );
    expect(predictionPsi).toBeLessThan(0.02);
    expect(Math.abs(mean(records.map((r) => r.score)) - mean(reference.map((r) => Number(r.score))))).toBeLessThan(0.02);
  });
});

describe('post-drift traffic', () => {
  // Same seed with and without the drift: every random draw is the same, only the drift differs.
  const base = createTrafficGenerator({ seed: 77, driftAfterSeconds: 1e9, startTime: START });
  const drifted = createTrafficGenerator({ seed: 77, driftAfterSeconds: 30, driftRampSeconds: 10, startTime: START });
  const from = 40; // fully ramped in
  const baseRecords = take(base, N, from);
  const records = take(drifted, N, from);

  it('is in the drift phase at full strength', () => {
    expect(drifted.phaseAt(at(from))).toBe('drift');
    expect(drifted.driftIntensityAt(at(from))).toBe(1);
  });

  it.each(DEMO_STABLE_FEATURES)('leaves %s exactly as it was', (f) => {
    expect(numeric(records, f)).toEqual(numeric(baseRecords, f));
    expect(numericPsi(refNumeric(f), numeric(records, f))).toBeLessThan(0.03);
  });

  it('has a heat wave: temp_max about +6 °C and temp_min about +4 °C', () => {
    const dMax = mean(present(numeric(records, 'temp_max'))) - mean(present(refNumeric('temp_max')));
    const dMin = mean(present(numeric(records, 'temp_min'))) - mean(present(refNumeric('temp_min')));
    expect(dMax).toBeGreaterThan(5);
    expect(dMax).toBeLessThan(7);
    expect(dMin).toBeGreaterThan(3);
    expect(dMin).toBeLessThan(5);
    expect(numericPsi(refNumeric('temp_max'), numeric(records, 'temp_max'))).toBeGreaterThan(0.2);
    expect(numericPsi(refNumeric('temp_min'), numeric(records, 'temp_min'))).toBeGreaterThan(0.2);
    expect(records.some((r) => drifted.labelFor(r)?.label === 'snow')).toBe(false);
  });

  it('has a failing humidity sensor: about 20 % missing, and drier air', () => {
    const humidity = numeric(records, 'humidity');
    expect(missingRate(humidity)).toBeGreaterThan(0.17);
    expect(missingRate(humidity)).toBeLessThan(0.23);
    expect(mean(present(humidity))).toBeLessThan(mean(present(refNumeric('humidity'))) - 5);
    expect(numericPsi(refNumeric('humidity'), humidity)).toBeGreaterThan(0.1);
  });

  it('has showers on sunny days: more precipitation', () => {
    const precipitation = numeric(records, 'precipitation');
    expect(mean(present(precipitation))).toBeGreaterThan(mean(present(refNumeric('precipitation'))) + 0.5);
    expect(numericPsi(refNumeric('precipitation'), precipitation)).toBeGreaterThan(0.1);
  });

  it('has a new station that the reference never saw, on about a quarter of the traffic', () => {
    const stations = records.map((r) => r.features.station);
    expect(refStations).not.toContain(DEMO_NEW_STATION);
    const newShare = stations.filter((s) => s === DEMO_NEW_STATION).length / stations.length;
    expect(newShare).toBeGreaterThan(0.21);
    expect(newShare).toBeLessThan(0.29);
    expect(categoricalPsi(refStations, stations)).toBeGreaterThan(0.2);
  });

  it('changes every declared drifted feature on most records', () => {
    for (const f of DEMO_DRIFTED_FEATURES) {
      const changed = records.filter((r, i) => r.features[f] !== (baseRecords[i] as DemoPredictionRecord).features[f]).length;
      // temp_max/temp_min move on every record; the others on a share of them.
      expect(changed / N, f).toBeGreaterThan(f === 'temp_max' || f === 'temp_min' ? 0.99 : 0.15);
    }
  });

  it('costs the unchanged model accuracy', () => {
    const driftAccuracy = accuracy(drifted, records);
    expect(driftAccuracy).toBeLessThan(refAccuracy - 0.1);
    expect(driftAccuracy).toBeGreaterThan(0.5);
    expect(Math.abs(accuracy(base, baseRecords) - refAccuracy)).toBeLessThan(0.035);
  });
});

describe('DemoFeatures', () => {
  it('is the set of configured features', () => {
    const features: DemoFeatures = { station: 'x', temp_max: 1, temp_min: 0, precipitation: 0, wind: 1, humidity: null, pressure: 1000 };
    expect(Object.keys(features).sort()).toEqual([...DEMO_DRIFTED_FEATURES, ...DEMO_STABLE_FEATURES].sort());
  });
});
