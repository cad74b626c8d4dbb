/**
 * Predictions waiting for their ground-truth label, and labels that arrived before their prediction,
 * joined by (model, prediction_id). Embedded and persistent: every change is appended to a journal file
 * (one JSON object per line) before the ingest call returns, and the journal is replayed on start-up and
 * compacted when it grows, so a restart (or a killed process) loses no pending join. Bounded by a TTL
 * and a size cap per side; what leaves without a join is counted by side, never silently dropped.
 *
 * Semantics:
 * - one prediction id may carry several predictions (different model versions or roles: champion,
 *   challenger, baseline); a label joins all of them;
 * - a label that arrives first waits (same TTL); another label for the same pending id replaces it (last
 *   write wins; counted as a duplicate);
 * - a label for an id that has already been joined is counted as a duplicate and not applied again
 *   (realized-performance counters are monotonic, so the first join stands).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger.js';

export interface PendingPrediction {
  version: string;
  role: string;
  /** Receipt time (ms): realized metrics are attributed to this time. */
  at: number;
  /** Predicted class (classification) or value (regression). */
  predicted: string | number | null;
  /** Positive-class score (binary classification), if sent. */
  score: number | null;
  /** Feature values kept for concept-drift measures: numeric value or categorical bin index, by layout order. */
  features: number[];
}

export interface PendingLabel {
  label: string | number;
  at: number;
}

export interface JoinedPair {
  model: string;
  id: string;
  prediction: PendingPrediction;
  label: string | number;
  labelAt: number;
}

export type JoinSide = 'prediction' | 'label';

export interface JoinStoreOptions {
  /** Journal file; undefined keeps everything in memory only. */
  file?: string;
  ttlMs: number;
  /** Most pending predictions (and, separately, most pending labels) held. */
  maxPending: number;
  logger: Logger;
  clock?: () => number;
}

type JournalEntry =
  | { o: 'p'; m: string; i: string; p: PendingPrediction }
  | { o: 'l'; m: string; i: string; l: PendingLabel }
  | { o: 'j'; m: string; i: string }
  | { o: 'x'; m: string; i: string; s: JoinSide };

const SEP = '\u0000';

export interface JoinStats {
  pendingPredictions: Map<string, number>;
  expired: Map<string, { prediction: number; label: number }>;
  duplicateLabels: Map<string, number>;
}

export class JoinStore {
  private readonly predictions = new Map<string, PendingPrediction[]>();
  private readonly labels = new Map<string, PendingLabel>();
  /** Recently joined ids (to count late duplicate labels), kept for the TTL. */
  private readonly joined = new Map<string, number>();
  /** Eviction iterators per map (see oldestKey). */
  private readonly cursors = new Map<ReadonlyMap<string, unknown>, Iterator<string>>();
  private fd: number | undefined;
  private journalLines = 0;
  private readonly clock: () => number;
  readonly stats: JoinStats = { pendingPredictions: new Map(), expired: new Map(), duplicateLabels: new Map() };
  private pendingWrites: string[] = [];
  /** Journal rewrites so far (start-up included). */
  compactions = 0;

  constructor(private readonly opts: JoinStoreOptions) {
    this.clock = opts.clock ?? Date.now;
    if (opts.file) this.open(opts.file);
  }

  /** Holds a prediction until its label arrives; returns the joined pair if the label was already here. */
  addPrediction(model: string, id: string, p: PendingPrediction): JoinedPair | undefined {
    const key = model + SEP + id;
    const label = this.labels.get(key);
    if (label) {
      this.labels.delete(key);
      this.markJoined(key, model, id);
      return { model, id, prediction: p, label: label.label, labelAt: label.at };
    }
    if (this.joined.has(key)) {
      // A prediction for an id whose label already joined (e.g. a late shadow prediction): nothing to wait for.
      return undefined;
    }
    let list = this.predictions.get(key);
    if (!list) {
      if (this.predictions.size >= this.opts.maxPending) this.evictOldest('prediction');
      list = [];
      this.predictions.set(key, list);
      this.bump(this.stats.pendingPredictions, model, 1);
    }
    list.push(p);
    this.log({ o: 'p', m: model, i: id, p });
    return undefined;
  }

  /** A label: joins the waiting predictions of its id, or waits for them. */
  addLabel(model: string, id: string, label: PendingLabel): JoinedPair[] {
    const key = model + SEP + id;
    const preds = this.predictions.get(key);
    if (preds) {
      this.predictions.delete(key);
      this.bump(this.stats.pendingPredictions, model, -1);
      this.markJoined(key, model, id);
      return preds.map((prediction) => ({ model, id, prediction, label: label.label, labelAt: label.at }));
    }
    if (this.joined.has(key) || this.labels.has(key)) {
      this.bump(this.stats.duplicateLabels, model, 1);
      if (this.joined.has(key)) return [];
    }
    if (!this.labels.has(key) && this.labels.size >= this.opts.maxPending) this.evictOldest('label');
    this.labels.set(key, label);
    this.log({ o: 'l', m: model, i: id, l: label });
    return [];
  }

  /** Drops what waited longer than the TTL, counting it per side. */
  expire(now = this.clock()): void {
    const cutoff = now - this.opts.ttlMs;
    for (const [key, list] of this.predictions) {
      if ((list[0] as PendingPrediction).at < cutoff) this.drop(key, 'prediction');
    }
    for (const [key, l] of this.labels) {
      if (l.at < cutoff) this.drop(key, 'label');
    }
    for (const [key, at] of this.joined) {
      if (at < cutoff) this.joined.delete(key);
      else break;
    }
    this.flush();
    // Compact when most journal lines are dead; live lines include the remembered joined ids.
    if (this.fd !== undefined && this.journalLines > 2 * (this.predictions.size + this.labels.size + this.joined.size) + 10_000) this.compact();
  }

