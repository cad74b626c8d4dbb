import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../src/config/load.js';
import { formatDuration, parseDuration } from '../../src/config/duration.js';

const FILE = path.join(path.sep, 'etc', 'modelwatch', 'modelwatch.yml');

const ISSUE_EXAMPLE = `
models:
  - name: weather
    task: classification          # classification | regression
    reference:
      path: ./reference.csv       # CSV or NDJSON; columns = features (+ optional prediction/label columns)
    features:                     # optional: inferred from the reference when omitted
      - { name: temp_max, type: numeric }
      - { name: weather, type: categorical }
    prediction_field: prediction  # optional
    label_field: label            # optional
    windows: [5m, 1h]             # sliding windows, measured on receipt time
sources:
  - { type: file, path: ./logs/predictions.jsonl }   # tailed; optional
`;

function problems(text: string): string[] {
  try {
    parseConfigText(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.flatMap((p) => p.split('\n  - '));
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('accepts the documented example as written and resolves paths against the config folder', () => {
    const cfg = parseConfigText(ISSUE_EXAMPLE, FILE);
    const m = cfg.models[0]!;
    expect(m.name).toBe('weather');
    expect(m.task).toBe('classification');
    expect(m.version).toBe('1');
    expect(m.reference.path).toBe(path.join(path.sep, 'etc', 'modelwatch', 'reference.csv'));
    expect(m.reference.format).toBe('csv');
    expect(m.features?.map((f) => f.name)).toEqual(['temp_max', 'weather']);
    expect(m.windows).toEqual([
      { name: '5m', durationMs: 300_000 },
      { name: '1h', durationMs: 3_600_000 },
    ]);
    expect(cfg.sources).toEqual([{ type: 'file', path: path.join(path.sep, 'etc', 'modelwatch', 'logs', 'predictions.jsonl'), kind: 'predictions' }]);
    expect(cfg.storagePath).toBe(path.join(path.sep, 'etc', 'modelwatch', '.modelwatch'));
    expect(cfg.drift).toEqual({ test: 'auto', q: 0.05, minEffectMethod: 'js', minEffect: 0.1, minWindowSamples: 100, psiEpsilon: 1e-4 });
  });

  it('fills defaults and infers the reference format from the extension', () => {
    const cfg = parseConfigText('models:\n  - name: m\n    task: regression\n    reference: {path: data/ref.ndjson}\n', FILE);
    expect(cfg.models[0]!.reference.format).toBe('ndjson');
    expect(cfg.models[0]!.windows.map((w) => w.name)).toEqual(['5m', '1h']);
    expect(cfg.models[0]!.bins).toBe(10);
    expect(cfg.models[0]!.topK).toBe(20);
    expect(cfg.sources).toEqual([]);
  });

  it('names the key and the allowed values for a bad enum', () => {
    const p = problems('models:\n  - name: m\n    task: clasification\n    reference: {path: r.csv}\n');
    expect(p).toEqual(['models[0].task: must be one of "classification", "regression"; got "clasification"']);
  });

  it('suggests the right spelling for an unknown key', () => {
    const p = problems('models:\n  - name: m\n    task: regression\n    windos: [5m]\n    reference: {path: r.csv}\n');
    expect(p).toEqual(['models[0].windos: unknown key; did you mean "windows"?']);
  });

  it('reports a missing required key', () => {
    const p = problems('models:\n  - name: m\n    task: regression\n');
    expect(p).toEqual(['models[0].reference: required key is missing; add it']);
  });

  it('explains a bad duration', () => {
    const p = problems('models:\n  - name: m\n    task: regression\n    reference: {path: r.csv}\n    windows: [5 minutes]\n');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^models\[0\]\.windows\[0\]: invalid duration "5 minutes".*Prometheus notation such as 30s, 5m, 1h/);
  });

  it('refuses duplicate model names and a feature that is also the label', () => {
    const p = problems(
      'models:\n  - name: m\n    task: regression\n    reference: {path: r.csv}\n    label_field: y\n    features: [{name: y, type: numeric}]\n  - name: m\n    task: regression\n    reference: {path: r.csv}\n',
    );
    expect(p).toContain('models[1].name: duplicate model name "m": model names must be unique');
    expect(p).toContain(`models[0].features[0].name: "y" is the model's label_field; it cannot also be a feature`);
  });

  it('reports YAML syntax errors with their line', () => {
    const p = problems('models:\n  - name: m\n   task: [\n');
    expect(p[0]).toMatch(/^YAML syntax error at line \d+, column \d+/);
  });

  it('refuses a non-mapping document and an empty model list', () => {
    expect(problems('- a\n- b\n')[0]).toMatch(/must be a YAML mapping/);
    expect(problems('models: []\n')).toEqual(['models: list at least one model (got [])']);
  });

  it('refuses model names that would make awkward label values', () => {
    const p = problems('models:\n  - name: "bad name"\n    task: regression\n    reference: {path: r.csv}\n');
    expect(p[0]).toMatch(/^models\[0\]\.name: may contain only letters, digits/);
  });
});

describe('durations', () => {
  it('parses Prometheus notation', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(() => parseDuration('5')).toThrow(/invalid duration/);
    expect(() => parseDuration('0s')).toThrow(/greater than zero/);
    expect(() => parseDuration('')).toThrow();
  });
  it('formats canonically', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(86_400_000)).toBe('1d');
  });
});
