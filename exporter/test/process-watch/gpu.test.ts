import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GpuPoller, gpuUsageFor, parseComputeApps, parseGpus } from '../../src/process-watch/gpu.js';
import { captureLogger } from './helpers.js';

const MIB = 1024 * 1024;

// Output of `nvidia-smi ... --format=csv,noheader,nounits` on a two-GPU host (one MIG-like device that
// does not report per-process memory or utilisation).
const APPS = '4242, GPU-8d3a-aaaa, 1536\n4243, GPU-8d3a-aaaa, 512\n4243, GPU-77fe-bbbb, [N/A]\n9999, GPU-77fe-bbbb, 100\n';
const GPUS = '0, GPU-8d3a-aaaa, 37, 4096, 16384\n1, GPU-77fe-bbbb, [Not Supported], 100, 81920\n';

describe('nvidia-smi parsers', () => {
  it('compute apps: pid, device, MiB → bytes; [N/A] absent', () => {
    expect(parseComputeApps(APPS)).toEqual([
      { pid: 4242, gpuUuid: 'GPU-8d3a-aaaa', usedMemoryBytes: 1536 * MIB },
      { pid: 4243, gpuUuid: 'GPU-8d3a-aaaa', usedMemoryBytes: 512 * MIB },
      { pid: 4243, gpuUuid: 'GPU-77fe-bbbb' },
      { pid: 9999, gpuUuid: 'GPU-77fe-bbbb', usedMemoryBytes: 100 * MIB },
    ]);
    expect(parseComputeApps('')).toEqual([]);
    expect(parseComputeApps('No running processes found\n')).toEqual([]);
    expect(parseComputeApps('garbage\n, , \n')).toEqual([]);
  });

  it('devices: percent → ratio, MiB → bytes', () => {
    expect(parseGpus(GPUS)).toEqual([
      { index: '0', uuid: 'GPU-8d3a-aaaa', utilizationRatio: 0.37, memoryUsedBytes: 4096 * MIB, memoryTotalBytes: 16384 * MIB },
      { index: '1', uuid: 'GPU-77fe-bbbb', memoryUsedBytes: 100 * MIB, memoryTotalBytes: 81920 * MIB },
    ]);
  });

  it('joins a model\'s PIDs with the devices they use', () => {
    const snap = { at: 0, processes: parseComputeApps(APPS), devices: parseGpus(GPUS) };
    const u = gpuUsageFor(snap, new Set([4242, 4243]));
    expect(u.memoryBytes).toBe(2048 * MIB);
    expect(u.devices.map((d) => d.index)).toEqual(['0', '1']);
    expect(gpuUsageFor(snap, new Set([1]))).toEqual({ memoryBytes: 0, devices: [] });
  });
});

describe('GpuPoller', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mw-gpu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it('is absent without the command, logged once', async () => {
    const { logger, lines } = captureLogger();
    const p = new GpuPoller({ command: join(dir, 'no-such-nvidia-smi'), logger, unavailableRetryMs: 1000 });
    await p.refresh(0);
    await p.refresh(500); // not retried before unavailableRetryMs
    await p.refresh(2000, true);
    expect(p.available).toBe(false);
    expect(p.snapshot(2000)).toBeUndefined();
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['info', 'GPU metrics not exported: command not found']]);
  });

  it('runs the command in the background and caches its answer', async () => {
    const counter = join(dir, 'runs');
    const cmd = script(
      'fake-smi',
      `echo x >> ${counter}\ncase "$1" in\n  --query-compute-apps=*) printf '${APPS.replace(/\n/g, '\\n')}' ;;\n  --query-gpu=*) printf '${GPUS.replace(/\n/g, '\\n')}' ;;\n  *) exit 2 ;;\nesac`,
    );
    const p = new GpuPoller({ command: cmd, intervalMs: 10_000 });
    expect(p.snapshot(0)).toBeUndefined();
    await p.refresh(0);
    expect(p.available).toBe(true);
    expect(p.snapshot(1000)?.processes).toHaveLength(4);
    expect(p.snapshot(1000)?.devices).toHaveLength(2);
    await p.refresh(5000); // within the interval: no run
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(2); // one run = two queries
    expect(p.snapshot(40_000)).toBeUndefined(); // stale after 3 intervals
    await p.close();
  });

  it('kills a hanging command after the timeout; the cache stays empty', async () => {
    const { logger, lines } = captureLogger();
    const p = new GpuPoller({ command: script('hang-smi', 'exec sleep 30'), timeoutMs: 300, logger });
    const started = Date.now();
    await p.refresh(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(p.snapshot(0)).toBeUndefined();
    expect(lines.map((l) => [l.level, l.msg, l.err])).toEqual([['warn', 'GPU metrics not exported: command failed', 'timed out after 300 ms']]);
  });

  it('close() aborts a run in flight', async () => {
    const p = new GpuPoller({ command: script('slow-smi', 'exec sleep 30'), timeoutMs: 20_000 });
    const run = p.refresh(0);
    const started = Date.now();
    await p.close();
    await run;
    expect(Date.now() - started).toBeLessThan(3000);
    await p.refresh(100_000, true); // closed: no new run
    expect(p.snapshot(100_000)).toBeUndefined();
  });
});
