import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfigText, type ModelConfig } from '../../src/config/load.js';
import { buildProfile, loadOrBuildProfile } from '../../src/reference/build-profile.js';
import { silentLogger } from '../../src/log/logger.js';
import type { CategoricalColumnProfile, NumericColumnProfile } from '../../src/reference/profile-types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-profile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function model(csv: string, extra = '', file = 'ref.csv'): Promise<ModelConfig> {
  await writeFile(path.join(dir, file), csv);
  return parseConfigText(`models:\n  - name: m\n    task: classification\n    reference: {path: ${file}}\n${extra}`, path.join(dir, 'modelwatch.yml')).models[0]!;
}

// x = 1..10 plus one missing row; c = a×5, b×3, c×2, d×1 (one row missing); k constant 7.
const ROWS = [
  ['1', 'a', '7', 'yes', 'yes', '0.9'],
  ['2', 'a', '7', 'yes', 'no', '0.8'],
  ['3', 'a', '7', 'no', 'no', '0.7'],
  ['4', 'a', '7', 'no', 'no', '0.6'],
  ['5', 'a', '7', 'yes', 'yes', '0.9'],
  ['6', 'b', '7', 'yes', 'yes', '0.95'],
  ['7', 'b', '7', 'no', 'yes', '0.55'],
  ['8', 'b', '7', 'no', 'no', '0.65'],
  ['9', 'c', '7', 'yes', 'yes', '0.75'],
  ['10', 'c', '7', 'no', 'no', '0.85'],
  ['', 'd', '7', 'no', 'no', '0.5'],
  ['NA', '', '7', 'no', 'no', '0.5'],
];
const CSV = `x,c,k,prediction,label,score\n${ROWS.map((r) => r.join(',')).join('\n')}\n`;

describe('reference profile', () => {
  it('bins numeric features on reference deciles (numpy linear), right-closed, with a missing bin', async () => {
    const m = await model(CSV, '    prediction_field: prediction\n    label_field: label\n    score_field: score\n');
    const p = await buildProfile(m, silentLogger());
    expect(p.rows).toBe(12);
    const x = p.columns.find((c) => c.name === 'x') as NumericColumnProfile;
    expect(x.kind).toBe('numeric');
    // Deciles of 1..10: 1 + 9k/10 for k = 1..9.
    expect(x.edges).toHaveLength(9);
    x.edges.forEach((e, i) => expect(e).toBeCloseTo(1 + (9 * (i + 1)) / 10, 12));
    expect(x.binLabels).toEqual(['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', 'missing']);
    // One value per bin (value v lands in (edge_{v-1}, edge_v]); two missing rows ("" and "NA").
    expect(x.ratios.map((r) => r * 12)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2].map((v) => expect.closeTo(v, 12)));
    expect(x.lower[0]).toBe('-Inf');
    expect(x.upper[9]).toBe('+Inf');
    expect(x.upper[0]).toBe(x.lower[1]);
    expect(x.missing).toBe(2);
    expect(x.min).toBe(1);
    expect(x.max).toBe(10);
    expect(x.mean).toBe(5.5);
    // Population std of 1..10: sqrt(99/12).
    expect(x.std).toBeCloseTo(Math.sqrt(99 / 12), 12);
    expect(x.quantiles.p50).toBe(5.5);
    expect(x.sample).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('keeps the top-K categories plus __other__, __unseen__ and missing', async () => {
    const m = await model(CSV, '    top_k: 2\n');
    const p = await buildProfile(m, silentLogger());
    const c = p.columns.find((col) => col.name === 'c') as CategoricalColumnProfile;
    expect(c.kind).toBe('categorical');
    expect(c.categories).toEqual(['a', 'b']);
    expect(c.binLabels).toEqual(['a', 'b', '__other__', '__unseen__', 'missing']);
    expect(c.ratios.map((r) => r * 12)).toEqual([5, 3, 3, 0, 1].map((v) => expect.closeTo(v, 12)));
    expect(c.known).toEqual(['a', 'b', 'c', 'd']);
    expect(c.distinct).toBe(4);
  });

  it('drops duplicate edges of a constant column', async () => {
    const p = await buildProfile(await model(CSV), silentLogger());
    const k = p.columns.find((c) => c.name === 'k') as NumericColumnProfile;
    expect(k.edges).toEqual([7]);
    expect(k.binLabels).toEqual(['00', '01', 'missing']);
    expect(k.ratios).toEqual([1, 0, 0]);
    expect(k.std).toBe(0);
  });

  it('infers types and profiles prediction, score and label under their pseudo-feature names', async () => {
    const m = await model(CSV, '    prediction_field: prediction\n    label_field: label\n    score_field: score\n');
    const p = await buildProfile(m, silentLogger());
    expect(p.columns.map((c) => [c.name, c.kind, c.role])).toEqual([
      ['x', 'numeric', 'feature'],
      ['c', 'categorical', 'feature'],
      ['k', 'numeric', 'feature'],
      ['__prediction__', 'categorical', 'prediction'],
      ['__score__', 'numeric', 'score'],
      ['__label__', 'categorical', 'label'],
    ]);
    const label = p.columns.find((c) => c.name === '__label__') as CategoricalColumnProfile;
    expect(label.categories).toEqual(['no', 'yes']);
    expect(label.ratios.map((r) => r * 12)).toEqual([7, 5, 0, 0, 0].map((v) => expect.closeTo(v, 12)));
  });

  it('reads NDJSON in the ingest record shape', async () => {
    const lines = [
      { features: { x: 1.5, c: 'a' }, prediction: 'yes' },
      { features: { x: null, c: 'b' }, prediction: 'no' },
      { features: { x: 2.5, c: 'a' }, prediction: 'yes' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const m = await model(lines, '    prediction_field: prediction\n', 'ref.ndjson');
    const p = await buildProfile(m, silentLogger());
    expect(p.rows).toBe(3);
    const x = p.columns.find((c) => c.name === 'x') as NumericColumnProfile;
    expect(x.missing).toBe(1);
    expect(x.ratios[x.ratios.length - 1]).toBeCloseTo(1 / 3, 12);
  });

  it('names a declared feature that is not a column', async () => {
    const m = await model(CSV, '    features: [{name: nope, type: numeric}]\n');
    await expect(buildProfile(m, silentLogger())).rejects.toThrow(/feature "nope" is not a column of the reference data \(columns: x, c, k, prediction, label, score\)/);
  });

  it('refuses an empty reference and a missing file clearly', async () => {
    await expect(buildProfile(await model('x,y\n'), silentLogger())).rejects.toThrow(/has no rows/);
    const m = await model(CSV);
    m.reference.path = path.join(dir, 'absent.csv');
    await expect(buildProfile(m, silentLogger())).rejects.toThrow(/reference file not found/);
  });

  it('caches the profile by content hash and rebuilds when the data changes', async () => {
    const m = await model(CSV);
    const storage = path.join(dir, 'state');
    const first = await loadOrBuildProfile(m, storage, silentLogger());
    expect(first.cached).toBe(false);
    const second = await loadOrBuildProfile(m, storage, silentLogger());
    expect(second.cached).toBe(true);
    expect(second.profile).toEqual(first.profile);
    await writeFile(m.reference.path, CSV.replace('\n1,a', '\n1.5,a'));
    const third = await loadOrBuildProfile(m, storage, silentLogger());
    expect(third.cached).toBe(false);
    expect(third.profile.referenceId).not.toBe(first.profile.referenceId);
  });
});
