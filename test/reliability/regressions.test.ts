/**
 * Bugs the bad-input fuzz test found, each reproduced on its own.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECTION_REASONS } from '../../exporter/src/ingest/rejection.js';
import { samples, startExporter, type ExporterFixture } from '../../exporter/test/support/exporter-fixture.js';

let fx: ExporterFixture;
beforeAll(async () => {
  fx = await startExporter();
});
afterAll(async () => {
  await fx.close();
});

async function rejectedByReason(): Promise<Map<string, number>> {
  const m = samples(await (await fetch(`${fx.url}/metrics`)).text());
  const out = new Map<string, number>();
  for (const [k, v] of m) {
    const r = /^modelwatch_records_rejected_total\{model="",reason="([^"]+)"\}$/.exec(k);
    if (r) out.set(r[1] as string, v);
  }
  return out;
}

describe('a body that cannot be decoded', () => {
  // Found by the fuzz test: such bodies were answered with reason "malformed_request", which is not one of
  // the rejection reasons, while the rejection was counted under "malformed_json".
  it('is answered with the reason it is counted under', async () => {
    const record = JSON.stringify({ model: 'weather', features: { temp: 1 } });
    const cases: [string, Buffer, Record<string, string>, number][] = [
      ['unknown charset', Buffer.from(record), { 'content-type': 'application/json; charset=x-unknown' }, 415],
      ['unknown content encoding', Buffer.from(record), { 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, 415],
      ['gzip header on plain text', Buffer.from(record), { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400],
      ['cut gzip stream', gzipSync(record).subarray(0, 12), { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400],
    ];
    for (const [what, body, headers, status] of cases) {
      const before = await rejectedByReason();
      const res = await fetch(`${fx.url}/api/v1/predictions`, { method: 'POST', body, headers });
      const answer = (await res.json()) as { error: string; reason: string };
      expect(res.status, what).toBe(status);
      expect(REJECTION_REASONS as readonly string[], what).toContain(answer.reason);
      const after = await rejectedByReason();
      expect((after.get(answer.reason) ?? 0) - (before.get(answer.reason) ?? 0), `${what}: counted under the answered reason`).toBe(1);
    }
  });
});
