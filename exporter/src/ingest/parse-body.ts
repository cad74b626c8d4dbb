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

export function parseBody(text: string, contentType: string | undefined): BodyItem[] {
  const ndjson = contentType !== undefined && /ndjson|jsonl|jsonlines|x-json-stream/i.test(contentType);
  if (!ndjson) {
    const trimmed = text.trim();
    if (trimmed.length === 0) return [{ index: 0, error: 'empty body: send a JSON object, a JSON array or NDJSON' }];
    try {
      const value: unknown = JSON.parse(trimmed);
      if (Array.isArray(value)) return value.map((v, index) => ({ index, value: v }));
      return [{ index: 0, value }];
    } catch (err) {
      // Several JSON lines sent as application/json: read them as NDJSON rather than refusing all of them.
      if (!trimmed.includes('\n')) return [{ index: 0, error: `malformed JSON: ${(err as Error).message}` }];
    }
  }
  return parseNdjson(text);
}

export function parseNdjson(text: string): BodyItem[] {
  const items: BodyItem[] = [];
  let index = 0;
  let start = 0;
  while (start <= text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    const line = text.slice(start, nl).trim();
    start = nl + 1;
    if (line.length === 0) continue;
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
