import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFileOffsetStore, MemoryOffsetStore, type SourceLogger } from '../../src/sources/offset-store.js';

interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: Record<string, unknown>;
  msg: string;
}

function recordingLogger(): { logger: SourceLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: Record<string, unknown>, msg: string) => {
    entries.push({ level, obj, msg });
  };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') }, entries };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelwatch-offsets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JsonFileOffsetStore', () => {
  it('saves records that a new instance reads back, leaving no temporary files', async () => {
    const file = join(dir, 'state', 'offsets.json');
    const a = new JsonFileOffsetStore(file);
    expect(await a.get('/logs/a.jsonl')).toBeUndefined();
    a.set('/logs/a.jsonl', { dev: '2049', inode: '18446744073709551615', offset: 10 });
    a.set('/logs/b.jsonl', { dev: '2049', inode: '7', offset: 0 });
    a.set('/logs/a.jsonl', { dev: '2049', inode: '18446744073709551615', offset: 42 });
    await a.flush();

    expect(await readJson(file)).toEqual({
      version: 1,
      files: {
        '/logs/a.jsonl': { dev: '2049', inode: '18446744073709551615', offset: 42 },
        '/logs/b.jsonl': { dev: '2049', inode: '7', offset: 0 },
      },
    });
    expect(await readdir(join(dir, 'state'))).toEqual(['offsets.json']);

    const b = new JsonFileOffsetStore(file);
    expect(await b.get('/logs/a.jsonl')).toEqual({ dev: '2049', inode: '18446744073709551615', offset: 42 });
    expect(await b.get('/logs/c.jsonl')).toBeUndefined();
  });

  it('treats a missing file as no saved offsets, without warning', async () => {
    const { logger, entries } = recordingLogger();
    const store = new JsonFileOffsetStore(join(dir, 'offsets.json'), { logger });
    expect(await store.get('/x')).toBeUndefined();
    expect(entries.filter((e) => e.level !== 'debug')).toEqual([]);
  });

  it('writes soon after a set, then at most once per interval until flush', async () => {
    const file = join(dir, 'offsets.json');
    const store = new JsonFileOffsetStore(file, { minWriteIntervalMs: 10_000 });
    await store.load();
    store.set('/p', { dev: '1', inode: '2', offset: 1 });
    await waitFor(async () => (await readJson(file)) !== undefined, 'first write');
    expect(await readJson(file)).toEqual({ version: 1, files: { '/p': { dev: '1', inode: '2', offset: 1 } } });

    store.set('/p', { dev: '1', inode: '2', offset: 2 });
    store.set('/p', { dev: '1', inode: '2', offset: 3 });
    await sleep(100);
    expect(await readJson(file)).toEqual({ version: 1, files: { '/p': { dev: '1', inode: '2', offset: 1 } } });

    await store.flush();
    expect(await readJson(file)).toEqual({ version: 1, files: { '/p': { dev: '1', inode: '2', offset: 3 } } });
  });

  it.each([
    ['not JSON', 'offsets: {'],
    ['empty', ''],
    ['wrong version', '{"version":2,"files":{}}'],
    ['bad entry', '{"version":1,"files":{"/p":{"dev":"1","inode":"2","offset":-5}}}'],
    ['numbers for dev/inode', '{"version":1,"files":{"/p":{"dev":1,"inode":2,"offset":5}}}'],
  ])('handles a corrupt file (%s): warns naming it, moves it aside, starts empty', async (_name, content) => {
    const file = join(dir, 'offsets.json');
    await writeFile(file, content);
    const { logger, entries } = recordingLogger();
    const store = new JsonFileOffsetStore(file, { logger });

    expect(await store.get('/p')).toBeUndefined();
    const warnings = entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.obj.file).toBe(file);
    expect(warnings[0]?.msg).toContain(file);
    expect(warnings[0]?.msg).toContain('offset 0');
    expect(await readFile(`${file}.corrupt`, 'utf8')).toBe(content);

    store.set('/p', { dev: '1', inode: '2', offset: 9 });
    await store.flush();
    expect(await readJson(file)).toEqual({ version: 1, files: { '/p': { dev: '1', inode: '2', offset: 9 } } });
  });

  it('logs a failed write once, keeps the records and retries until it succeeds', async () => {
    const blocker = join(dir, 'state');
    await mkdir(blocker);
    const file = join(blocker, 'offsets.json');
    const { logger, entries } = recordingLogger();
    const store = new JsonFileOffsetStore(file, { logger, minWriteIntervalMs: 10, maxRetryDelayMs: 40 });
    await store.load();
    // The directory is replaced by a file: writing the offset file now fails.
    await rm(blocker, { recursive: true });
    await writeFile(blocker, 'a file where the directory should be');

    store.set('/p', { dev: '1', inode: '2', offset: 5 });
    await expect(store.flush()).rejects.toThrow();
    await sleep(150);
    expect(entries.filter((e) => e.level === 'error')).toHaveLength(1);
    expect(entries.filter((e) => e.level === 'debug' && e.msg.includes('cannot write')).length).toBeGreaterThan(1);
    expect(await readJson(file)).toBeUndefined();

    // Once the file is gone the store creates the directory itself on its next attempt.
    await rm(blocker);
    await waitFor(() => entries.some((e) => e.level === 'info' && e.msg.includes('after earlier failures')), 'a successful retry');
    expect(await readJson(file)).toEqual({ version: 1, files: { '/p': { dev: '1', inode: '2', offset: 5 } } });
    await store.flush();
  });
});

describe('MemoryOffsetStore', () => {
  it('keeps copies of records and counts flushes', async () => {
    const store = new MemoryOffsetStore({ '/a': { dev: '1', inode: '1', offset: 3 } });
    const got = await store.get('/a');
    expect(got).toEqual({ dev: '1', inode: '1', offset: 3 });
    if (got) got.offset = 99;
    expect((await store.get('/a'))?.offset).toBe(3);

    const rec = { dev: '1', inode: '2', offset: 4 };
    store.set('/b', rec);
    rec.offset = 100;
    expect(store.snapshot()).toEqual({ '/a': { dev: '1', inode: '1', offset: 3 }, '/b': { dev: '1', inode: '2', offset: 4 } });
    await store.flush();
    expect(store.flushes).toBe(1);
  });
});
