import { readFileSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.js';
import { ScrapeRegistry } from '../../src/metrics/scrape-registry.js';
import { usageBetween } from '../../src/process-watch/cost.js';
import { processCollector, PROCESS_FAMILIES, type ProcessCollectorOptions } from '../../src/process-watch/process-collector.js';
import { compileSpec, ProcessMatcher, type ProcessSpec } from '../../src/process-watch/process-matcher.js';
import {
  BUSY,
  captureLogger,
  Children,
  hog,
  IDLE,
  procCpu,
  procFds,
  procIo,
  procMaxFds,
  procStartSeconds,
  procStatus,
  Scrape,
  until,
  writeFakeBootTime,
  writeFakeProcess,
  writer,
} from './helpers.js';

const MIB = 1024 * 1024;
const TMPFS_MAGIC = 0x01021994;
const P = 'modelwatch_model_process_';
const M = { model: 'm' };

const kids = new Children();
const dir = mkdtempSync(join(tmpdir(), 'mw-watch-'));
afterAll(async () => {
  await kids.killAll();
  rmSync(dir, { recursive: true, force: true });
});
// Marks this file's children on their command lines so `match` specs find only them.
const tag = `mw-watch-test-${process.pid}-${Date.now().toString(36)}`;

function watch(specs: ProcessSpec[], opts: ProcessCollectorOptions = {}): ReturnType<typeof processCollector> {
  return processCollector([{ model: 'm', specs }], { gpu: false, ...opts });
}

function between(v: number | undefined, a: number, b: number): boolean {
  return v !== undefined && v >= Math.min(a, b) && v <= Math.max(a, b);
}

describe('real processes', () => {
  it('a busy loop matched by pid: CPU seconds grow, as /proc says', async () => {
    const spawnedAt = Date.now() / 1000;
    const busy = await kids.start(BUSY, [`${tag}-busy`]);
    const c = watch([{ pid: busy.pid }]);
    const first = Scrape.of(c);
    expect(first.value(`${P}up`, M)).toBe(1);
    const u1 = c.usage('m')!;
    await until(() => ((Scrape.of(c).value(`${P}cpu_seconds_total`, M) ?? 0) >= 0.3 ? true : undefined), 10_000, 'CPU time');
    const before = procCpu(busy.pid);
    const s = Scrape.of(c);
    const after = procCpu(busy.pid);
    const cpu = s.value(`${P}cpu_seconds_total`, M) as number;
    expect(cpu).toBeGreaterThanOrEqual(before);
    expect(cpu).toBeLessThanOrEqual(after);
    expect(cpu).toBeGreaterThan(first.value(`${P}cpu_seconds_total`, M) as number);
    expect(s.value(`${P}count`, M)).toBe(1);
    expect(s.value(`${P}exits_total`, M)).toBe(0);
    const start = s.value(`${P}start_time_seconds`, M) as number;
    expect(start).toBeCloseTo(procStartSeconds(busy.pid), 6);
    expect(Math.abs(start - spawnedAt)).toBeLessThan(60); // btime is whole seconds; clocks drift since boot
    expect(s.value(`${P}open_fds`, M)).toBe(procFds(busy.pid));
    expect(s.value(`${P}max_fds`, M)).toBe(procMaxFds(busy.pid));
    expect(s.value(`${P}max_fd_usage_ratio`, M)).toBeCloseTo(procFds(busy.pid) / procMaxFds(busy.pid), 12);
    await until(() => (Scrape.of(c).value(`${P}threads`, M) === procStatus(busy.pid, 'Threads') ? true : undefined), 5000, 'threads');
    // usage snapshots for cost accounting follow the same counter
    const u2 = c.usage('m')!;
    expect(u1.cpuSeconds).toBe(first.value(`${P}cpu_seconds_total`, M));
    expect(u2.cpuSeconds).toBeGreaterThanOrEqual(cpu);
    expect(usageBetween(u1, u2).cpuSeconds).toBeCloseTo(u2.cpuSeconds - u1.cpuSeconds, 12);
    expect(u2.residentMemoryBytes).toBeGreaterThan(0);
    await kids.kill(busy);
  });

  it('a memory hog matched by pid_file: resident memory at least what it filled', async () => {
    const h = await kids.start(hog(100), [`${tag}-hog`]);
    const pidFile = join(dir, 'hog.pid');
    writeFileSync(pidFile, `${h.pid}\n`);
    const c = watch([{ pid_file: pidFile }]);
    const rss = await until(
      () => {
        const a = procStatus(h.pid, 'VmRSS');
        const v = Scrape.of(c).value(`${P}resident_memory_bytes`, M);
        const b = procStatus(h.pid, 'VmRSS');
        return between(v, a, b) ? v : undefined;
      },
      5000,
      'RSS matching /proc',
    );
    expect(rss).toBeGreaterThanOrEqual(100 * MIB);
    const vm = await until(() => {
      const a = procStatus(h.pid, 'VmSize');
      const v = Scrape.of(c).value(`${P}virtual_memory_bytes`, M);
      return between(v, a, procStatus(h.pid, 'VmSize')) ? v : undefined;
    });
    expect(vm).toBeGreaterThanOrEqual(rss);
    await kids.kill(h);
  });

  it('a writer matched by a regular expression: written bytes as /proc/<pid>/io says', async () => {
    const file = join(dir, 'written.bin');
    const w = await kids.start(writer(file, 8), [`${tag}-writer`]);
    const c = watch([{ match: `${tag}-writer` }]);
    const s = Scrape.of(c);
    const io = procIo(w.pid);
    expect(s.value(`${P}count`, M)).toBe(1);
    expect(s.value(`${P}syscall_written_bytes_total`, M)).toBe(io.wchar);
    expect(s.value(`${P}syscall_written_bytes_total`, M)).toBeGreaterThanOrEqual(8 * MIB);
    expect(s.value(`${P}syscall_read_bytes_total`, M)).toBe(io.rchar);
    expect(s.value(`${P}written_bytes_total`, M)).toBe(io.write_bytes);
    expect(s.value(`${P}read_bytes_total`, M)).toBe(io.read_bytes);
    // write_bytes counts bytes sent to a block device: the file was fsynced, so unless the temporary
    // directory is tmpfs (no block device) all 8 MiB are in it.
    if ((await statfs(dir)).type !== TMPFS_MAGIC) expect(s.value(`${P}written_bytes_total`, M)).toBeGreaterThanOrEqual(8 * MIB);
    await kids.kill(w);
  });

  it('several workers sum; processes that do not match are left out', async () => {
    const workers = await Promise.all([0, 1, 2].map((i) => kids.start(hog(20), [`${tag}-pool`, String(i)])));
    const other = await kids.start(IDLE, [`${tag}-poo1`]);
    const pids = workers.map((w) => w.pid);
    const c = watch([{ match: `${tag}-pool` }]);
    const sum = (f: (pid: number) => number): number => pids.reduce((a, p) => a + f(p), 0);
    const s = await until(
      () => {
        const rss = sum((p) => procStatus(p, 'VmRSS'));
        const threads = sum((p) => procStatus(p, 'Threads'));
        const s = Scrape.of(c);
        return s.value(`${P}resident_memory_bytes`, M) === rss && s.value(`${P}threads`, M) === threads ? s : undefined;
      },
      5000,
      'sums matching /proc',
    );
    expect(s.value(`${P}count`, M)).toBe(3);
    expect(s.value(`${P}resident_memory_bytes`, M)).toBeGreaterThanOrEqual(60 * MIB);
    expect(s.value(`${P}open_fds`, M)).toBe(sum(procFds));
    expect(s.value(`${P}max_fds`, M)).toBe(sum(procMaxFds));
    expect(s.value(`${P}start_time_seconds`, M)).toBeCloseTo(Math.min(...pids.map(procStartSeconds)), 6);
    const before = sum(procCpu);
    const cpu = Scrape.of(c).value(`${P}cpu_seconds_total`, M);
    expect(between(cpu, before, sum(procCpu))).toBe(true);
    await Promise.all([...workers, other].map((w) => kids.kill(w)));
  });

  it('workers that exit: count drops, up goes to 0, CPU seconds never decrease, logged once', async () => {
    const { logger, lines } = captureLogger();
    const [a, b] = await Promise.all([kids.start(BUSY, [`${tag}-exit`]), kids.start(BUSY, [`${tag}-exit`])]);
    const c = watch([{ match: `${tag}-exit` }], { logger });
    await until(() => ((Scrape.of(c).value(`${P}cpu_seconds_total`, M) ?? 0) >= 0.4 ? true : undefined), 10_000, 'CPU time');
    const aFinalAtLeast = procCpu(a!.pid);
    const s0 = Scrape.of(c);
    expect(s0.value(`${P}count`, M)).toBe(2);
    await kids.kill(a!);

    const bNow = procCpu(b!.pid);
    const s1 = Scrape.of(c);
    expect(s1.value(`${P}up`, M)).toBe(1);
    expect(s1.value(`${P}count`, M)).toBe(1);
    expect(s1.value(`${P}exits_total`, M)).toBe(1);
    const cpu1 = s1.value(`${P}cpu_seconds_total`, M) as number;
    expect(cpu1).toBeGreaterThanOrEqual(s0.value(`${P}cpu_seconds_total`, M) as number);
    expect(cpu1).toBeGreaterThanOrEqual(aFinalAtLeast + bNow);

    await kids.kill(b!);
    const s2 = Scrape.of(c);
    expect(s2.value(`${P}up`, M)).toBe(0);
    expect(s2.value(`${P}count`, M)).toBe(0);
    expect(s2.value(`${P}exits_total`, M)).toBe(2);
    expect(s2.value(`${P}resident_memory_bytes`, M)).toBe(0);
    expect(s2.value(`${P}start_time_seconds`, M)).toBeUndefined();
    const cpu2 = s2.value(`${P}cpu_seconds_total`, M) as number;
    expect(cpu2).toBeGreaterThanOrEqual(cpu1);
    for (let i = 0; i < 3; i++) expect(Scrape.of(c).value(`${P}cpu_seconds_total`, M)).toBe(cpu2);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'watching model processes'],
      ['warn', 'model processes gone'],
    ]);
  });

  it('a server restarted under a new PID (pid_file) is picked up at once; its counter continues', async () => {
    const pidFile = join(dir, 'server.pid');
    const first = await kids.start(BUSY, [`${tag}-server`]);
    writeFileSync(pidFile, String(first.pid));
    const c = watch([{ pid_file: pidFile }]); // default rescan interval: 10 s
    const cpu0 = await until(() => {
      const v = Scrape.of(c).value(`${P}cpu_seconds_total`, M) ?? 0;
      return v >= 0.2 ? v : undefined;
    });
    await kids.kill(first);
    const second = await kids.start(IDLE, [`${tag}-server`]);
    writeFileSync(pidFile, String(second.pid));
    const secondCpu = procCpu(second.pid);
    const s = Scrape.of(c);
    expect(s.value(`${P}up`, M)).toBe(1);
    expect(s.value(`${P}exits_total`, M)).toBe(1);
    expect(s.value(`${P}start_time_seconds`, M)).toBeCloseTo(procStartSeconds(second.pid), 6);
    // the first server's last observed value plus the new server's start-up
    expect(s.value(`${P}cpu_seconds_total`, M)).toBeGreaterThanOrEqual(cpu0 + secondCpu);
    await kids.kill(second);
  });

  it('a new worker is found at the next rescan', async () => {
    const one = await kids.start(IDLE, [`${tag}-grow`]);
    const c = watch([{ match: `${tag}-grow` }], { rescanIntervalMs: 100 });
    expect(Scrape.of(c).value(`${P}count`, M)).toBe(1);
    const two = await kids.start(IDLE, [`${tag}-grow`]);
    await until(() => (Scrape.of(c).value(`${P}count`, M) === 2 ? true : undefined), 5000, 'second worker');
    await Promise.all([kids.kill(one), kids.kill(two)]);
  });

  it('never matches the exporter itself; an explicit pid can name it', () => {
    const own = readFileSync('/proc/self/cmdline', 'utf8').replace(/\0+$/, '').split('\0').join(' ');
    const escaped = own.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new ProcessMatcher();
    expect(m.resolve([compileSpec({ match: `^${escaped}$` })], Date.now(), 0)).not.toContain(process.pid);
    expect(m.resolve([compileSpec({ pid: process.pid })], Date.now(), 0)).toEqual([process.pid]);
  });

  it('vanished PIDs and broken PID files give up 0, never an error, and are logged once', async () => {
    const { logger, lines } = captureLogger();
    const gone = await kids.start(IDLE);
    await kids.kill(gone);
    const garbage = join(dir, 'garbage.pid');
    writeFileSync(garbage, 'twelve\n');
    const c = processCollector(
      [
        { model: 'a', specs: [{ pid: gone.pid }] },
        { model: 'b', specs: [{ pid_file: garbage }] },
        { model: 'c', specs: [{ pid_file: join(dir, 'missing.pid') }] },
      ],
      { gpu: false, logger, rescanIntervalMs: 0 },
    );
    for (let i = 0; i < 3; i++) {
      const s = Scrape.of(c);
      for (const model of ['a', 'b', 'c']) {
        expect(s.value(`${P}up`, { model })).toBe(0);
        expect(s.value(`${P}count`, { model })).toBe(0);
        expect(s.value(`${P}cpu_seconds_total`, { model })).toBe(0);
      }
    }
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg).sort()).toEqual([
      'no model process found',
      'no model process found',
      'no model process found',
      'process spec problem',
      'process spec problem',
    ]);
  });

  it('runs in the scrape registry, with disk usage of configured paths', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    writeFileSync(join(data, 'weights.bin'), Buffer.alloc(2 * MIB, 1));
    const w = await kids.start(IDLE, [`${tag}-registry`]);
    const c = processCollector([{ model: 'm', specs: [{ match: `${tag}-registry` }], diskPaths: [data] }], { gpu: false });
    await c.refresh();
    const reg = new ScrapeRegistry(silentLogger(), Date.now, { processMetrics: false }).add(c);
    const text = await reg.scrape('prometheus');
    for (const f of PROCESS_FAMILIES) expect(text).toContain(`# TYPE ${f.name} ${f.type}`);
    expect(text).toMatch(/^modelwatch_model_process_up\{model="m"\} 1$/m);
    expect(text).toMatch(/^modelwatch_model_process_count\{model="m"\} 1$/m);
    expect(text).toMatch(/^modelwatch_scrape_collector_success\{collector="process_watch"\} 1$/m);
    const duration = Number(/^modelwatch_scrape_collector_duration_seconds\{collector="process_watch"\} (\S+)$/m.exec(text)?.[1]);
    expect(duration).toBeLessThan(1);
    const used = Number(new RegExp(`^modelwatch_model_disk_used_bytes\\{model="m",path="${data}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(used).toBeGreaterThanOrEqual(2 * MIB);
    const size = Number(new RegExp(`^modelwatch_model_disk_size_bytes\\{model="m",path="${data}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    const avail = Number(new RegExp(`^modelwatch_model_disk_available_bytes\\{model="m",path="${data}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(size).toBeGreaterThan(avail);
    expect(avail).toBeGreaterThan(0);
    expect(await reg.scrape('openmetrics')).toMatch(/^modelwatch_model_process_cpu_seconds_total\{model="m"\} \S+$/m);
    await c.close();
    await kids.kill(w);
  });

  it('GPU families from nvidia-smi when it answers, none when it is absent', async () => {
    const w = await kids.start(IDLE, [`${tag}-gpu`]);
    const smi = join(dir, 'fake-nvidia-smi');
    writeFileSync(
      smi,
      `#!/bin/sh\ncase "$1" in\n  --query-compute-apps=*) echo "${w.pid}, GPU-1111, 1024"; echo "1, GPU-2222, 64" ;;\n  --query-gpu=*) echo "0, GPU-1111, 37, 2048, 16384"; echo "1, GPU-2222, 90, 64, 16384" ;;\nesac\n`,
    );
    chmodSync(smi, 0o755);
    const models = [
      { model: 'm', specs: [{ pid: w.pid }] },
      { model: 'cpu-only', specs: [{ match: `${tag}-gpu` }, { pid_file: join(dir, 'none.pid') }] },
    ];
    const c = processCollector(models, { gpu: { command: smi } });
    expect(Scrape.of(c).families().has(`${P}gpu_memory_bytes`)).toBe(false); // nothing before the first run
    await c.refresh();
    const s = Scrape.of(c);
    expect(s.value(`${P}gpu_memory_bytes`, M)).toBe(1024 * MIB);
    expect(s.value('modelwatch_model_gpu_utilization_ratio', { model: 'm', gpu: '0' })).toBe(0.37);
    expect(s.value('modelwatch_model_gpu_utilization_ratio', { model: 'm', gpu: '1' })).toBeUndefined();
    expect(c.usage('m')?.gpuDevices).toBe(1);
    await c.close();

    const none = processCollector(models, { gpu: { command: join(dir, 'no-nvidia-smi') } });
    await none.refresh();
    const n = Scrape.of(none);
    expect(n.value(`${P}up`, M)).toBe(1);
    expect([...n.families()].filter((f) => f.includes('gpu'))).toEqual([]);
    await none.close();
    await kids.kill(w);
  });
});

