import { appendFile, copyFile, mkdtemp, open, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTailer, type FileTailerOptions, type LinePosition, type OversizedLineInfo } from '../../src/sources/file-tailer.js';
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface Batch {
  lines: string[];
  position: LinePosition;
}

/** A consumer that records what it gets. */
function collector() {
  const batches: Batch[] = [];
  return {
    batches,
    lines: () => batches.flatMap((b) => b.lines),
    onLines: async (lines: string[], position: LinePosition) => {
      batches.push({ lines: [...lines], position: { ...position } });
    },
  };
}

const POLL_MS = 10;
/** Long enough for several polls: used only to check that nothing more arrives. */
const QUIET_MS = 120;

let dir: string;
let path: string;
const tailers: FileTailer[] = [];

function tailer(options: Partial<FileTailerOptions> & Pick<FileTailerOptions, 'onLines'>): FileTailer {
  const t = new FileTailer({
    path,
    store: new MemoryOffsetStore(),
    pollIntervalMs: POLL_MS,
    rotateWaitMs: 50,
    retryInitialMs: 10,
    retryMaxMs: 50,
    ...options,
  });
  tailers.push(t);
  t.start();
  return t;
}

async function inode(p: string): Promise<string> {
  return (await stat(p, { bigint: true })).ino.toString();
}

/** Every batch's position is the byte offset just past its last line. */
async function expectPositionsMatch(batches: Batch[], file: string): Promise<void> {
  const content = await readFile(file);
  for (const b of batches) {
    const before = content.subarray(0, b.position.offset).toString('utf8');
    expect(before.endsWith(`${b.lines[b.lines.length - 1]}\n`) || before.endsWith(`${b.lines[b.lines.length - 1]}\r\n`)).toBe(true);
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelwatch-tail-'));
  path = join(dir, 'predictions.jsonl');
});

