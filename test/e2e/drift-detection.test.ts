/**
 * End to end for the drift engine: the demo reference, traffic from the demo generator posted to the real
 * exporter process. With reference-like traffic no feature may be flagged; with drifted traffic exactly the
 * drifted features must be flagged, and the stable ones must not.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTrafficGenerator, DEMO_DRIFTED_FEATURES, DEMO_STABLE_FEATURES } from '../../exporter/src/demo/traffic.js';
import { parseExposition } from '../support/exposition.js';
import { startExporterProcess, waitFor, type ExporterProcess } from '../support/exporter-process.js';

const DEMO_CONFIG = path.resolve('exporter/demo/modelwatch.yml');
const procs: ExporterProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function flagged(drifted: boolean): Promise<{ drifted: string[]; tested: string[]; ratio: number | undefined }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-drift-'));
  dirs.push(dir);
  const proc = await startExporterProcess([`--config.file=${DEMO_CONFIG}`, `--storage.path=${dir}`]);
  procs.push(proc);
  await waitFor('readiness', async () => ((await fetch(`${proc.url}/-/ready`)).status === 200 ? true : undefined));
  const start = new Date();
  const gen = createTrafficGenerator({ seed: drifted ? 7 : 11, driftAfterSeconds: drifted ? -3600 : 3600, driftRampSeconds: 0, startTime: start });
  const records = Array.from({ length: 3000 }, () => gen.next(start));
  for (let i = 0; i < records.length; i += 500) {
    const res = await fetch(`${proc.url}/api/v1/predictions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(records.slice(i, i + 500)) });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { rejected: number }).rejected).toBe(0);
  }
  const text = await (await fetch(`${proc.url}/metrics`)).text();
  const m = parseExposition(text);
  const decisions = m.all('modelwatch_feature_drifted', { model: 'weather', window: '1h' }).filter((s) => !s.labels.feature!.startsWith('__'));
  return {
    drifted: decisions.filter((s) => s.value === 1).map((s) => s.labels.feature!).sort(),
    tested: decisions.map((s) => s.labels.feature!).sort(),
    ratio: m.value('modelwatch_drifted_features_ratio', { model: 'weather', window: '1h' }),
  };
}

describe('drift detection through the running exporter', () => {
  it('flags nothing when production looks like the reference', async () => {
    const r = await flagged(false);
    expect(r.tested).toEqual([...DEMO_DRIFTED_FEATURES, ...DEMO_STABLE_FEATURES].sort());
    expect(r.drifted).toEqual([]);
    expect(r.ratio).toBe(0);
  });

  it('flags exactly the drifted features', async () => {
    const r = await flagged(true);
    expect(r.drifted).toEqual([...DEMO_DRIFTED_FEATURES].sort());
    expect(r.ratio).toBeCloseTo(DEMO_DRIFTED_FEATURES.length / (DEMO_DRIFTED_FEATURES.length + DEMO_STABLE_FEATURES.length), 12);
  });
});
