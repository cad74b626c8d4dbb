/**
 * Disk usage of configured paths, two readings per path:
 *
 * - The filesystem holding the path (`statfs`, like `df`): size, free (including blocks reserved for
 *   root) and available (to unprivileged users) bytes. Cheap; refreshed every `statIntervalMs`.
 * - The bytes used by the path itself (like `du -s -x`): allocated blocks (`st_blocks` × 512, so sparse
 *   files count what they occupy) of every file and directory under it, symbolic links not followed,
 *   other mounted filesystems not entered, hard links counted once. This walks the tree, so it is capped at
 *   `maxEntries` entries (a truncated walk is reported once and yields no value rather than a silently
 *   low one) and refreshed only every `walkIntervalMs`.
 *
 * All of this is asynchronous and cached: a scrape only reads the cache. A path whose previous reading is
 * still in flight (a hung network filesystem) is not asked again, so it holds at most one libuv thread.
 */
import { lstat, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';

export interface FsUsage {
  sizeBytes: number;
  freeBytes: number;
  availableBytes: number;
}

/** statfs block counts → bytes. */
export function fsUsageFromStatfs(s: { bsize: number; blocks: number; bfree: number; bavail: number }): FsUsage {
  return { sizeBytes: s.blocks * s.bsize, freeBytes: s.bfree * s.bsize, availableBytes: s.bavail * s.bsize };
}

export async function statFsUsage(path: string): Promise<FsUsage> {
  return fsUsageFromStatfs(await statfs(path));
}

export interface WalkResult {
  /** Allocated bytes (blocks × 512) of everything visited. */
  bytes: number;
  /** Entries visited (the root included). */
  entries: number;
  /** The walk stopped at `maxEntries`; `bytes` is then a lower bound. */
  truncated: boolean;
}

export const DEFAULT_MAX_ENTRIES = 100_000;

/** `du -s -x`-style allocated bytes under `root` (a file or a directory). Throws if `root` is unreadable. */
export async function pathUsage(root: string, maxEntries: number = DEFAULT_MAX_ENTRIES): Promise<WalkResult> {
  const top = await lstat(root);
  const seen = new Set<string>();
  let bytes = 0;
  let entries = 0;
  const count = (s: { blocks: number; nlink: number; dev: number; ino: number }): void => {
    entries++;
    if (s.nlink > 1) {
      const id = `${s.dev}:${s.ino}`;
      if (seen.has(id)) return;
      seen.add(id);
    }
    bytes += s.blocks * 512;
  };
  count(top);
  if (!top.isDirectory()) return { bytes, entries, truncated: false };
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue; // removed or unreadable meanwhile: skipped, as du does
    }
    for (const name of names) {
      if (entries >= maxEntries) return { bytes, entries, truncated: true };
      const p = join(dir, name);
      let s;
      try {
        s = await lstat(p);
      } catch {
        continue;
      }
      if (s.dev !== top.dev) continue;
      count(s);
      if (s.isDirectory()) stack.push(p);
    }
  }
  return { bytes, entries, truncated: false };
}

export interface DiskReading {
  fs?: FsUsage;
  /** Bytes used under the path; absent until a complete walk finished. */
  usedBytes?: number;
}

export interface DiskUsageOptions {
  statIntervalMs?: number;
  walkIntervalMs?: number;
  maxEntries?: number;
  logger?: Logger;
}

interface PathState {
  reading: DiskReading;
  statAt?: number;
  walkAt?: number;
  statRunning?: Promise<void>;
  walkRunning?: Promise<void>;
  /** Problems currently reported for this path, per reading. */
  problems: { stat?: string; walk?: string };
}

export const DEFAULT_STAT_INTERVAL_MS = 15_000;
export const DEFAULT_WALK_INTERVAL_MS = 300_000;

export class DiskUsageCache {
  private readonly states = new Map<string, PathState>();
  private readonly statIntervalMs: number;
  private readonly walkIntervalMs: number;
  private readonly maxEntries: number;
  private readonly logger: Logger | undefined;

  constructor(paths: Iterable<string>, opts: DiskUsageOptions = {}) {
    for (const p of paths) this.states.set(p, { reading: {}, problems: {} });
    this.statIntervalMs = opts.statIntervalMs ?? DEFAULT_STAT_INTERVAL_MS;
    this.walkIntervalMs = opts.walkIntervalMs ?? DEFAULT_WALK_INTERVAL_MS;
    this.maxEntries = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.logger = opts.logger;
  }

  get paths(): string[] {
    return [...this.states.keys()];
  }

  /** The cached reading of a path (empty before the first refresh or when unreadable). */
  get(path: string): DiskReading {
    return this.states.get(path)?.reading ?? {};
  }

  /**
   * Starts the readings that are older than their interval (all of them with `force`) and resolves when
   * those started now have finished. Never rejects.
   */
  async refresh(now: number, force = false): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [path, st] of this.states) {
      if (!st.statRunning && (force || st.statAt === undefined || now - st.statAt >= this.statIntervalMs)) {
        st.statAt = now;
        st.statRunning = statFsUsage(path)
          .then((fs) => {
            st.reading = { ...st.reading, fs };
            this.report(path, st, 'stat', undefined);
          })
          .catch((err: NodeJS.ErrnoException) => {
            const { fs: _dropped, ...rest } = st.reading;
            st.reading = rest;
            this.report(path, st, 'stat', `statfs failed (${err.code ?? err.message})`);
          })
          .finally(() => {
            st.statRunning = undefined;
          });
        waits.push(st.statRunning);
      }
      if (!st.walkRunning && (force || st.walkAt === undefined || now - st.walkAt >= this.walkIntervalMs)) {
        st.walkAt = now;
        st.walkRunning = pathUsage(path, this.maxEntries)
          .then((r) => {
            const { usedBytes: _dropped, ...rest } = st.reading;
            st.reading = r.truncated ? rest : { ...rest, usedBytes: r.bytes };
            this.report(path, st, 'walk', r.truncated ? `more than ${this.maxEntries} entries; used bytes not exported` : undefined);
          })
          .catch((err: NodeJS.ErrnoException) => {
            const { usedBytes: _dropped, ...rest } = st.reading;
            st.reading = rest;
            this.report(path, st, 'walk', `walk failed (${err.code ?? err.message})`);
          })
          .finally(() => {
            st.walkRunning = undefined;
          });
        waits.push(st.walkRunning);
      }
    }
    await Promise.all(waits);
  }

  /** Resolves when every reading in flight has finished. */
  async settled(): Promise<void> {
    const running: Promise<void>[] = [];
    for (const st of this.states.values()) {
      if (st.statRunning) running.push(st.statRunning);
      if (st.walkRunning) running.push(st.walkRunning);
    }
    await Promise.all(running);
  }

  private report(path: string, st: PathState, reading: 'stat' | 'walk', problem: string | undefined): void {
    if (problem === st.problems[reading]) return;
    st.problems[reading] = problem;
    if (problem === undefined) this.logger?.info({ path, reading }, 'disk usage reading works again');
    else this.logger?.warn({ path, reading, problem }, 'disk usage reading failed');
  }
}