afterEach(async () => {
  await Promise.all(tailers.splice(0).map((t) => t.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe('FileTailer: reading', () => {
  it('delivers lines appended over time once each, in order, and commits their offset', async () => {
    await writeFile(path, 'l1\nl2\n');
    const store = new MemoryOffsetStore();
    const c = collector();
    const t = tailer({ store, onLines: c.onLines });
    await waitFor(() => c.lines().length === 2, 'the first two lines');

    const want = ['l1', 'l2'];
    for (let i = 3; i <= 30; i++) {
      await appendFile(path, `{"id":${i}}\n`);
      want.push(`{"id":${i}}`);
      if (i % 7 === 0) await waitFor(() => c.lines().length === i, `line ${i}`);
    }
    await waitFor(() => c.lines().length >= want.length, 'all lines');
    await sleep(QUIET_MS);

    expect(c.lines()).toEqual(want);
    await expectPositionsMatch(c.batches, path);
    const size = (await stat(path)).size;
    expect(t.status()).toMatchObject({ path, inode: await inode(path), offset: size, size, lagBytes: 0, lines: 30, rotations: 0 });
    expect(store.snapshot()[path]).toEqual({ dev: (await stat(path, { bigint: true })).dev.toString(), inode: await inode(path), offset: size });
  });

  it('keeps a partial line until its newline arrives', async () => {
    await writeFile(path, '{"a":1}\n{"b":');
    const c = collector();
    const t = tailer({ onLines: c.onLines });
    await waitFor(() => c.lines().length === 1, 'the complete line');
    await appendFile(path, '2');
    await sleep(QUIET_MS);
    expect(c.lines()).toEqual(['{"a":1}']);
    expect(t.status()).toMatchObject({ offset: 8, size: 14, lagBytes: 6 });

    await appendFile(path, '}\n');
    await waitFor(() => c.lines().length === 2, 'the completed line');
    expect(c.lines()).toEqual(['{"a":1}', '{"b":2}']);
    expect(t.status().offset).toBe(16);
  });

  it('handles CRLF and skips empty lines, also across small read chunks', async () => {
    await writeFile(path, 'a\r\n\r\n\nb\n\r\n\r\nc\r\nd\r');
    const c = collector();
    const t = tailer({ onLines: c.onLines, chunkBytes: 3 });
    await waitFor(() => c.lines().length === 3, 'three lines');
    await appendFile(path, '\n\n');
    await waitFor(() => c.lines().length === 4, 'the fourth line');
    await sleep(QUIET_MS);
    expect(c.lines()).toEqual(['a', 'b', 'c', 'd']);
    expect(t.status()).toMatchObject({ offset: (await stat(path)).size, lines: 4 });
  });

  it('skips lines longer than maxLineBytes and reports them', async () => {
    const long = 'x'.repeat(100);
    await writeFile(path, `ok1\n${long}\nok2\n${'y'.repeat(16)}\r\n${'z'.repeat(17)}\r\nok3\n`);
    const oversized: OversizedLineInfo[] = [];
    const c = collector();
    const t = tailer({ onLines: c.onLines, maxLineBytes: 16, chunkBytes: 8, onOversizedLine: (info) => oversized.push(info) });
    await waitFor(() => c.lines().includes('ok3'), 'the last line');
    await sleep(QUIET_MS);

    expect(c.lines()).toEqual(['ok1', 'ok2', 'y'.repeat(16), 'ok3']);
    const ino = await inode(path);
    expect(oversized).toEqual([
      { path, inode: ino, offset: 4, bytes: 100 },
      { path, inode: ino, offset: 4 + 101 + 4 + 18, bytes: 17 },
    ]);
    expect(t.status()).toMatchObject({ oversizedLines: 2, lines: 4, offset: (await stat(path)).size });
  });

  it('waits for a file that does not exist yet, logging that once', async () => {
    const { logger, entries } = recordingLogger();
    const c = collector();
    const t = tailer({ onLines: c.onLines, logger });
    await waitFor(() => entries.length > 0, 'a log entry');
    await sleep(QUIET_MS);
    expect(entries.filter((e) => e.level !== 'debug')).toEqual([
      { level: 'info', obj: { path }, msg: 'file does not exist yet; waiting for it to be created' },
    ]);
    expect(t.status()).toMatchObject({ inode: null, offset: 0, size: 0 });

    await writeFile(path, 'first\n');
    await waitFor(() => c.lines().length === 1, 'the first line');
    expect(c.lines()).toEqual(['first']);
    expect(t.status()).toMatchObject({ inode: await inode(path), rotations: 0, offset: 6 });
    expect(entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
  });

  it('logs through a pino logger', async () => {
    const out: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void out.push(s) });
    tailer({ onLines: collector().onLines, logger });
    await waitFor(() => out.length > 0, 'a log line');
    expect(JSON.parse(out[0] as string)).toMatchObject({ level: 30, path, msg: 'file does not exist yet; waiting for it to be created' });
  });
});

describe('FileTailer: rotation and truncation', () => {
  it('follows rename rotation, reading the old file to its end first', async () => {
    await writeFile(path, 'old-1\nold-2\n');
    const { logger, entries } = recordingLogger();
    const c = collector();
    const t = tailer({ onLines: c.onLines, logger, rotateWaitMs: 300 });
    await waitFor(() => c.lines().length === 2, 'the first lines');

    // The writer keeps its descriptor across the rename, as an application does until it reopens its log.
    const writer = await open(path, 'a');
    try {
      await writer.write('old-3\n');
      await rename(path, `${path}.1`);
      await writer.write('old-4\n');
      await writeFile(path, 'new-1\n');
      // Written to the old file after the tailer has noticed the rotation: read within rotateWaitMs.
      await waitFor(() => entries.some((e) => e.msg.includes('rotated or removed')), 'the rotation to be noticed');
      await writer.write('old-5\n');
    } finally {
      await writer.close();
    }
    await appendFile(path, 'new-2\n');

    await waitFor(() => c.lines().length >= 7, 'all lines');
    await sleep(QUIET_MS);
    expect(c.lines()).toEqual(['old-1', 'old-2', 'old-3', 'old-4', 'old-5', 'new-1', 'new-2']);
    expect(t.status()).toMatchObject({ inode: await inode(path), offset: 12, rotations: 1, truncations: 0 });
    const last = c.batches[c.batches.length - 1];
    expect(last?.position).toMatchObject({ inode: await inode(path), offset: 12 });
  });

  it('drops an incomplete last line of a rotated file with a warning', async () => {
    await writeFile(path, 'a\nincompl');
    const { logger, entries } = recordingLogger();
    const c = collector();
    const t = tailer({ onLines: c.onLines, logger });
    await waitFor(() => c.lines().length === 1, 'the first line');
    await rename(path, `${path}.1`);
    await writeFile(path, 'b\n');
    await waitFor(() => c.lines().length === 2, 'the line of the new file');
    expect(c.lines()).toEqual(['a', 'b']);
    expect(t.status().rotations).toBe(1);
    expect(entries.filter((e) => e.level === 'warn')).toMatchObject([{ obj: { bytes: 7 }, msg: expect.stringContaining('incomplete line') }]);
  });

  it('follows a file removed and created again later', async () => {
    await writeFile(path, 'a\n');
    const { logger, entries } = recordingLogger();
    const c = collector();
    const t = tailer({ onLines: c.onLines, logger });
    await waitFor(() => c.lines().length === 1, 'the first line');
    await rm(path);
    await waitFor(() => entries.some((e) => e.msg.includes('waiting for it')), 'waiting for the path again');
    await sleep(QUIET_MS);
    expect(t.status().inode).toBeNull();
    expect(entries.filter((e) => e.msg.includes('waiting for it'))).toHaveLength(1);
    await writeFile(path, 'b\n');
    await waitFor(() => c.lines().length === 2, 'the line of the new file');
    expect(c.lines()).toEqual(['a', 'b']);
    expect(t.status()).toMatchObject({ rotations: 1, offset: 2 });
  });

  it('starts again at offset 0 after copy-truncate', async () => {
    await writeFile(path, 'a-1\na-2\na-3\n');
    const { logger, entries } = recordingLogger();
    const store = new MemoryOffsetStore();
    const c = collector();
    const t = tailer({ onLines: c.onLines, logger, store });
    await waitFor(() => c.lines().length === 3, 'the first lines');

    await copyFile(path, `${path}.1`);
    await truncate(path, 0);
    await appendFile(path, 'b-1\n');
    await waitFor(() => c.lines().length >= 4, 'the line after truncation');
    await sleep(QUIET_MS);

    expect(c.lines()).toEqual(['a-1', 'a-2', 'a-3', 'b-1']);
    expect(t.status()).toMatchObject({ truncations: 1, rotations: 0, offset: 4, inode: await inode(path) });
    expect(store.snapshot()[path]?.offset).toBe(4);
    expect(entries.filter((e) => e.level === 'info' && e.msg.includes('truncated'))).toHaveLength(1);
  });
});

describe('FileTailer: offsets across restarts', () => {
  it('after stop and restart delivers only the new lines', async () => {
    const storeFile = join(dir, 'state', 'offsets.json');
    await writeFile(path, 'r1\nr2\nr3-part');
    const c1 = collector();
    const t1 = tailer({ onLines: c1.onLines, store: new JsonFileOffsetStore(storeFile) });
    await waitFor(() => c1.lines().length === 2, 'the first run');
    await t1.stop();

    await appendFile(path, 'ial\nr4\n');
    await sleep(QUIET_MS);
    expect(c1.lines()).toEqual(['r1', 'r2']);

    const c2 = collector();
    const t2 = tailer({ onLines: c2.onLines, store: new JsonFileOffsetStore(storeFile) });
    await waitFor(() => c2.lines().length >= 2, 'the second run');
    await sleep(QUIET_MS);
    expect(c2.lines()).toEqual(['r3-partial', 'r4']);
    expect(t2.status()).toMatchObject({ offset: (await stat(path)).size, lines: 2 });
  });

  it('after a crash re-reads nothing before the last committed batch', async () => {
    const storeFile = join(dir, 'offsets.json');
    const all = Array.from({ length: 10 }, (_, i) => `{"n":${i + 1}}`);
    await writeFile(path, all.map((l) => `${l}\n`).join(''));

    // The first run hangs in its third batch, as if the process died there; its store has been written.
    const store1 = new JsonFileOffsetStore(storeFile);
    const seen1: string[][] = [];
    const hang = deferred();
    const t1 = tailer({
      store: store1,
      maxBatchLines: 2,
      onLines: async (lines) => {
        seen1.push(lines);
        if (seen1.length === 3) await hang.promise;
      },
    });
    try {
      await waitFor(() => seen1.length === 3, 'the third batch');
      await store1.flush();

      const c2 = collector();
      tailer({ onLines: c2.onLines, store: new JsonFileOffsetStore(storeFile) });
      await waitFor(() => c2.lines().length >= 6, 'the second run');
      await sleep(QUIET_MS);
      expect(seen1.flat()).toEqual(all.slice(0, 6));
      expect(c2.lines()).toEqual(all.slice(4));
    } finally {
      hang.resolve();
      await t1.stop();
    }
  });

  it('starts at the saved offset only for the same file, and when the file is long enough', async () => {
    await writeFile(path, 'one\ntwo\n');
    const st = await stat(path, { bigint: true });
    const same = { dev: st.dev.toString(), inode: st.ino.toString() };
    const cases = [
      { record: { ...same, offset: 4 }, want: ['two'] },
      { record: { ...same, inode: `${st.ino + 1n}`, offset: 4 }, want: ['one', 'two'] },
      { record: { ...same, dev: `${st.dev + 1n}`, offset: 4 }, want: ['one', 'two'] },
      { record: { ...same, offset: 9 }, want: ['one', 'two'] },
    ];
    for (const { record, want } of cases) {
      const c = collector();
      const t = tailer({ onLines: c.onLines, store: new MemoryOffsetStore({ [path]: record }) });
      await waitFor(() => t.status().offset === 8, `offset 8 with saved record ${JSON.stringify(record)}`);
      await t.stop();
      expect(c.lines(), JSON.stringify(record)).toEqual(want);
    }
  });

  it('reads from the start when the offset file is corrupt, warning about it', async () => {
    const storeFile = join(dir, 'offsets.json');
    await writeFile(storeFile, '{"version":1,"files":{"');
    await writeFile(path, 'a\nb\n');
    const { logger, entries } = recordingLogger();
    const c = collector();
    const t = tailer({ onLines: c.onLines, store: new JsonFileOffsetStore(storeFile, { logger }), logger });
    await waitFor(() => c.lines().length === 2, 'both lines');
    await t.stop();

    expect(c.lines()).toEqual(['a', 'b']);
    const warnings = entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.obj.file).toBe(storeFile);
    expect(await readFile(`${storeFile}.corrupt`, 'utf8')).toBe('{"version":1,"files":{"');
    const saved = JSON.parse(await readFile(storeFile, 'utf8')) as { files: Record<string, { offset: number }> };
    expect(saved.files[path]?.offset).toBe(4);
  });
});

describe('FileTailer: consumer', () => {
  it('waits for the consumer: one batch in flight, offset committed only after it resolves', async () => {
    const all = Array.from({ length: 12 }, (_, i) => `line-${i}`);
    await writeFile(path, all.slice(0, 8).map((l) => `${l}\n`).join(''));
    let inFlight = 0;
    let maxInFlight = 0;
    const committedAtEntry: number[] = [];
    const positions: number[] = [];
    const violations: string[] = [];
    const got: string[] = [];
    const store = new MemoryOffsetStore();
    const t: FileTailer = tailer({
      store,
      maxBatchLines: 2,
      onLines: async (lines, position) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        committedAtEntry.push(t.status().offset);
        if (positions.length === 1) await appendFile(path, all.slice(8).map((l) => `${l}\n`).join(''));
        await sleep(25);
        // Still not committed while the consumer is busy.
        const atEntry = committedAtEntry[committedAtEntry.length - 1];
        if (t.status().offset !== atEntry || (store.snapshot()[path]?.offset ?? 0) !== atEntry) {
          violations.push(`offset moved while batch ${positions.length + 1} was in flight`);
        }
        got.push(...lines);
        positions.push(position.offset);
        inFlight--;
      },
    });
    await waitFor(() => got.length >= 12, 'all lines');
    expect(got).toEqual(all);
    expect(maxInFlight).toBe(1);
    expect(violations).toEqual([]);
    expect(committedAtEntry).toEqual([0, ...positions.slice(0, -1)]);
    expect(t.status().offset).toBe(positions[positions.length - 1]);
  });

  it('offers a rejected batch again after a backoff and logs the error once', async () => {
    await writeFile(path, 'a\nb\n');
    const { logger, entries } = recordingLogger();
    const calls: Batch[] = [];
    let failures = 2;
    const t = tailer({
      logger,
      onLines: async (lines, position) => {
        calls.push({ lines: [...lines], position });
        if (failures-- > 0) throw new Error('sink unavailable');
      },
    });
    await waitFor(() => calls.length === 3, 'the third attempt');
    await sleep(QUIET_MS);
    expect(calls.map((c) => c.lines)).toEqual([['a', 'b'], ['a', 'b'], ['a', 'b']]);
    expect(t.status()).toMatchObject({ lines: 2, offset: 4 });
    expect(entries.filter((e) => e.level === 'error')).toHaveLength(1);
    expect(entries.some((e) => e.level === 'info' && e.msg.includes('recovered'))).toBe(true);
  });

  it('stop() lets the batch in flight finish, commits it, flushes the store and reads no further', async () => {
    await writeFile(path, 'a\nb\nc\nd\n');
    const store = new MemoryOffsetStore();
    const release = deferred();
    const got: string[][] = [];
    const t = tailer({
      store,
      maxBatchLines: 2,
      onLines: async (lines) => {
        got.push(lines);
        await release.promise;
      },
    });
    let stopped = false;
    try {
      await waitFor(() => got.length === 1, 'the first batch');
      void t.stop().then(() => (stopped = true));
      await sleep(50);
      expect(stopped).toBe(false);
    } finally {
      release.resolve();
    }
    await t.stop();
    expect(stopped).toBe(true);
    expect(got).toEqual([['a', 'b']]);
    expect(t.status()).toMatchObject({ offset: 4, lines: 2 });
    expect(store.snapshot()[path]?.offset).toBe(4);
    expect(store.flushes).toBe(1);

    await appendFile(path, 'e\n');
    await sleep(QUIET_MS);
    expect(got).toEqual([['a', 'b']]);
    await t.stop();
    expect(() => t.start()).toThrow(/already started or stopped/);
  });
});
