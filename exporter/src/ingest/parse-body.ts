/**
 * Splits an ingest request body into record values. Accepted forms: one JSON object, a JSON array of
 * objects, or NDJSON (one object per line). With NDJSON a malformed line rejects only that line.
 */
export interface BodyItem {
  index: number;
  value?: unknown;
  /** Set when the item could not be parsed. */
  error?: string;
}

/** Thrown when a body holds more records than allowed; the caller answers 413 without building the items. */
export class TooManyRecordsError extends Error {
  constructor(readonly limit: number) {
    super(`the body holds more than ${limit} records (server.max_records_per_request); send smaller batches`);
    this.name = 'TooManyRecordsError';
  }
}

export function parseBody(text: string, contentType: string | undefined, maxRecords = Infinity): BodyItem[] {
  const ndjson = contentType !== undefined && /ndjson|jsonl|jsonlines|x-json-stream/i.test(contentType);
  if (!ndjson) {
    const trimmed = text.trim();
    if (trimmed.length === 0) return [{ index: 0, error: 'empty body: send a JSON object, a JSON array or NDJSON' }];
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(trimmed);
      parsed = true;
    } catch (err) {
      // Several JSON lines sent as application/json: read them as NDJSON rather than refusing all of them.
      if (!trimmed.includes('\n')) return [{ index: 0, error: `malformed JSON: ${(err as Error).message}` }];
    }
    if (parsed) {
      if (!Array.isArray(value)) return [{ index: 0, value }];
      if (value.length > maxRecords) throw new TooManyRecordsError(maxRecords);
      return value.map((v, index) => ({ index, value: v as unknown }));
    }
  }
  return parseNdjson(text, maxRecords);
}

export function parseNdjson(text: string, maxRecords = Infinity): BodyItem[] {
  const items: BodyItem[] = [];
  let index = 0;
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    const line = text.slice(start, nl).trim();
    start = nl + 1;
    if (line.length === 0) continue;
    if (index >= maxRecords) throw new TooManyRecordsError(maxRecords);
    try {
      items.push({ index, value: JSON.parse(line) });
    } catch (err) {
      items.push({ index, error: `malformed JSON on line ${index + 1}: ${(err as Error).message}` });
    }
    index++;
  }
  if (items.length === 0) items.push({ index: 0, error: 'empty body: send a JSON object, a JSON array or NDJSON' });
  return items;
}
