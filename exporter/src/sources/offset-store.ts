/**
 * Where tailed files' committed read positions are kept between runs.
 *
 * A record says: in the file at `path`, identified by `dev` + `inode`, every line ending at or before byte
 * `offset` has been handed to the consumer and accepted. `dev` and `inode` are decimal strings because inode
 * numbers can exceed 2^53 on some filesystems.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Logger shape used by the file sources; a pino logger fits it (context object first, then the message). */
export interface SourceLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

export const noopLogger: SourceLogger = Object.freeze({
  info() {},
  warn() {},
  error() {},
  debug() {},
});

export interface OffsetRecord {
  dev: string;
  inode: string;
  offset: number;
}

export interface OffsetStore {
  /** The record last set for `path`, if any (for a persistent store: as loaded at start, then as set). */
  get(path: string): Promise<OffsetRecord | undefined>;
  /** Records a committed position. Cheap: a persistent store writes it out later (see `flush`). */
  set(path: string, record: OffsetRecord): void;
  /** Resolves once everything set so far is durably stored; rejects if that failed. */
  flush(): Promise<void>;
}

function copyRecord(r: OffsetRecord): OffsetRecord {
  return { dev: r.dev, inode: r.inode, offset: r.offset };
}

/** Keeps records in memory only; for tests and for running without persisted offsets. */
export class MemoryOffsetStore implements OffsetStore {
  private readonly records = new Map<string, OffsetRecord>();
  /** How many times `flush()` was called. */
  flushes = 0;

  constructor(initial: Record<string, OffsetRecord> = {}) {
    for (const [path, record] of Object.entries(initial)) this.records.set(path, copyRecord(record));
  }

  async get(path: string): Promise<OffsetRecord | undefined> {
    const r = this.records.get(path);
    return r && copyRecord(r);
  }

  set(path: string, record: OffsetRecord): void {
    this.records.set(path, copyRecord(record));
  }

  async flush(): Promise<void> {
    this.flushes++;
  }

  /** Current records by path. */
  snapshot(): Record<string, OffsetRecord> {
    const out: Record<string, OffsetRecord> = {};
    for (const [path, r] of this.records) out[path] = copyRecord(r);
    return out;
  }
}

export interface JsonFileOffsetStoreOptions {
  logger?: SourceLogger;
  /** Minimum time between two writes of the file caused by `set` (default 250 ms). `flush` writes at once. */
  minWriteIntervalMs?: number;
  /** Longest wait before retrying a failed write (default 30 s; retries start at `minWriteIntervalMs`). */
  maxRetryDelayMs?: number;
}

export const OFFSET_FILE_VERSION = 1;

/** File layout: `{ "version": 1, "files": { "<tailed path>": { "dev": "…", "inode": "…", "offset": 123 } } }`. */
interface OffsetFileContent {
  version: number;
  files: Record<string, OffsetRecord>;
}

function parseOffsetFile(text: string): Map<string, OffsetRecord> | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object';
  const { version, files } = data as Partial<OffsetFileContent>;
  if (version !== OFFSET_FILE_VERSION) return `unsupported version ${JSON.stringify(version)} (expected ${OFFSET_FILE_VERSION})`;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return '"files" is not an object';
  const out = new Map<string, OffsetRecord>();
  for (const [path, r] of Object.entries(files as Record<string, unknown>)) {
    const rec = r as Partial<OffsetRecord> | null;
    if (
      typeof rec !== 'object' ||
      rec === null ||
      typeof rec.dev !== 'string' ||
      typeof rec.inode !== 'string' ||
      typeof rec.offset !== 'number' ||
      !Number.isSafeInteger(rec.offset) ||
      rec.offset < 0
    ) {
      return `entry for ${JSON.stringify(path)} is not {dev: string, inode: string, offset: non-negative integer}`;
    }
    out.set(path, { dev: rec.dev, inode: rec.inode, offset: rec.offset });
  }
  return out;
}

/**
 * Keeps all records in one JSON file, read once at start and rewritten atomically (temporary file in the same
 * directory, fsync, rename, fsync of the directory where the platform allows it).
 *
 * Writes are throttled: after a `set`, the file is written at most once per `minWriteIntervalMs`; `flush()`
 * writes at once. So after a crash, at most the last `minWriteIntervalMs` of commits are lost, and the lines
 * behind them are read again (delivery is at least once).
 *
 * A missing file means no saved offsets. A file that cannot be understood (not JSON, wrong layout) is logged as
 * a warning naming the file, renamed to `<file>.corrupt` so that it can be inspected, and treated as empty:
 * every tailed file is then read from offset 0, so its lines are delivered again. A file that cannot be read at
 * all (for example, permissions) is logged as an error and also treated as empty.
 */
