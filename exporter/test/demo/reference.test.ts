import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  formatReferenceCsv,
  generateReferenceRows,
  REFERENCE_COLUMNS,
  REFERENCE_ROW_COUNT,
  REFERENCE_SEED,
} from '../../src/demo/generate-reference.js';
import { DEMO_CONFIG_PATH as DEMO_CONFIG_PATH_EXPORTED, DEMO_DIR, DEMO_REFERENCE_PATH } from '../../src/demo/index.js';
import { DEMO_STATION_NAMES, WEATHER_CLASSES } from '../../src/demo/weather.js';
import { correlation, DEMO_CONFIG_PATH, mean, readReferenceCsv, readReferenceCsvText, REFERENCE_CSV_PATH, shares } from './helpers.js';

const rows = readReferenceCsv();
const num = (column: string) => rows.filter((r) => r[column] !== '').map((r) => Number(r[column]));

describe('generateReferenceRows', () => {
  it('is deterministic for a seed', () => {
    const a = generateReferenceRows(5, 300);
    expect(generateReferenceRows(5, 300)).toEqual(a);
    expect(generateReferenceRows(6, 300)).not.toEqual(a);
  });

  it('produces exactly the committed reference.csv for seed 20261123 and 5000 rows', () => {
    expect(REFERENCE_SEED).toBe(20261123);
    expect(REFERENCE_ROW_COUNT).toBe(5000);
    // Regenerate with the command at the top of exporter/src/demo/generate-reference.ts if this fails after
    // an intended change of the demo climate or model.
    expect(readReferenceCsvText() === formatReferenceCsv(generateReferenceRows(REFERENCE_SEED, REFERENCE_ROW_COUNT))).toBe(true);
  });

  it('writes missing humidity as an empty cell and quotes nothing it does not need to', () => {
    const csv = formatReferenceCsv([
      {
        date: '2025-01-01',
        station: 'north',
        temp_max: 4.5,
        temp_min: -2,
        precipitation: 0,
        wind: 3.1,
        humidity: null,
        pressure: 1012.3,
        prediction: 'sun',
        score: 0.512,
        label: 'fog',
      },
    ]);
    expect(csv).toBe(`${REFERENCE_COLUMNS.join(',')}\n2025-01-01,north,4.5,-2,0,3.1,,1012.3,sun,0.512,fog\n`);
  });
});

