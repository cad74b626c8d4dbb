/**
 * Tails one JSONL file (one record per line) like a log shipper, surviving rotation, truncation and restarts.
 *
 * Reading
 * - The path is polled (stat every `pollIntervalMs` while at end of file), not watched: fs.watch misses
 *   events across rotation and on network filesystems. While the file grows it is read in chunks of
 *   `chunkBytes` without waiting.
 * - Lines are split as described in `line-splitter.ts`: only complete lines (ending in `\n`) are delivered,
 *   `\r\n` is accepted, empty lines are skipped, and lines longer than `maxLineBytes` are skipped and reported
 *   through `onOversizedLine`.
 *
 * Delivery and offsets
 * - Lines go to `onLines(lines, position)` in batches of at most `maxBatchLines`, in file order. The tailer
 *   awaits each call before reading on, so there is never more than one batch in flight and a slow consumer
 *   slows reading down (back-pressure).
 * - `position.offset` is the byte offset just past the batch's last line. Only when `onLines` resolves is it
 *   committed: counted in `status()` and passed to the offset store. If `onLines` rejects, the error is logged
 *   and the tailer re-reads from the last committed offset after a backoff, so the same lines are offered again
 *   (at-least-once). A consumer that keeps rejecting stalls the file, visible as growing `lagBytes`.
 *
 * Where reading starts
 * - For the first file opened after `start()`, the offset store is asked: if it has a record for the path with
 *   the same device and inode, and the file is at least as long as the recorded offset, reading resumes there.
 *   Otherwise (no record, another file, or a shorter file) the file is read from the beginning, offset 0.
 *   In particular a file seen for the first time is read from its beginning, not from its end.
 * - Every later file (after a rotation, or after the path was removed and created again) is read from offset 0.
 *
 * Rotation and truncation
 * - Rename rotation: when, at end of file, the path names another file (or no file), the old file is kept open
 *   for `rotateWaitMs` more and read to its end through the open descriptor (so lines written just before or
 *   shortly after the rename are not lost); then it is closed and the file now at the path is read from
 *   offset 0. A final line of the old file without a newline is dropped with a warning.
 * - Copy-truncate: when the open file becomes shorter than the read position, reading restarts at offset 0
 *   (logged). Lines written between the copy and the truncation are lost (inherent to copy-truncate), and if
 *   the file grows past the old position between two polls, or while the exporter is down, the truncation
 *   goes unnoticed and reading continues from the old position.
 * - A missing path is waited for: one info message, then quiet polling.
 *
 * Limits
 * - Only the configured path is followed. Anything written to a rotated file after `rotateWaitMs`, or after
 *   the exporter stopped, is not read. If the file rotates while the exporter is down, the unread tail of the
 *   old file is not read and the new file is read from the beginning; if it rotates twice, the file in between
 *   is missed entirely. The same holds for two rotations within one poll interval.
 * - Files are identified by device and inode. If, while the exporter is down, the file is deleted and a new
 *   one created that reuses the inode and is already longer than the saved offset, the new file's first bytes
 *   are skipped.
 * - After a crash (no `stop()`), lines whose commit had not yet been written by the offset store are delivered
 *   again; see `JsonFileOffsetStore`.
 *
 * Errors never escape: I/O errors are logged (repeats of the same error at debug level) and retried with
 * exponential backoff between `retryInitialMs` and `retryMaxMs`.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { DEFAULT_MAX_LINE_BYTES, EMPTY_SPLITTER_STATE, splitChunk, type SplitterState } from './line-splitter.js';
import { noopLogger, type OffsetStore, type SourceLogger } from './offset-store.js';

export type { SourceLogger } from './offset-store.js';

/** A position in a tailed file. `dev` and `inode` are decimal strings (inode numbers can exceed 2^53). */
export interface LinePosition {
  dev: string;
  inode: string;
  /** Byte offset just past the last delivered line. */
  offset: number;
}

export interface OversizedLineInfo {
  path: string;
  inode: string;
  /** Byte offset at which the skipped line starts. */
  offset: number;
  /** Length of the skipped line in bytes, without its line ending. */
  bytes: number;
}

