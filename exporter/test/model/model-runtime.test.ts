import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/config/load.js';
import { ModelRuntime, OVERFLOW_VERSION } from '../../src/model/model-runtime.js';
import { ColumnAccumulator } from '../../src/reference/column-accumulator.js';
import type { ReferenceProfile } from '../../src/reference/profile-types.js';
import { RecentIds } from '../../src/model/recent-ids.js';

function runtime(maxVersions: number, versionExpiryMs: number): ModelRuntime {
  const acc = new ColumnAccumulator('x', 'numeric');
  for (let i = 0; i < 10; i++) acc.add({ kind: 'number', value: i });
  const profile = { columns: [acc.finalizeNumeric('x', 'feature', 4, 100, 10)], rows: 10, referenceId: 'r' } as unknown as ReferenceProfile;
  const config = { name: 'm', version: '1', task: 'regression', windows: [{ name: '5m', durationMs: 300_000 }] } as unknown as ModelConfig;
  return new ModelRuntime(config, profile, { maxVersions, versionExpiryMs, windowSampleSize: 100, outlierMinShare: 0.5 });
}

describe('model versions', () => {
  it('pre-creates the configured version so its series exist before traffic', () => {
    expect([...runtime(3, 1000).versions.keys()]).toEqual(['1']);
  });

  it('pools versions past the cap into __other__', () => {
    const m = runtime(3, 1000);
    m.version('2', 0);
    m.version('3', 0);
    expect(m.version('4', 0).version).toBe(OVERFLOW_VERSION);
    expect(m.version('5', 0)).toBe(m.versions.get(OVERFLOW_VERSION));
    expect([...m.versions.keys()]).toEqual(['1', '2', '3', OVERFLOW_VERSION]);
  });

  it('forgets idle versions after the expiry, never the configured one', () => {
    const m = runtime(10, 60_000);
    const now = Date.now();
    m.version('2', now);
    m.version('3', now + 50_000);
    expect(m.expireVersions(now + 60_001)).toEqual(['2']);
    expect([...m.versions.keys()]).toEqual(['1', '3']);
    expect(m.expireVersions(now + 10 * 60_000)).toEqual(['3']);
    expect([...m.versions.keys()]).toEqual(['1']);
  });
});

describe('duplicate prediction ids', () => {
  it('detects repeats within the horizon with bounded memory', () => {
    const ids = new RecentIds(1000, 10, 0);
    expect(ids.seen('a', 0)).toBe(false);
    expect(ids.seen('a', 10)).toBe(true);
    // After one generation turnover the id is still remembered (previous generation)...
    expect(ids.seen('b', 1500)).toBe(false);
    expect(ids.seen('a', 1600)).toBe(true);
    // ...after two it is forgotten.
    expect(ids.seen('c', 3000)).toBe(false);
    expect(ids.seen('a', 3100)).toBe(false);
    for (let i = 0; i < 100; i++) ids.seen(`x${i}`, 3200);
    expect(ids.size).toBeLessThanOrEqual(10);
  });
});