describe('a fake /proc tree: exact arithmetic', () => {
  const root = mkdtempSync(join(tmpdir(), 'mw-fakeproc-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const BTIME = 1_700_000_000;
  writeFakeBootTime(root, BTIME);
  const io = (n: number): { rchar: number; wchar: number; read_bytes: number; write_bytes: number } => ({ rchar: n, wchar: 2 * n, read_bytes: 3 * n, write_bytes: 4 * n });

  it('sums gauges, keeps counters across a restart and a reused PID', () => {
    const pidFile = join(root, 'server.pid');
    writeFileSync(pidFile, '100\n');
    writeFakeProcess(root, { pid: 100, utime: 300, stime: 200, start: 1000, rssKb: 1000, vmSizeKb: 5000, threads: 4, fds: 3, maxFiles: 100, io: io(1000) });
    writeFakeProcess(root, { pid: 200, utime: 60, stime: 40, start: 500, rssKb: 500, vmSizeKb: 2500, threads: 2, fds: 50, maxFiles: 64 }); // io not permitted
    const c = processCollector([{ model: 'm', specs: [{ pid_file: pidFile }, { pid: 200 }] }], { procRoot: root, ticksPerSecond: 100, gpu: false, selfPid: 1 });

    const s1 = Scrape.of(c, 0);
    expect(Object.fromEntries(s1.samples.map((x) => [x.family.replace(P, ''), x.value]))).toEqual({
      up: 1,
      count: 2,
      exits_total: 0,
      cpu_seconds_total: 6,
      resident_memory_bytes: 1500 * 1024,
      virtual_memory_bytes: 7500 * 1024,
      read_bytes_total: 3000,
      written_bytes_total: 4000,
      syscall_read_bytes_total: 1000,
      syscall_written_bytes_total: 2000,
      open_fds: 53,
      max_fds: 164,
      max_fd_usage_ratio: 50 / 64,
      threads: 6,
      start_time_seconds: BTIME + 5,
    });

    // The server restarts as PID 101 with a fresh counter.
    rmSync(join(root, '100'), { recursive: true });
    writeFakeProcess(root, { pid: 101, utime: 30, stime: 20, start: 9000, rssKb: 800, threads: 3, io: io(10) });
    writeFileSync(pidFile, '101\n');
    const s2 = Scrape.of(c, 5000);
    expect(s2.value(`${P}count`, M)).toBe(2);
    expect(s2.value(`${P}exits_total`, M)).toBe(1);
    expect(s2.value(`${P}cpu_seconds_total`, M)).toBeCloseTo(6.5, 12);
    expect(s2.value(`${P}read_bytes_total`, M)).toBe(3030);
    expect(s2.value(`${P}written_bytes_total`, M)).toBe(4040);
    expect(s2.value(`${P}start_time_seconds`, M)).toBe(BTIME + 5);
    expect(s2.value(`${P}resident_memory_bytes`, M)).toBe(1300 * 1024);

    // PID 200 is reused by another process (another start time): the old one's 1 s stays counted.
    writeFakeProcess(root, { pid: 200, utime: 15, stime: 5, start: 9500, rssKb: 100, threads: 1 });
    const s3 = Scrape.of(c, 10_000);
    expect(s3.value(`${P}exits_total`, M)).toBe(2);
    expect(s3.value(`${P}cpu_seconds_total`, M)).toBeCloseTo(6.7, 12);
    expect(s3.value(`${P}start_time_seconds`, M)).toBe(BTIME + 90);

    // Everything stops: up 0, counters stay, additive gauges 0, per-process gauges absent.
    rmSync(join(root, '101'), { recursive: true });
    writeFakeProcess(root, { pid: 200, state: 'Z', start: 9500 });
    const s4 = Scrape.of(c, 15_000);
    expect(s4.value(`${P}up`, M)).toBe(0);
    expect(s4.value(`${P}exits_total`, M)).toBe(4);
    expect(s4.value(`${P}cpu_seconds_total`, M)).toBeCloseTo(6.7, 12);
    expect(s4.value(`${P}read_bytes_total`, M)).toBe(3030);
    expect(s4.value(`${P}resident_memory_bytes`, M)).toBe(0);
    expect(s4.value(`${P}threads`, M)).toBe(0);
    expect(s4.value(`${P}max_fds`, M)).toBeUndefined();
    expect(s4.value(`${P}start_time_seconds`, M)).toBeUndefined();
  });

  it('rejects an invalid spec at construction, naming the model', () => {
    expect(() => processCollector([{ model: 'bad', specs: [{ match: '[' }] }], { procRoot: root, gpu: false })).toThrow(/model bad: .*not a valid regular expression/);
  });

  it('without a readable /proc every model is down', () => {
    const c = processCollector([{ model: 'm', specs: [{ match: 'x' }, { pid: 4 }] }], { procRoot: join(root, 'absent'), gpu: false, ticksPerSecond: 100 });
    expect(Scrape.of(c).value(`${P}up`, M)).toBe(0);
  });
});
