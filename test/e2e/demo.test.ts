/**
 * The README's first command: `npm start` runs the bundled demo, and /metrics shows non-zero predictions and
 * drift values within 10 seconds of starting.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseExposition } from '../support/exposition.js';
import { startExporterProcess, waitFor, type ExporterProcess } from '../support/exporter-process.js';

let proc: ExporterProcess | undefined;
let dir: string | undefined;
afterAll(async () => {
  await proc?.stop('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bundled demo', () => {
  it('shows predictions and drift within 10 seconds, and stops cleanly', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-demo-'));
    const started = Date.now();
    proc = await startExporterProcess(['demo', `--storage.path=${dir}`, '--demo.drift-after=3s']);
    const p = proc;
    const m = await waitFor(
      'predictions and drift values',
      async () => {
        const e = parseExposition(await (await fetch(`${p.url}/metrics`)).text());
        const predictions = e.value('modelwatch_predictions_total', { model: 'weather' }) ?? 0;
        const drift = e.all('modelwatch_feature_drift', { model: 'weather', method: 'psi' });
        return predictions > 0 && drift.length > 0 && drift.some((s) => s.value > 0) ? e : undefined;
      },
      10_000 - (Date.now() - started),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(m.value('modelwatch_reference_info', { model: 'weather', rows: '5000' })).toBe(1);
    expect(p.logs.some((l) => l.msg === 'demo running: replaying weather traffic; open the metrics URL')).toBe(true);
    expect(await p.stop('SIGTERM')).toBe(0);
  });
});
