import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JoinStore, type PendingPrediction } from '../../src/labels/join-store.js';
import { silentLogger } from '../../src/log/logger.js';

let dir: string;
let now = 1_000_000;
const clock = () => now;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'modelwatch-joins-'));
  now = 1_000_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pred = (at: number, version = '1', role = 'champion'): PendingPrediction => ({ version, role, at, predicted: 'rain', score: 0.7, features: [1.5, 2] });
const store = (opts: Partial<{ ttlMs: number; maxPending: number; file: string | undefined }> = {}) =>
  new JoinStore({ file: 'file' in opts ? opts.file : path.join(dir, 'joins.ndjson'), ttlMs: opts.ttlMs ?? 60_000, maxPending: opts.maxPending ?? 100, logger: silentLogger(), clock });

describe('label join store', () => {
  it('joins a label to the waiting predictions of every version and role of its id', () => {
    const s = store();
    expect(s.addPrediction('m', 'p1', pred(now, '1'))).toBeUndefined();
    expect(s.addPrediction('m', 'p1', pred(now, '2', 'challenger'))).toBeUndefined();
    expect(s.pendingPredictionCount).toBe(1);
    const pairs = s.addLabel('m', 'p1', { label: 'sun', at: now + 5000 });
    expect(pairs.map((p) => [p.prediction.version, p.prediction.role, p.label, p.labelAt - p.prediction.at])).toEqual([
      ['1', 'champion', 'sun', 5000],
      ['2', 'challenger', 'sun', 5000],
    ]);
    expect(s.pendingPredictionCount).toBe(0);
    expect(s.stats.pendingPredictions.get('m')).toBe(0);
  });

  it('holds a label that arrives first; a second label for it replaces it and counts as a duplicate', () => {
    const s = store();
    expect(s.addLabel('m', 'p2', { label: 'rain', at: now })).toEqual([]);
    expect(s.addLabel('m', 'p2', { label: 'snow', at: now + 1 })).toEqual([]);
    expect(s.stats.duplicateLabels.get('m')).toBe(1);
    const pair = s.addPrediction('m', 'p2', pred(now + 10));
    expect(pair?.label).toBe('snow');
    // After the join, another label is a duplicate and is not applied again.
    expect(s.addLabel('m', 'p2', { label: 'fog', at: now + 20 })).toEqual([]);
    expect(s.stats.duplicateLabels.get('m')).toBe(2);
    expect(s.pendingLabelCount).toBe(0);
  });

  it('keeps models apart', () => {
    const s = store();
    s.addPrediction('a', 'x', pred(now));
    expect(s.addLabel('b', 'x', { label: 1, at: now })).toEqual([]);
    expect(s.addLabel('a', 'x', { label: 1, at: now })).toHaveLength(1);
  });

  it('expires both sides after the TTL and counts them', () => {
    const s = store({ ttlMs: 1000 });
    s.addPrediction('m', 'old', pred(now));
    s.addLabel('m', 'lonely', { label: 'x', at: now });
    now += 500;
    s.addPrediction('m', 'young', pred(now));
    now += 600;
    s.expire();
    expect(s.stats.expired.get('m')).toEqual({ prediction: 1, label: 1 });
    expect(s.pendingPredictionCount).toBe(1);
    expect(s.addLabel('m', 'old', { label: 'x', at: now })).toEqual([]);
  });

  it('evicts the oldest when full and counts it as expired', () => {
    const s = store({ maxPending: 2 });
    s.addPrediction('m', 'a', pred(now));
    s.addPrediction('m', 'b', pred(now));
    s.addPrediction('m', 'c', pred(now));
    expect(s.pendingPredictionCount).toBe(2);
    expect(s.stats.expired.get('m')?.prediction).toBe(1);
    expect(s.addLabel('m', 'a', { label: 'x', at: now })).toEqual([]);
    expect(s.addLabel('m', 'b', { label: 'x', at: now })).toHaveLength(1);
  });

  it('survives a restart: pending predictions and labels come back from the journal', () => {
    const s = store();
    s.addPrediction('m', 'p1', pred(now));
    s.addPrediction('m', 'p2', pred(now));
    s.addLabel('m', 'early', { label: 'rain', at: now });
    s.addLabel('m', 'p2', { label: 'sun', at: now });
    s.flush();
    // No close(): as after a crash, only what was flushed is on disk.
    const t = store();
    expect(t.pendingPredictionCount).toBe(1);
    expect(t.pendingLabelCount).toBe(1);
    expect(t.addLabel('m', 'p1', { label: 'fog', at: now })[0]?.prediction).toEqual(pred(now));
    expect(t.addPrediction('m', 'early', pred(now))?.label).toBe('rain');
    // p2 joined before the restart: a label for it now is a duplicate, not a new join.
    expect(t.addLabel('m', 'p2', { label: 'x', at: now })).toEqual([]);
    expect(t.stats.duplicateLabels.get('m')).toBe(1);
    t.close();
  });

  it('ignores a torn last journal line and compacts on open', () => {
    const file = path.join(dir, 'joins.ndjson');
    const s = store();
    for (let i = 0; i < 50; i++) s.addPrediction('m', `p${i}`, pred(now));
    for (let i = 0; i < 49; i++) s.addLabel('m', `p${i}`, { label: 'x', at: now });
    s.close();
    appendFileSync(file, '{"o":"p","m":"m","i":"torn"');
    const t = store();
    expect(t.pendingPredictionCount).toBe(1);
    t.close();
    // Compaction keeps only live entries (one prediction, 49 recently joined ids).
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(50);
  });

  it('compacts the journal only when most of it is dead, not on every expiry pass', () => {
    const s = store({ ttlMs: 1000, maxPending: 100_000 });
    expect(s.compactions).toBe(1);
    for (let i = 0; i < 30_000; i++) {
      s.addPrediction('m', `p${i}`, pred(now));
      s.addLabel('m', `p${i}`, { label: 'x', at: now });
    }
    s.expire();
    s.expire();
    // Every line is still live (30,000 remembered joins): nothing to compact.
    expect(s.compactions).toBe(1);
    now += 2000;
    s.expire();
    expect(s.compactions).toBe(2);
    s.expire();
    expect(s.compactions).toBe(2);
    s.close();
  });

  it('works in memory without a file', () => {
    const s = store({ file: undefined });
    s.addPrediction('m', 'p', pred(now));
    expect(s.addLabel('m', 'p', { label: 'x', at: now })).toHaveLength(1);
  });
});