describe('the committed reference data', () => {
  it('has the documented columns, about 5000 rows and a commit-friendly size', () => {
    expect(readReferenceCsvText().split('\n', 1)[0]).toBe(
      'date,station,temp_max,temp_min,precipitation,wind,humidity,pressure,prediction,score,label',
    );
    expect(rows).toHaveLength(5000);
    expect(statSync(REFERENCE_CSV_PATH).size).toBeLessThan(500 * 1024);
  });

  it('covers one year of days in date order', () => {
    const dates = rows.map((r) => r.date as string);
    expect(dates[0]).toBe('2025-01-01');
    expect(dates[dates.length - 1]).toBe('2025-12-31');
    expect(new Set(dates).size).toBe(365);
    expect([...dates].sort()).toEqual(dates);
  });

  it('rounds numbers like sensor readings', () => {
    const offenders = (column: string, pattern: RegExp) => rows.filter((r) => !pattern.test(r[column] ?? '')).map((r) => r[column]);
    for (const column of ['temp_max', 'temp_min', 'precipitation', 'wind', 'pressure']) {
      expect(offenders(column, /^-?\d+(\.\d)?$/)).toEqual([]);
    }
    expect(offenders('humidity', /^(\d+)?$/)).toEqual([]);
    expect(offenders('score', /^(0(\.\d{1,3})?|1)$/)).toEqual([]);
  });

  it('has six stations of unequal frequency', () => {
    const stationShares = shares(rows.map((r) => r.station as string));
    expect([...stationShares.keys()].sort()).toEqual([...DEMO_STATION_NAMES].sort());
    const values = [...stationShares.values()];
    expect(Math.max(...values)).toBeGreaterThan(0.25);
    expect(Math.min(...values)).toBeLessThan(0.1);
  });

  it('has about 2 % missing humidity and no other missing values', () => {
    const missing = rows.filter((r) => r.humidity === '').length / rows.length;
    expect(missing).toBeGreaterThan(0.01);
    expect(missing).toBeLessThan(0.035);
    for (const column of REFERENCE_COLUMNS.filter((c) => c !== 'humidity')) {
      expect(rows.every((r) => r[column] !== '')).toBe(true);
    }
  });

  it('is seasonal and physically plausible', () => {
    const monthMean = (month: string) => mean(rows.filter((r) => r.date?.slice(5, 7) === month).map((r) => Number(r.temp_max)));
    expect(monthMean('07') - monthMean('01')).toBeGreaterThan(12);
    expect(rows.every((r) => Number(r.temp_max) >= Number(r.temp_min))).toBe(true);
    const snowMonths = new Set(rows.filter((r) => r.label === 'snow').map((r) => r.date?.slice(5, 7)));
    expect(snowMonths.has('07')).toBe(false);
    const humidity = num('humidity');
    expect(Math.min(...humidity)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...humidity)).toBeLessThanOrEqual(100);
    expect(Math.min(...num('precipitation'))).toBe(0);
    expect(Math.min(...num('wind'))).toBeGreaterThan(0);
  });

  it('has correlated features', () => {
    const complete = rows.filter((r) => r.humidity !== '');
    const col = (c: string) => complete.map((r) => Number(r[c]));
    expect(correlation(col('temp_max'), col('temp_min'))).toBeGreaterThan(0.8);
    expect(correlation(col('pressure'), col('wind'))).toBeLessThan(-0.2);
    expect(correlation(col('pressure'), col('precipitation'))).toBeLessThan(-0.2);
    expect(correlation(col('humidity'), col('temp_max'))).toBeLessThan(-0.2);
  });

  it('has a model that is right 75-85 % of the time, with a score that is its confidence', () => {
    const classes = new Set<string>(WEATHER_CLASSES);
    expect(rows.filter((r) => !classes.has(r.prediction ?? '') || !classes.has(r.label ?? ''))).toEqual([]);
    const correct = rows.map((r) => (r.prediction === r.label ? 1 : 0));
    const accuracy = mean(correct);
    expect(accuracy).toBeGreaterThan(0.75);
    expect(accuracy).toBeLessThan(0.85);
    const scores = num('score');
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0.2); // at least 1/5 with five classes
    expect(Math.max(...scores)).toBeLessThanOrEqual(1);
    // Roughly calibrated, and more often right when more confident.
    expect(Math.abs(mean(scores) - accuracy)).toBeLessThan(0.06);
    const confident = rows.filter((r) => Number(r.score) >= 0.8);
    const unsure = rows.filter((r) => Number(r.score) < 0.6);
    const acc = (rs: typeof rows) => mean(rs.map((r) => (r.prediction === r.label ? 1 : 0)));
    expect(acc(confident) - acc(unsure)).toBeGreaterThan(0.3);
  });

  it('has every weather class, with sun and rain the most common', () => {
    const labelShares = shares(rows.map((r) => r.label as string));
    expect([...labelShares.keys()].sort()).toEqual([...WEATHER_CLASSES].sort());
    expect(labelShares.get('sun')).toBeGreaterThan(0.3);
    expect(labelShares.get('rain')).toBeGreaterThan(0.2);
    expect(labelShares.get('snow')).toBeLessThan(0.1);
  });
});

describe('the demo paths', () => {
  it('point at the committed demo files', () => {
    expect(DEMO_CONFIG_PATH_EXPORTED).toBe(DEMO_CONFIG_PATH);
    expect(DEMO_REFERENCE_PATH).toBe(REFERENCE_CSV_PATH);
    expect(statSync(DEMO_DIR).isDirectory()).toBe(true);
  });
});

describe('the demo configuration', () => {
  it('declares the weather model over the reference columns', () => {
    const config = parseYaml(readFileSync(DEMO_CONFIG_PATH, 'utf8')) as {
      models: {
        name: string;
        task: string;
        reference: { path: string };
        features: { name: string; type: string }[];
        prediction_field: string;
        score_field: string;
        label_field: string;
        windows: string[];
      }[];
    };
    expect(config.models).toHaveLength(1);
    const model = config.models[0]!;
    expect(model).toMatchObject({
      name: 'weather',
      task: 'classification',
      reference: { path: './reference.csv' },
      prediction_field: 'prediction',
      score_field: 'score',
      label_field: 'label',
      windows: ['1m', '5m', '1h'],
    });
    expect(model.features).toEqual([
      { name: 'station', type: 'categorical' },
      { name: 'temp_max', type: 'numeric' },
      { name: 'temp_min', type: 'numeric' },
      { name: 'precipitation', type: 'numeric' },
      { name: 'wind', type: 'numeric' },
      { name: 'humidity', type: 'numeric' },
      { name: 'pressure', type: 'numeric' },
    ]);
    // Every reference column is a feature, a model field, or the date.
    const used = new Set([...model.features.map((f) => f.name), model.prediction_field, model.score_field, model.label_field, 'date']);
    expect(new Set(REFERENCE_COLUMNS)).toEqual(used);
  });
});
