/**
 * The `drifted` decision under simulation: 50 numeric features, reference and window drawn from the same
 * normal distribution (global null) or with a few features shifted. Benjamini–Hochberg at q controls the
 * family-wise error under the global null, so the share of rounds that flag any feature must stay near
 * (at most about) q; with drifted features the false discovery proportion must stay near q while the
 * shifted features are found.
 */
import { describe, expect, it } from 'vitest';
import type { DriftConfig, ModelConfig } from '../../src/config/load.js';
import { ColumnAccumulator } from '../../src/reference/column-accumulator.js';
import { ModelRuntime } from '../../src/model/model-runtime.js';
import type { ReferenceProfile } from '../../src/reference/profile-types.js';
import { SeededRandom } from '../../src/stats/random.js';
import { windowReport } from '../../src/drift/window-report.js';

const FEATURES = 50;
const REF_ROWS = 2000;
const WINDOW_ROWS = 400;

function model(rng: SeededRandom): ModelRuntime {
  const accs = Array.from({ length: FEATURES }, (_, i) => new ColumnAccumulator(`f${i}`, 'numeric'));
  for (let r = 0; r < REF_ROWS; r++) for (const a of accs) a.add({ kind: 'number', value: rng.normal() });
  const columns = accs.map((a, i) => a.finalizeNumeric(`f${i}`, 'feature', 10, 10_000, REF_ROWS));
  const profile = { formatVersion: 1, referenceId: 'sim', model: 'sim', rows: REF_ROWS, columns } as unknown as ReferenceProfile;
  const config = { name: 'sim', task: 'regression', version: '1', windows: [{ name: '1h', durationMs: 3_600_000 }] } as unknown as ModelConfig;
  return new ModelRuntime(config, profile, { maxVersions: 100, versionExpiryMs: 1e12, windowSampleSize: 10_000, outlierMinShare: 0.5 });
}

function round(rng: SeededRandom, settings: DriftConfig, shifted: number): { flagged: boolean[] } {
  const m = model(rng);
  const state = m.version(`r`, 0);
  const numeric = new Float64Array(FEATURES);
  for (let r = 0; r < WINDOW_ROWS; r++) {
    for (let j = 0; j < FEATURES; j++) numeric[j] = rng.normal() + (j < shifted ? 0.5 : 0);
    const bins = new Int32Array(FEATURES);
    m.layout.columns.forEach((c, j) => {
      let b = 0;
      const edges = c.edges!;
      while (b < edges.length && (edges[b] as number) < (numeric[j] as number)) b++;
      bins[j] = c.offset + b;
    });
    state.observePrediction(1000, { bins, numeric: numeric.slice(), predictionId: undefined });
  }
  const report = windowReport(state, state.windows[0]!, settings, 1000);
  return { flagged: report.columns.map((c) => c.drifted) };
}

const base: DriftConfig = { test: 'auto', q: 0.05, minEffectMethod: 'js', minEffect: 0, minWindowSamples: 100, psiEpsilon: 1e-4 };

describe('drifted decision (simulation, seeded)', () => {
  it('flags some feature in about q of the rounds under the global null (no effect-size gate)', () => {
    const rng = new SeededRandom(20261123);
    const rounds = 60;
    let any = 0;
    let flags = 0;
    for (let i = 0; i < rounds; i++) {
      const f = round(rng, base, 0).flagged;
      if (f.some(Boolean)) any++;
      flags += f.filter(Boolean).length;
    }
    // FWER = P(any flag) <= q under the global null; binomial sd over 60 rounds ~ 0.028.
    expect(any / rounds).toBeLessThanOrEqual(0.05 + 3 * Math.sqrt((0.05 * 0.95) / rounds));
    // Uncorrected tests at 0.05 would flag ~2.5 of 50 features per round; BH flags far fewer.
    expect(flags / rounds).toBeLessThan(0.3);
  });

  it('finds shifted features with a false discovery proportion near q', () => {
    const rng = new SeededRandom(7);
    const rounds = 30;
    let found = 0;
    let falseFlags = 0;
    let allFlags = 0;
    for (let i = 0; i < rounds; i++) {
      const f = round(rng, base, 5).flagged;
      found += f.slice(0, 5).filter(Boolean).length;
      falseFlags += f.slice(5).filter(Boolean).length;
      allFlags += f.filter(Boolean).length;
    }
    // A 0.5 sd shift with 400 vs 2000 values: KS power is essentially 1.
    expect(found / (rounds * 5)).toBeGreaterThan(0.95);
    expect(falseFlags / Math.max(allFlags, 1)).toBeLessThanOrEqual(0.05 + 0.05);
  });

  it('needs the minimum effect as well as significance', () => {
    const rng = new SeededRandom(99);
    // With an effect floor far above what a 0.5 sd shift gives, nothing is flagged although KS rejects.
    const f = round(rng, { ...base, minEffect: 0.9 }, 5).flagged;
    expect(f.some(Boolean)).toBe(false);
  });
});