  /** The predictions still waiting for the label of this id (other versions or roles of the same request). */
  pending(model: string, id: string): readonly PendingPrediction[] | undefined {
    return this.predictions.get(model + SEP + id);
  }

  get pendingPredictionCount(): number {
    return this.predictions.size;
  }

  get pendingLabelCount(): number {
    return this.labels.size;
  }

  /** Writes buffered journal entries to the file (called at the end of each ingest batch). */
  flush(): void {
    if (this.fd === undefined || this.pendingWrites.length === 0) return;
    const text = this.pendingWrites.join('');
    this.pendingWrites = [];
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private drop(key: string, side: JoinSide): void {
    const [model, id] = splitKey(key);
    if (side === 'prediction') {
      this.predictions.delete(key);
      this.bump(this.stats.pendingPredictions, model, -1);
    } else {
      this.labels.delete(key);
    }
    const e = this.stats.expired.get(model) ?? { prediction: 0, label: 0 };
    e[side]++;
    this.stats.expired.set(model, e);
    this.log({ o: 'x', m: model, i: id, s: side });
  }

  private evictOldest(side: JoinSide): void {
    const first = this.oldestKey(side === 'prediction' ? this.predictions : this.labels);
    if (first !== undefined) this.drop(first, side);
  }

  /**
   * The oldest key of a map the caller then deletes, from an iterator kept between calls. `map.keys().next()`
   * walks over every entry deleted from the front since V8 last compacted the map, so at the cap each eviction
   * cost time proportional to the evictions before it. Keys before the iterator's position have all been
   * returned and deleted, and a re-inserted key moves to the end, so the next key is always the oldest live one.
   */
  private oldestKey(map: ReadonlyMap<string, unknown>): string | undefined {
    let it = this.cursors.get(map);
    let next = it?.next();
    if (!next || next.done) {
      it = map.keys();
      this.cursors.set(map, it);
      next = it.next();
    }
    return next.done ? undefined : next.value;
  }

  private markJoined(key: string, model: string, id: string): void {
    this.joined.delete(key);
    this.joined.set(key, this.clock());
    if (this.joined.size > this.opts.maxPending) {
      const oldest = this.oldestKey(this.joined);
      if (oldest !== undefined) this.joined.delete(oldest);
    }
    this.log({ o: 'j', m: model, i: id });
  }

  private bump(map: Map<string, number>, model: string, delta: number): void {
    map.set(model, (map.get(model) ?? 0) + delta);
  }

  private log(entry: JournalEntry): void {
    if (this.fd === undefined) return;
    this.pendingWrites.push(JSON.stringify(entry) + '\n');
    this.journalLines++;
  }

  private open(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    let replayed = 0;
    let skipped = 0;
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      for (let n = 0; n < lines.length; n++) {
        const line = lines[n] as string;
        if (line.length === 0) continue;
        let e: JournalEntry;
        try {
          e = JSON.parse(line) as JournalEntry;
        } catch {
          // A torn last line from a crash mid-write is expected; anything else is reported.
          skipped++;
          if (n < lines.length - 2) this.opts.logger.warn({ file, line: n + 1 }, 'skipping an unreadable label-join journal line');
          continue;
        }
        this.apply(e);
        replayed++;
      }
    }
    this.fd = openSync(file, 'a');
    this.journalLines = replayed;
    this.compact();
    this.opts.logger.info(
      { file, replayed, skipped, pending_predictions: this.predictions.size, pending_labels: this.labels.size },
      'label-join store opened',
    );
  }

  private apply(e: JournalEntry): void {
    const key = e.m + SEP + e.i;
    switch (e.o) {
      case 'p': {
        let list = this.predictions.get(key);
        if (!list) {
          list = [];
          this.predictions.set(key, list);
          this.bump(this.stats.pendingPredictions, e.m, 1);
        }
        list.push(e.p);
        break;
      }
      case 'l':
        this.labels.set(key, e.l);
        break;
      case 'j':
        if (this.predictions.delete(key)) this.bump(this.stats.pendingPredictions, e.m, -1);
        this.labels.delete(key);
        this.joined.set(key, this.clock());
        break;
      case 'x':
        if (e.s === 'prediction') {
          if (this.predictions.delete(key)) this.bump(this.stats.pendingPredictions, e.m, -1);
        } else this.labels.delete(key);
        break;
    }
  }

  /** Rewrites the journal with only the live entries (atomically: temp file, fsync, rename). */
  private compact(): void {
    const file = this.opts.file;
    if (!file || this.fd === undefined) return;
    this.flush();
    const tmp = `${file}.compact`;
    const out = openSync(tmp, 'w');
    let lines = 0;
    const chunk: string[] = [];
    const write = (entry: JournalEntry) => {
      chunk.push(JSON.stringify(entry) + '\n');
      lines++;
      if (chunk.length >= 1000) writeSync(out, chunk.splice(0).join(''));
    };
    for (const [key, list] of this.predictions) {
      const [m, i] = splitKey(key);
      for (const p of list) write({ o: 'p', m, i, p });
    }
    for (const [key, l] of this.labels) {
      const [m, i] = splitKey(key);
      write({ o: 'l', m, i, l });
    }
    for (const key of this.joined.keys()) {
      const [m, i] = splitKey(key);
      write({ o: 'j', m, i });
    }
    if (chunk.length > 0) writeSync(out, chunk.join(''));
    fsyncSync(out);
    closeSync(out);
    closeSync(this.fd);
    renameSync(tmp, file);
    this.fd = openSync(file, 'a');
    this.journalLines = lines;
    this.compactions++;
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(SEP);
  return [key.slice(0, i), key.slice(i + 1)];
}