export interface FileTailerOptions {
  path: string;
  store: OffsetStore;
  /** Receives the lines; the tailer waits for the returned promise before reading on. */
  onLines: (lines: string[], position: LinePosition) => Promise<void>;
  /** Called for each skipped oversized line. Without it, such lines are logged as warnings. */
  onOversizedLine?: (info: OversizedLineInfo) => void;
  logger?: SourceLogger;
  /** How often the path is checked while at end of file (default 250 ms). */
  pollIntervalMs?: number;
  /** Bytes read at a time (default 256 KiB). */
  chunkBytes?: number;
  /** Longest line accepted, in bytes without the line ending (default 1 MiB). */
  maxLineBytes?: number;
  /** Most lines per `onLines` call (default 1000). */
  maxBatchLines?: number;
  /** How long a rotated file is still read after the rotation is noticed (default 1000 ms). */
  rotateWaitMs?: number;
  /** First backoff after an error (default 200 ms); doubles up to `retryMaxMs` (default 30 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export interface FileTailerStatus {
  path: string;
  /** Inode of the file being read, or null while waiting for the path to exist. */
  inode: string | null;
  /** Committed offset in that file. */
  offset: number;
  /** Size of that file when last checked. */
  size: number;
  /** `size - offset`: bytes not yet delivered and accepted. */
  lagBytes: number;
  /** Times a new file was switched to after the previous one was rotated away or removed. */
  rotations: number;
  /** Times the file shrank below the read position and was read again from offset 0. */
  truncations: number;
  /** Lines delivered and accepted by the consumer. */
  lines: number;
  /** Lines skipped for being longer than `maxLineBytes`. */
  oversizedLines: number;
}

interface OpenFile {
  fh: FileHandle;
  dev: string;
  inode: string;
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer (got ${value})`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number (got ${value})`);
  return value;
}

/** One tailer per path. `start()` once, `stop()` to finish; a stopped tailer cannot be started again. */
export class FileTailer {
  readonly path: string;
  private readonly store: OffsetStore;
  private readonly onLines: FileTailerOptions['onLines'];
  private readonly onOversizedLine: FileTailerOptions['onOversizedLine'];
  private readonly logger: SourceLogger;
  private readonly pollIntervalMs: number;
  private readonly maxLineBytes: number;
  private readonly maxBatchLines: number;
  private readonly rotateWaitMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly buffer: Buffer;

  private file: OpenFile | undefined;
  /** Next byte to read. */
  private readOffset = 0;
  /** Just past the last line accepted by the consumer (or skipped); always at a line boundary. */
  private committedOffset = 0;
  private splitter: SplitterState = EMPTY_SPLITTER_STATE;
  private size = 0;
  /** Whether a file has been opened since start (later files are read from offset 0). */
  private openedBefore = false;
  /** When the current file was found rotated away or removed (0: not). */
  private rotatedSince = 0;
  private waitingLogged = false;

  private rotations = 0;
  private truncations = 0;
  private lineCount = 0;
  private oversizedCount = 0;

  private errorStreak = 0;
  private lastErrorKey: string | undefined;

  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(options: FileTailerOptions) {
    this.path = options.path;
    this.store = options.store;
    this.onLines = options.onLines;
    this.onOversizedLine = options.onOversizedLine;
    this.logger = options.logger ?? noopLogger;
    this.pollIntervalMs = nonNegative('pollIntervalMs', options.pollIntervalMs ?? 250);
    this.maxLineBytes = positiveInt('maxLineBytes', options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.maxBatchLines = positiveInt('maxBatchLines', options.maxBatchLines ?? 1000);
    this.rotateWaitMs = nonNegative('rotateWaitMs', options.rotateWaitMs ?? 1000);
    this.retryInitialMs = nonNegative('retryInitialMs', options.retryInitialMs ?? 200);
    this.retryMaxMs = nonNegative('retryMaxMs', options.retryMaxMs ?? 30_000);
    this.buffer = Buffer.alloc(positiveInt('chunkBytes', options.chunkBytes ?? 256 * 1024));
  }

  /** Starts tailing in the background. */
  start(): void {
    if (this.loop || this.stopping) throw new Error(`tailer for ${this.path} was already started or stopped`);
    this.loop = this.run();
  }

  /**
   * Stops after the batch in flight (if any) has been accepted and committed, flushes the offset store and
   * closes the file. Resolves when all that is done; never rejects. If the consumer never settles its promise,
   * this never resolves either.
   */
  stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    return this.loop ?? Promise.resolve();
  }

