import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { samples, startExporter, type ExporterFixture } from '../support/exporter-fixture.js';

let fx: ExporterFixture;
let child: ChildProcess;
const pidFile = path.join(os.tmpdir(), `modelwatch-test-${process.pid}.pid`);

beforeAll(async () => {
  child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  writeFileSync(pidFile, `${child.pid}\n`);
  fx = await startExporter(`    processes: [{pid_file: ${JSON.stringify(pidFile)}}]\n    disk_paths: ["."]\n    cost: {cpu_hour: 3600, per_1k_requests: 1000}\ndefaults: {currency: EUR}\n`);
});
afterAll(async () => {
  child.kill('SIGKILL');
  await fx.close();
});

const metrics = async () => samples(await (await fetch(`${fx.url}/metrics`)).text());

describe('watched model process and inference cost', () => {
  it('reports the watched process and charges requests and reported CPU time at the configured rates', async () => {
    let m = await metrics();
    expect(m.get('modelwatch_model_process_up{model="weather"}')).toBe(1);
    expect(m.get('modelwatch_model_process_count{model="weather"}')).toBe(1);
    expect(m.get('modelwatch_model_process_resident_memory_bytes{model="weather"}')).toBeGreaterThan(1e6);
    expect(m.get(`modelwatch_model_disk_size_bytes{model="weather",path=${JSON.stringify(fx.dir)}}`)).toBeGreaterThan(0);
    const before = m.get('modelwatch_inference_cost_total{model="weather",model_version="1"}') ?? 0;
    const res = await fetch(`${fx.url}/api/v1/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([1, 2, 3, 4].map((i) => ({ model: 'weather', prediction_id: `c${i}`, features: { temp: i, city: 'oslo' }, cpu_ms: 500 }))),
    });
    expect(res.status).toBe(202);
    m = await metrics();
    // 4 requests × 1000 per 1k = 4, plus 2 CPU seconds × 3600 per hour / 3600 = 2.
    expect((m.get('modelwatch_inference_cost_total{model="weather",model_version="1"}') ?? 0) - before).toBeCloseTo(6, 9);
  });

  it('reports a process that went away as down, not as an error', async () => {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const m = await metrics();
    expect(m.get('modelwatch_model_process_up{model="weather"}')).toBe(0);
    expect(m.get('modelwatch_scrape_collector_success{collector="process_watch"}')).toBe(1);
  });
});
