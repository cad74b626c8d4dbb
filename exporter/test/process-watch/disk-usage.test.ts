import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskUsageCache, fsUsageFromStatfs, pathUsage, statFsUsage } from '../../src/process-watch/disk-usage.js';
import { captureLogger } from './helpers.js';

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const MIB = 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'mw-disk-'));
const outside = mkdtempSync(join(tmpdir(), 'mw-disk-outside-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
mkdirSync(join(root, 'a', 'b'), { recursive: true });
writeFileSync(join(root, 'model.bin'), randomBytes(3 * MIB));
writeFileSync(join(root, 'a', 'x.json'), randomBytes(1000));
writeFileSync(join(root, 'a', 'b', 'y.bin'), randomBytes(MIB));
linkSync(join(root, 'model.bin'), join(root, 'a', 'model-link.bin')); // hard link: counted once
writeFileSync(join(outside, 'big.bin'), randomBytes(4 * MIB));
symlinkSync(join(outside, 'big.bin'), join(root, 'big-link')); // not followed

describe('statfs', () => {
  it('converts blocks to bytes', () => {
    expect(fsUsageFromStatfs({ bsize: 4096, blocks: 1000, bfree: 300, bavail: 250 })).toEqual({
      sizeBytes: 4_096_000,
      freeBytes: 1_228_800,
      availableBytes: 1_024_000,
    });
  });

  it.skipIf(!has('df'))('agrees with df', async () => {
    const u = await statFsUsage(root);
    const [size, avail] = execFileSync('df', ['-B1', '--output=size,avail', root], { encoding: 'utf8' }).trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
    expect(u.sizeBytes).toBe(size);
    expect(Math.abs(u.availableBytes - (avail as number))).toBeLessThan(256 * MIB); // other writers meanwhile
    expect(u.availableBytes).toBeLessThanOrEqual(u.freeBytes);
    expect(u.freeBytes).toBeLessThanOrEqual(u.sizeBytes);
  });

  it('rejects for a missing path', async () => {
    await expect(statFsUsage(join(root, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('pathUsage', () => {
  it.skipIf(!has('du'))('agrees with du -s -x', async () => {
    const r = await pathUsage(root);
    const du = Number(execFileSync('du', ['-s', '-x', '-B1', root], { encoding: 'utf8' }).split('\t')[0]);
    expect(r.truncated).toBe(false);
    expect(r.bytes).toBe(du);
    expect(r.bytes).toBeGreaterThanOrEqual(4 * MIB);
    expect(r.bytes).toBeLessThan(5 * MIB); // the hard link once, the 4 MiB behind the symlink not at all
    expect(r.entries).toBe(8); // root, model.bin, a, x.json, b, y.bin, model-link.bin, big-link
  });

  it('a single file', async () => {
    const r = await pathUsage(join(root, 'a', 'b', 'y.bin'));
    expect(r).toEqual({ bytes: expect.any(Number) as number, entries: 1, truncated: false });
    expect(r.bytes).toBeGreaterThanOrEqual(MIB);
  });

  it('stops at the entry cap', async () => {
    const r = await pathUsage(root, 3);
    expect(r.truncated).toBe(true);
    expect(r.entries).toBe(3);
  });
});

describe('DiskUsageCache', () => {
  it('refreshes statfs and the walk on their own intervals', async () => {
    const dir = mkdtempSync(join(root, 'cache-'));
    writeFileSync(join(dir, 'f1'), randomBytes(MIB));
    const cache = new DiskUsageCache([dir], { statIntervalMs: 1000, walkIntervalMs: 60_000 });
    expect(cache.get(dir)).toEqual({});
    await cache.refresh(0);
    const first = cache.get(dir);
    expect(first.fs?.sizeBytes).toBeGreaterThan(0);
    expect(first.usedBytes).toBeGreaterThanOrEqual(MIB);
    writeFileSync(join(dir, 'f2'), randomBytes(2 * MIB));
    await cache.refresh(30_000); // statfs due, walk not
    expect(cache.get(dir).usedBytes).toBe(first.usedBytes);
    await cache.refresh(60_000);
    expect(cache.get(dir).usedBytes).toBeGreaterThanOrEqual((first.usedBytes as number) + 2 * MIB);
  });

  it('exports no used bytes for a truncated walk, and reports problems once', async () => {
    const { logger, lines } = captureLogger();
    const missing = join(root, 'missing');
    const cache = new DiskUsageCache([root, missing], { maxEntries: 3, logger });
    for (let i = 0; i < 3; i++) await cache.refresh(i, true);
    expect(cache.get(root).usedBytes).toBeUndefined();
    expect(cache.get(root).fs).toBeDefined();
    expect(cache.get(missing)).toEqual({});
    const warnings = lines.filter((l) => l.level === 'warn').map((l) => [l.path, l.reading]);
    expect(warnings).toEqual(
      expect.arrayContaining([
        [root, 'walk'],
        [missing, 'stat'],
        [missing, 'walk'],
      ]),
    );
    expect(warnings).toHaveLength(3);
  });
});