export class JsonFileOffsetStore implements OffsetStore {
  readonly filePath: string;
  private readonly logger: SourceLogger;
  private readonly minWriteIntervalMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly records = new Map<string, OffsetRecord>();
  private loading: Promise<void> | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private lastWriteAt = 0;
  private failures = 0;

  constructor(filePath: string, options: JsonFileOffsetStoreOptions = {}) {
    this.filePath = filePath;
    this.logger = options.logger ?? noopLogger;
    this.minWriteIntervalMs = options.minWriteIntervalMs ?? 250;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  }

  /** Reads the file (once; later calls return the same promise). Never rejects. */
  load(): Promise<void> {
    this.loading ??= this.readRecords();
    return this.loading;
  }

  async get(path: string): Promise<OffsetRecord | undefined> {
    await this.load();
    const r = this.records.get(path);
    return r && copyRecord(r);
  }

  set(path: string, record: OffsetRecord): void {
    this.records.set(path, copyRecord(record));
    this.dirty = true;
    this.schedule();
  }

  async flush(): Promise<void> {
    await this.load();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.write();
  }

  private async readRecords(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        this.logger.debug({ file: this.filePath }, 'no offset file yet; tailed files start from the beginning');
      } else {
        this.logger.error(
          { file: this.filePath, err },
          'cannot read the offset file; tailed files start from offset 0 (lines may be delivered again). Check the file and its permissions.',
        );
      }
      return;
    }
    const parsed = parseOffsetFile(text);
    if (typeof parsed === 'string') {
      const movedTo = `${this.filePath}.corrupt`;
      let moved = true;
      try {
        await rename(this.filePath, movedTo);
      } catch {
        moved = false;
      }
      this.logger.warn(
        { file: this.filePath, reason: parsed, movedTo: moved ? movedTo : undefined },
        moved
          ? `offset file ${this.filePath} is corrupt (${parsed}); it was moved to ${movedTo} and every tailed file is read again from offset 0, so lines may be delivered twice. To resume from the saved offsets instead, stop the exporter, repair ${movedTo} and move it back; otherwise delete ${movedTo}.`
          : `offset file ${this.filePath} is corrupt (${parsed}); every tailed file is read again from offset 0, so lines may be delivered twice. The file will be overwritten with fresh offsets; to resume from the saved ones instead, stop the exporter and repair it now.`,
      );
      return;
    }
    for (const [path, record] of parsed) {
      // Records set before loading finished are newer than the file's.
      if (!this.records.has(path)) this.records.set(path, record);
    }
  }

  private schedule(): void {
    if (this.timer || this.writing || !this.dirty) return;
    const delay =
      this.failures > 0
        ? Math.min(this.maxRetryDelayMs, this.minWriteIntervalMs * 2 ** Math.min(this.failures - 1, 20))
        : Math.max(0, this.lastWriteAt + this.minWriteIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Failures are logged in write(); the next attempt is scheduled there.
      this.write().catch(() => {});
    }, delay);
    // Do not keep the process alive just for this; shutting down calls flush().
    this.timer.unref();
  }

  /** Writes the records if anything changed since the last write; one write at a time. */
  private async write(): Promise<void> {
    while (this.writing) {
      await this.writing.catch(() => {});
    }
    if (!this.dirty) return;
    this.dirty = false;
    const content: OffsetFileContent = { version: OFFSET_FILE_VERSION, files: Object.fromEntries(this.records) };
    const text = `${JSON.stringify(content, null, 2)}\n`;
    const attempt = this.writeAtomically(text);
    this.writing = attempt;
    try {
      await attempt;
      this.lastWriteAt = Date.now();
      if (this.failures > 0) this.logger.info({ file: this.filePath }, 'offset file written again after earlier failures');
      this.failures = 0;
    } catch (err) {
      this.dirty = true;
      this.failures++;
      const log = this.failures === 1 ? this.logger.error : this.logger.debug;
      log.call(this.logger, { file: this.filePath, err, failures: this.failures }, 'cannot write the offset file; will retry');
      throw err;
    } finally {
      this.writing = undefined;
      this.schedule();
    }
  }

  private async writeAtomically(text: string): Promise<void> {
    const dir = dirname(this.filePath);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${basename(this.filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.filePath);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      throw err;
    }
    // Make the rename itself durable. Not possible everywhere (e.g. directories cannot be opened on Windows).
    try {
      const dh = await open(dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch {
      // best effort
    }
  }
}