  status(): FileTailerStatus {
    return {
      path: this.path,
      inode: this.file?.inode ?? null,
      offset: this.committedOffset,
      size: this.size,
      lagBytes: Math.max(0, this.size - this.committedOffset),
      rotations: this.rotations,
      truncations: this.truncations,
      lines: this.lineCount,
      oversizedLines: this.oversizedCount,
    };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let busy: boolean;
      try {
        busy = this.file ? await this.step(this.file) : await this.openPath();
        this.recovered();
      } catch (err) {
        this.failed(err);
        // Start again from the last committed line; the remainder of the failed chunk is read again.
        this.readOffset = this.committedOffset;
        this.splitter = EMPTY_SPLITTER_STATE;
        await this.sleep(Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(this.errorStreak - 1, 20)));
        continue;
      }
      if (!busy) await this.sleep(this.pollIntervalMs);
    }
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    if (this.file) {
      const { fh } = this.file;
      try {
        await fh.close();
      } catch (err) {
        this.logger.warn({ path: this.path, err }, 'error closing tailed file');
      }
    }
    try {
      await this.store.flush();
    } catch (err) {
      this.logger.error({ path: this.path, err }, 'could not save offsets on stop; lines since the last save will be read again');
    }
  }

  /** Opens the path if it exists. Returns whether a file was opened. */
  private async openPath(): Promise<boolean> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') {
        if (!this.waitingLogged) {
          this.waitingLogged = true;
          this.logger.info({ path: this.path }, 'file does not exist yet; waiting for it to be created');
        }
        return false;
      }
      throw err;
    }
    let file: OpenFile;
    let size: number;
    let offset = 0;
    let reason: string;
    try {
      const st = await fh.stat({ bigint: true });
      file = { fh, dev: st.dev.toString(), inode: st.ino.toString() };
      size = Number(st.size);
      if (this.openedBefore) {
        reason = 'new file after rotation; reading from the beginning';
      } else {
        const saved = await this.store.get(this.path);
        if (!saved) {
          reason = 'no saved offset; reading from the beginning';
        } else if (saved.dev !== file.dev || saved.inode !== file.inode) {
          reason = 'saved offset belongs to another file (rotated or replaced); reading from the beginning';
        } else if (saved.offset > size) {
          reason = 'file is shorter than the saved offset (truncated); reading from the beginning';
        } else {
          offset = saved.offset;
          reason = 'resuming from the saved offset';
        }
      }
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
    if (this.openedBefore) this.rotations++;
    this.openedBefore = true;
    this.waitingLogged = false;
    this.file = file;
    this.size = size;
    this.readOffset = offset;
    this.committedOffset = offset;
    this.splitter = EMPTY_SPLITTER_STATE;
    this.rotatedSince = 0;
    this.logger.info({ path: this.path, inode: file.inode, offset, size }, `tailing file: ${reason}`);
    return true;
  }

  /** One read, or one check at end of file. Returns whether there may be more to do right away. */
  private async step(file: OpenFile): Promise<boolean> {
    const size = Number((await file.fh.stat({ bigint: true })).size);
    this.size = size;
    if (size < this.readOffset) {
      this.truncated(file, size);
      return true;
    }
    if (size > this.readOffset) {
      await this.readChunk(file, Math.min(this.buffer.length, size - this.readOffset));
      return true;
    }
    // At end of file: is the path still this file?
    if (await this.pathIsFile(file)) {
      this.rotatedSince = 0;
      return false;
    }
    const now = Date.now();
    if (this.rotatedSince === 0) {
      this.rotatedSince = now;
      this.logger.info(
        { path: this.path, inode: file.inode, rotateWaitMs: this.rotateWaitMs },
        'file was rotated or removed; reading the old file to its end before switching',
      );
    }
    if (now - this.rotatedSince < this.rotateWaitMs) return false;
    await this.closeRotated(file);
    return true;
  }

  private async pathIsFile(file: OpenFile): Promise<boolean> {
    try {
      const st = await stat(this.path, { bigint: true });
      return st.dev.toString() === file.dev && st.ino.toString() === file.inode;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  private async closeRotated(file: OpenFile): Promise<void> {
    if (this.splitter.pendingBytes > 0) {
      this.logger.warn(
        { path: this.path, inode: file.inode, offset: this.committedOffset, bytes: this.splitter.pendingBytes },
        'rotated file ends with an incomplete line (no newline); dropping it',
      );
    }
    this.file = undefined;
    this.splitter = EMPTY_SPLITTER_STATE;
    try {
      await file.fh.close();
    } catch (err) {
      this.logger.warn({ path: this.path, err }, 'error closing rotated file');
    }
  }

  private truncated(file: OpenFile, size: number): void {
    this.truncations++;
    this.logger.info(
      { path: this.path, inode: file.inode, size, offset: this.readOffset, droppedPartialBytes: this.splitter.pendingBytes },
      'file was truncated (copy-truncate rotation?); reading it again from offset 0',
    );
    this.readOffset = 0;
    this.splitter = EMPTY_SPLITTER_STATE;
    this.commit(file, 0, 0);
  }

  private async readChunk(file: OpenFile, length: number): Promise<void> {
    const chunkStart = this.readOffset;
    const { bytesRead } = await file.fh.read(this.buffer, 0, length, chunkStart);
    if (bytesRead === 0) return;
    const result = splitChunk(this.splitter, this.buffer.subarray(0, bytesRead), this.maxLineBytes);
    this.splitter = result.state;
    this.readOffset = chunkStart + bytesRead;

    for (const skipped of result.oversized) {
      this.oversizedCount++;
      this.reportOversized({ path: this.path, inode: file.inode, offset: chunkStart + skipped.start, bytes: skipped.bytes });
    }

    const { lines, ends } = result;
    for (let i = 0; i < lines.length; i += this.maxBatchLines) {
      if (this.stopping) return;
      const last = Math.min(lines.length, i + this.maxBatchLines);
      const isFinal = last === lines.length;
      // The last batch also covers skipped lines after it, up to the chunk's last newline.
      const end = chunkStart + (isFinal ? result.consumed : (ends[last - 1] as number));
      const batch = lines.slice(i, last);
      await this.onLines(batch, { dev: file.dev, inode: file.inode, offset: end });
      this.commit(file, end, batch.length);
    }
    if (lines.length === 0 && result.consumed > 0) {
      // Only skipped lines: nothing to deliver, but no reason to read them again either.
      this.commit(file, chunkStart + result.consumed, 0);
    }
  }

  private reportOversized(info: OversizedLineInfo): void {
    if (!this.onOversizedLine) {
      this.logger.warn({ ...info, maxLineBytes: this.maxLineBytes }, 'skipping a line longer than maxLineBytes');
      return;
    }
    try {
      this.onOversizedLine(info);
    } catch (err) {
      this.logger.error({ path: this.path, err }, 'onOversizedLine callback threw');
    }
  }

  private commit(file: OpenFile, offset: number, lines: number): void {
    this.committedOffset = offset;
    this.lineCount += lines;
    this.store.set(this.path, { dev: file.dev, inode: file.inode, offset });
  }

  private failed(err: unknown): void {
    this.errorStreak++;
    const key = `${errnoCode(err) ?? ''}:${err instanceof Error ? err.message : String(err)}`;
    const context = { path: this.path, err, attempt: this.errorStreak, offset: this.committedOffset };
    if (key === this.lastErrorKey) {
      this.logger.debug(context, 'tailing still failing; retrying');
    } else {
      this.lastErrorKey = key;
      this.logger.error(context, 'tailing failed (reading the file or delivering lines); retrying with backoff');
    }
  }

  private recovered(): void {
    if (this.errorStreak === 0) return;
    this.logger.info({ path: this.path, attempts: this.errorStreak }, 'tailing recovered after errors');
    this.errorStreak = 0;
    this.lastErrorKey = undefined;
  }

  /** Waits `ms`, or less if `stop()` is called. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
