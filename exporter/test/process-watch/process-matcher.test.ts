import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpec, matchCmdlines, MAX_CMDLINE_CHARS, parsePidFile, ProcessMatcher } from '../../src/process-watch/process-matcher.js';
import { captureLogger, writeFakeBootTime, writeFakeProcess } from './helpers.js';

describe('compileSpec', () => {
  it('accepts the three kinds', () => {
    expect(compileSpec({ pid: 42 })).toMatchObject({ kind: 'pid', pid: 42 });
    expect(compileSpec({ pid_file: '/run/model.pid' })).toMatchObject({ kind: 'pid_file', path: '/run/model.pid' });
    const m = compileSpec({ match: 'gunicorn.*app' });
    expect(m.kind === 'match' && m.regex.test('gunicorn -w 4 app:main')).toBe(true);
  });

  it('rejects invalid specs with a message', () => {
    expect(() => compileSpec({ match: '(' })).toThrow(/not a valid regular expression/);
    expect(() => compileSpec({ match: '' })).toThrow(/non-empty/);
    expect(() => compileSpec({ pid: -1 })).toThrow(/positive integer/);
    expect(() => compileSpec({ pid: 1.5 })).toThrow(/positive integer/);
    expect(() => compileSpec({ pid: 1, match: 'x' } as never)).toThrow(/exactly one of pid, pid_file, match \(got pid, match\)/);
    expect(() => compileSpec({} as never)).toThrow(/got none/);
  });
});

describe('parsing', () => {
  it('PID files: trimmed digits only', () => {
    expect(parsePidFile('1234\n')).toBe(1234);
    expect(parsePidFile('  77  ')).toBe(77);
    expect(parsePidFile('')).toBeUndefined();
    expect(parsePidFile('0')).toBeUndefined();
    expect(parsePidFile('12ab')).toBeUndefined();
    expect(parsePidFile('-5')).toBeUndefined();
    expect(parsePidFile('12 13')).toBeUndefined();
  });

  it('matchCmdlines caps at the lowest PIDs', () => {
    const lines = new Map([
      [30, 'worker a'],
      [10, 'worker b'],
      [20, 'other'],
      [40, 'worker c'],
    ]);
    expect(matchCmdlines(/worker/, lines, 10)).toEqual({ pids: [10, 30, 40], capped: false });
    expect(matchCmdlines(/worker/, lines, 2)).toEqual({ pids: [10, 30], capped: true });
  });
});

describe('ProcessMatcher on a fake tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'mw-match-'));
  const dir = mkdtempSync(join(tmpdir(), 'mw-pidfile-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });
  writeFakeBootTime(root, 1_700_000_000);
  writeFakeProcess(root, { pid: 1, cmdline: ['/sbin/init'] });
  writeFakeProcess(root, { pid: 2, comm: 'kthreadd' }); // kernel thread: empty cmdline
  writeFakeProcess(root, { pid: 100, cmdline: ['/usr/bin/python3', '-m', 'gunicorn', 'app:main'] });
  writeFakeProcess(root, { pid: 101, cmdline: ['gunicorn: worker [app]'] });
  writeFakeProcess(root, { pid: 102, cmdline: ['/usr/bin/python3', '-m', 'gunicorn', 'app:main', '--worker'] });
  writeFakeProcess(root, { pid: 500, cmdline: ['node', 'modelwatch', '--match', 'gunicorn.*app'] }); // "the exporter"

  it('matches the space-joined command line, never itself or kernel threads', () => {
    const m = new ProcessMatcher({ procRoot: root, selfPid: 500 });
    expect(m.resolve([compileSpec({ match: 'gunicorn.*app' })], 0, 0)).toEqual([100, 101, 102]);
    expect(m.resolve([compileSpec({ match: 'python3 -m gunicorn app:main --worker' })], 0, 0)).toEqual([102]);
    expect(m.resolve([compileSpec({ match: '.*' })], 0, 0)).toEqual([1, 100, 101, 102]);
  });

  it('matches only the first MAX_CMDLINE_CHARS characters of a command line', () => {
    writeFakeProcess(root, { pid: 400, cmdline: ['huge-head', 'x'.repeat(MAX_CMDLINE_CHARS), 'far-tail'] });
    try {
      const m = new ProcessMatcher({ procRoot: root, selfPid: 500 });
      expect(m.resolve([compileSpec({ match: 'huge-head' })], 0, 0)).toEqual([400]);
      expect(m.resolve([compileSpec({ match: 'far-tail' })], 0, 0)).toEqual([]);
    } finally {
      rmSync(join(root, '400'), { recursive: true });
    }
  });

  it('unions specs without duplicates', () => {
    const m = new ProcessMatcher({ procRoot: root, selfPid: 500 });
    writeFileSync(join(dir, 'a.pid'), '101\n');
    const pids = m.resolve([compileSpec({ pid: 100 }), compileSpec({ pid_file: join(dir, 'a.pid') }), compileSpec({ match: 'worker' })], 0, 0);
    expect(pids).toEqual([100, 101, 102]);
  });

  it('reuses a scan while it is young enough', () => {
    const m = new ProcessMatcher({ procRoot: root, selfPid: 500 });
    const spec = [compileSpec({ match: 'late-comer' })];
    expect(m.resolve(spec, 1000, 5000)).toEqual([]);
    writeFakeProcess(root, { pid: 300, cmdline: ['late-comer'] });
    try {
      expect(m.resolve(spec, 3000, 5000)).toEqual([]); // cached scan
      expect(m.resolve(spec, 6000, 5000)).toEqual([300]); // scan older than 5 s
    } finally {
      rmSync(join(root, '300'), { recursive: true });
    }
  });

  it('reports pid_file and cap problems once per change, not per resolve', () => {
    const { logger, lines } = captureLogger();
    const m = new ProcessMatcher({ procRoot: root, selfPid: 500, maxMatches: 2, logger });
    const file = join(dir, 'model.pid');
    const specs = [compileSpec({ pid_file: file })];
    for (let i = 0; i < 3; i++) expect(m.resolve(specs, 0, 0)).toEqual([]); // missing
    writeFileSync(file, 'not a pid\n');
    for (let i = 0; i < 3; i++) expect(m.resolve(specs, 0, 0)).toEqual([]); // garbage
    writeFileSync(file, ' 100 \n');
    for (let i = 0; i < 3; i++) expect(m.resolve(specs, 0, 0)).toEqual([100]);
    const capped = [compileSpec({ match: 'gunicorn' })];
    for (let i = 0; i < 3; i++) expect(m.resolve(capped, 0, 0)).toEqual([100, 101]);
    expect(lines.map((l) => [l.level, l.msg, l.problem])).toEqual([
      ['warn', 'process spec problem', 'PID file unreadable (ENOENT)'],
      ['warn', 'process spec problem', 'PID file does not hold a PID'],
      ['info', 'process spec resolves again', undefined],
      ['warn', 'process spec problem', 'more than 2 processes match; watching the 2 lowest PIDs'],
    ]);
  });
});
