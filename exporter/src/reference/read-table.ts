/**
 * Streams the rows of a reference data file (CSV with a header row, or NDJSON) to a callback,
 * reporting progress for large files. Rows arrive as plain objects keyed by column name. NDJSON rows may
 * be flat (`{"temp_max": 12.8, ...}`) or in the ingest record shape (`{"features": {...}, "prediction": ...}`),
 * which is flattened so the same file can serve as reference and as replayed traffic.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse';

export type Row = Record<string, unknown>;

export interface ReadProgress {
  rows: number;
  bytes: number;
  totalBytes: number;
}

export interface ReadTableOptions {
  format: 'csv' | 'ndjson';
  onRow: (row: Row, index: number) => void;
  onProgress?: (p: ReadProgress) => void;
  /** Minimum time between progress callbacks. */
  progressIntervalMs?: number;
}

export class ReferenceReadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ReferenceReadError';
  }
}

export async function readTable(file: string, opts: ReadTableOptions): Promise<{ rows: number; bytes: number }> {
  let totalBytes: number;
  try {
    totalBytes = (await stat(file)).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReferenceReadError(file, code === 'ENOENT' ? 'reference file not found; check reference.path (relative paths resolve against the config file folder)' : (err as Error).message);
  }
  const interval = opts.progressIntervalMs ?? 2000;
  let bytes = 0;
  let rows = 0;
  let lastReport = Date.now();
  const report = (force: boolean) => {
    if (!opts.onProgress) return;
    const now = Date.now();
    if (force || now - lastReport >= interval) {
      lastReport = now;
      opts.onProgress({ rows, bytes, totalBytes });
    }
  };
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  if (opts.format === 'csv') {
    const parser = input.pipe(
      parse({ columns: true, bom: true, skip_empty_lines: true, relax_quotes: false, cast: false, trim: false }),
    );
    try {
      for await (const record of parser as AsyncIterable<Row>) {
        opts.onRow(record, rows);
        rows++;
        if ((rows & 0x3fff) === 0) report(false);
      }
    } catch (err) {
      input.destroy();
      throw new ReferenceReadError(file, `CSV parse error: ${(err as Error).message}`);
    }
  } else {
    let rest = '';
    let lineNo = 0;
    const handleLine = (line: string) => {
      lineNo++;
      const trimmed = line.trim();
      if (trimmed.length === 0) return;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch (err) {
        throw new ReferenceReadError(file, `line ${lineNo}: invalid JSON (${(err as Error).message})`);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ReferenceReadError(file, `line ${lineNo}: expected a JSON object per line`);
      }
      opts.onRow(flattenRecord(value as Row), rows);
      rows++;
      if ((rows & 0x3fff) === 0) report(false);
    };
    input.setEncoding('utf8');
    try {
      for await (const chunk of input as AsyncIterable<string>) {
        const text = rest + chunk;
        let start = 0;
        let nl: number;
        while ((nl = text.indexOf('\n', start)) !== -1) {
          handleLine(text.slice(start, nl));
          start = nl + 1;
        }
        rest = text.slice(start);
      }
      if (rest.length > 0) handleLine(rest);
    } finally {
      input.destroy();
    }
  }
  report(true);
  return { rows, bytes: totalBytes };
}

/** `{features: {a: 1}, prediction: "x", label: "y"}` → `{a: 1, prediction: "x", label: "y"}`. */
export function flattenRecord(row: Row): Row {
  const features = row.features;
  if (features === null || typeof features !== 'object' || Array.isArray(features)) return row;
  const flat: Row = {};
  for (const [k, v] of Object.entries(row)) if (k !== 'features') flat[k] = v;
  for (const [k, v] of Object.entries(features as Row)) flat[k] = v;
  return flat;
}
