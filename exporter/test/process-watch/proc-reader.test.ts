import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clockTicksPerSecond,
  cpuSeconds,
  isLiveState,
  listPids,
  parseBootTime,
  parseClockTicks,
  parseCmdline,
  parseIo,
  parseMaxOpenFiles,
  parseStat,
  parseStatus,
  readBootTime,
  readProcess,
  startTimeSeconds,
} from '../../src/process-watch/proc-reader.js';
import { procCpu, procFds, procStatus, userHz, writeFakeBootTime, writeFakeProcess } from './helpers.js';

// A real stat line (from `cat /proc/self/stat`) and variants with awkward command names.
const CAT_STAT =
  '11538 (cat) R 11525 11525 10517 0 -1 4194304 96 0 0 0 7 3 0 0 20 0 1 0 190110 3133440 358 18446744073709551615 94479922671616 94479922691497 140722809252528 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94479922707504 94479922709120 94480873136128 140722809260765 140722809260785 140722809260785 140722809262059 0\n';

describe('parseStat', () => {
  it('reads the fields by their proc(5) numbers', () => {
    expect(parseStat(CAT_STAT)).toEqual({
      pid: 11538,
      comm: 'cat',
      state: 'R',
      ppid: 11525,
      utimeTicks: 7,
      stimeTicks: 3,
      numThreads: 1,
      startTimeTicks: 190110,
      vsizeBytes: 3133440,
      rssPages: 358,
    });
  });

  it('handles command names with spaces and parentheses', () => {
    for (const comm of ['my proc', 'a (b) c', 'x) S 1 2 (y', ')))', '((', 'tail ) R 9']) {
      const s = parseStat(CAT_STAT.replace('(cat)', `(${comm})`));
      expect(s?.comm).toBe(comm);
      expect(s?.state).toBe('R');
      expect(s?.utimeTicks).toBe(7);
      expect(s?.startTimeTicks).toBe(190110);
    }
  });

  it('rejects malformed text', () => {
    expect(parseStat('')).toBeUndefined();
    expect(parseStat('123 (x) S 1 2 3')).toBeUndefined();
    expect(parseStat('abc (x)' + CAT_STAT.slice(CAT_STAT.indexOf(')') + 1))).toBeUndefined();
    expect(parseStat(CAT_STAT.replace(' 7 3 ', ' 7 x '))).toBeUndefined();
  });

  it('converts ticks to seconds', () => {
    const s = parseStat(CAT_STAT.replace(' 7 3 ', ' 250 125 '))!;
    expect(cpuSeconds(s, 100)).toBe(3.75);
    expect(startTimeSeconds(s, 1_700_000_000, 100)).toBe(1_700_000_000 + 1901.1);
  });

  it('treats zombies and dead tasks as not live', () => {
    expect(isLiveState('Z')).toBe(false);
    expect(isLiveState('X')).toBe(false);
    for (const s of ['R', 'S', 'D', 'T', 't', 'I']) expect(isLiveState(s)).toBe(true);
  });
});

describe('other /proc files', () => {
  it('status: VmRSS, VmSize in kB, Threads', () => {
    const text = 'Name:\tpython3\nState:\tS (sleeping)\nVmPeak:\t  999999 kB\nVmSize:\t  123456 kB\nVmRSS:\t   65536 kB\nRssAnon:\t 1 kB\nThreads:\t17\nSigQ:\t0/63382\n';
    expect(parseStatus(text)).toEqual({ vmSizeBytes: 123456 * 1024, vmRssBytes: 65536 * 1024, threads: 17 });
    // kernel threads have no Vm* lines
    expect(parseStatus('Name:\tkthreadd\nThreads:\t1\n')).toEqual({ threads: 1 });
  });

  it('io', () => {
    const text = 'rchar: 249866\nwchar: 8388609\nsyscr: 85\nsyscw: 9\nread_bytes: 4096\nwrite_bytes: 8388608\ncancelled_write_bytes: 0\n';
    expect(parseIo(text)).toEqual({ rchar: 249866, wchar: 8388609, readBytes: 4096, writeBytes: 8388608 });
    expect(parseIo('')).toEqual({});
  });

  it('limits: the soft open-files limit, undefined when unlimited', () => {
    const limits = (soft: string, hard: string): string =>
      'Limit                     Soft Limit           Hard Limit           Units     \n' +
      'Max cpu time              unlimited            unlimited            seconds   \n' +
      `Max open files            ${soft.padEnd(21)}${hard.padEnd(21)}files     \n` +
      'Max locked memory         8388608              8388608              bytes     \n';
    expect(parseMaxOpenFiles(limits('1024', '524288'))).toBe(1024);
    expect(parseMaxOpenFiles(limits('unlimited', 'unlimited'))).toBeUndefined();
    expect(parseMaxOpenFiles('')).toBeUndefined();
  });

  it('btime from /proc/stat', () => {
    expect(parseBootTime('cpu  1 2 3\ncpu0 1 2 3\nintr 5 6\nctxt 77\nbtime 1795450198\nprocesses 9\n')).toBe(1795450198);
    expect(parseBootTime('cpu 1\n')).toBeUndefined();
  });

  it('cmdline: NUL-separated arguments become one space-joined line', () => {
    expect(parseCmdline('python3\0-m\0gunicorn\0app:main\0')).toBe('python3 -m gunicorn app:main');
    expect(parseCmdline('gunicorn: worker [app]')).toBe('gunicorn: worker [app]');
    expect(parseCmdline('')).toBe('');
  });

  it('CLK_TCK', () => {
    expect(parseClockTicks('100\n')).toBe(100);
    expect(parseClockTicks('0')).toBeUndefined();
    expect(parseClockTicks('abc')).toBeUndefined();
    expect(clockTicksPerSecond()).toBe(userHz());
  });
});

describe('readers on a fake tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'mw-proc-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  writeFakeBootTime(root, 1_700_000_000);
  writeFakeProcess(root, {
    pid: 10,
    comm: 'srv (main)',
    utime: 150,
    stime: 50,
    threads: 4,
    start: 12345,
    vsize: 999,
    rssKb: 2048,
    vmSizeKb: 4096,
    io: { rchar: 1, wchar: 2, read_bytes: 3, write_bytes: 4 },
    maxFiles: 4096,
    fds: 3,
  });
  writeFakeProcess(root, { pid: 11, state: 'Z' });
  writeFakeProcess(root, { pid: 12, maxFiles: 'unlimited' }); // no io file (as when not permitted), no VmRSS

  it('reads a whole process', () => {
    expect(readBootTime(root)).toBe(1_700_000_000);
    expect(readProcess(10, { procRoot: root, ticksPerSecond: 100, bootTimeSeconds: 1_700_000_000 })).toEqual({
      pid: 10,
      comm: 'srv (main)',
      startTimeTicks: 12345,
      cpuSeconds: 2,
      startTimeSeconds: 1_700_000_123.45,
      residentBytes: 2048 * 1024,
      virtualBytes: 4096 * 1024,
      threads: 4,
      openFds: 3,
      maxFds: 4096,
      io: { rchar: 1, wchar: 2, readBytes: 3, writeBytes: 4 },
    });
  });

  it('leaves out what it cannot read; a zombie or a missing PID is no process', () => {
    const s = readProcess(12, { procRoot: root, ticksPerSecond: 100 });
    expect(s).toBeDefined();
    expect(s?.io).toBeUndefined();
    expect(s?.residentBytes).toBeUndefined();
    expect(s?.maxFds).toBeUndefined();
    expect(s?.startTimeSeconds).toBeUndefined();
    expect(s?.virtualBytes).toBe(4096); // from stat when status has no VmSize
    expect(readProcess(11, { procRoot: root, ticksPerSecond: 100 })).toBeUndefined();
    expect(readProcess(99, { procRoot: root, ticksPerSecond: 100 })).toBeUndefined();
    expect(listPids(root)).toEqual([10, 11, 12]);
    expect(listPids(join(root, 'nope'))).toEqual([]);
  });
});

describe('readers on the real /proc', () => {
  it('this process, checked against an independent reading', () => {
    const before = procCpu(process.pid);
    const s = readProcess(process.pid, { ticksPerSecond: clockTicksPerSecond(), bootTimeSeconds: readBootTime() })!;
    const after = procCpu(process.pid);
    expect(s.cpuSeconds).toBeGreaterThanOrEqual(before);
    expect(s.cpuSeconds).toBeLessThanOrEqual(after);
    expect(s.threads).toBeGreaterThan(1);
    const rss = procStatus(process.pid, 'VmRSS');
    expect(Math.abs((s.residentBytes as number) - rss)).toBeLessThan(16 * 1024 * 1024);
    expect(Math.abs((s.openFds as number) - procFds(process.pid))).toBeLessThanOrEqual(1); // readdir's own fd
    expect(s.io?.rchar).toBeGreaterThan(0);
    expect(Math.abs((s.startTimeSeconds as number) - (Date.now() / 1000 - process.uptime()))).toBeLessThan(60);
  });
});
