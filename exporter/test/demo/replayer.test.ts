import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRetryAfter, startReplayer, toNdjson, type Replayer, type ReplayerLogger } from '../../src/demo/replayer.js';
import type { DemoLabelRecord, DemoPredictionRecord } from '../../src/demo/traffic.js';
import { demoWeatherModel } from '../../src/demo/weather.js';

interface Received {
  path: string;
  contentType: string | undefined;
  body: string;
  /** Date.now() when the whole body had arrived. */
  at: number;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

interface TestServer {
  url: string;
  received: Received[];
  maxInFlight: number;
  close(): Promise<void>;
}

/** A local exporter stand-in: records every request and answers with `reply` (default: 200 with the record counts). */
async function startServer(reply?: (req: Received, index: number) => Reply | undefined): Promise<TestServer> {
  const received: Received[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server: Server = createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Received = {
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(entry);
      const lines = entry.body.split('\n').filter((l) => l !== '').length;
      const r = reply?.(entry, received.length - 1) ?? { status: 200, body: JSON.stringify({ accepted: lines, rejected: 0 }) };
      const send = () => {
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
        res.end(r.body ?? '');
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface LogCall {
  level: 'info' | 'warn';
  obj: Record<string, unknown>;
  msg: string | undefined;
  /** Date.now() when logged. */
  at: number;
}

function recordingLogger(): ReplayerLogger & { calls: LogCall[] } {
  const calls: LogCall[] = [];
  return {
    calls,
    info: (obj, msg) => calls.push({ level: 'info', obj: obj as Record<string, unknown>, msg, at: Date.now() }),
    warn: (obj, msg) => calls.push({ level: 'warn', obj: obj as Record<string, unknown>, msg, at: Date.now() }),
  };
}

function parseNdjson<T>(body: string): T[] {
  expect(body.endsWith('\n')).toBe(true);
  return body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Resolves once `condition` holds; fails the test after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function serve(reply?: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(reply);
  cleanups.push(() => server.close());
  return server;
}

function track(replayer: Replayer): Replayer {
  cleanups.push(() => replayer.stop());
  return replayer;
}

describe('helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('100000')).toBe(60_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('writes NDJSON, one object a line', () => {
    expect(toNdjson([{ a: 1 }, { b: 'x\ny' }])).toBe('{"a":1}\n{"b":"x\\ny"}\n');
  });
});

describe('startReplayer', () => {
  beforeAll(async () => {
    // Fit the demo model and load the HTTP client up front, so the timing below measures the replayer.
    demoWeatherModel();
    const server = await startServer();
    await (await fetch(server.url)).text();
    await server.close();
  });

  it('sends NDJSON predictions at about the requested rate, then their labels after the delay', async () => {
    const server = await serve();
    const logger = recordingLogger();
    const replayer = track(
      startReplayer({
        url: server.url + '/',
        ratePerSecond: 200,
        batchSize: 20,
        labelDelaySeconds: 0.5,
        labelShare: 0.9,
        driftAfterSeconds: 0.5,
        driftRampSeconds: 0,
        seed: 1,
        logger,
      }),
    );
    await waitFor(() => server.received.length > 0);
    await sleep(2000);
    await replayer.stop();

    const predictionRequests = server.received.filter((r) => r.path === '/api/v1/predictions');
    const labelRequests = server.received.filter((r) => r.path === '/api/v1/labels');
    expect(server.received.every((r) => r.path === '/api/v1/predictions' || r.path === '/api/v1/labels')).toBe(true);
    expect(server.received.every((r) => r.contentType === 'application/x-ndjson')).toBe(true);

    const batches = predictionRequests.map((r) => ({ records: parseNdjson<DemoPredictionRecord>(r.body), at: r.at }));
    const predictions = batches.flatMap(({ records, at }) => records.map((p) => ({ p, at })));
    expect(Math.max(...batches.map((b) => b.records.length))).toBeLessThanOrEqual(20);
    // Rate, between the first and the last batch: never above what the bucket allows, and not far below it.
    const first = batches[0] as { at: number };
    const windowMs = (batches.at(-1) as { at: number }).at - first.at;
    const afterFirst = predictions.filter(({ at }) => at > first.at).length;
    expect(windowMs).toBeGreaterThan(1500);
    expect(afterFirst).toBeLessThanOrEqual((200 * windowMs) / 1000 + 2 * 20);
    expect(afterFirst).toBeGreaterThan((0.5 * 200 * windowMs) / 1000);
    // Ids run in order without gaps or repeats.
    expect(predictions.map(({ p }) => p.prediction_id)).toEqual(predictions.map((_, i) => `p-${String(i + 1).padStart(6, '0')}`));
    expect(predictions.every(({ p }) => p.model === 'weather' && typeof p.features.temp_max === 'number')).toBe(true);

    // Labels: only for predictions that were sent, each once, never before the delay.
    const predictedAt = new Map(predictions.map(({ p, at }) => [p.prediction_id, at]));
    const labels = labelRequests.flatMap((r) => parseNdjson<DemoLabelRecord>(r.body).map((l) => ({ l, at: r.at })));
    expect(labels.length).toBeGreaterThan(0);
    for (const { l, at } of labels) {
      const sentAt = predictedAt.get(l.prediction_id);
      expect(sentAt, l.prediction_id).toBeDefined();
      expect(at - (sentAt as number)).toBeGreaterThanOrEqual(490);
      expect(l.model).toBe('weather');
    }
    expect(new Set(labels.map(({ l }) => l.prediction_id)).size).toBe(labels.length);
    expect(labels.map(({ l }) => l.prediction_id)).toEqual([...labels.map(({ l }) => l.prediction_id)].sort());

    // The stats agree with what the server saw; labels sent or still waiting are about 90 % of the predictions.
    const stats = replayer.stats();
    expect(stats).toMatchObject({ phase: 'drift', sent: predictions.length, accepted: predictions.length, rejected: 0, dropped: 0 });
    expect(stats.labelsSent).toBe(labels.length);
    expect(stats.labelsAccepted).toBe(labels.length);
    const labelShare = (stats.labelsSent + stats.labelsPending) / predictions.length;
    expect(labelShare).toBeGreaterThan(0.82);
    expect(labelShare).toBeLessThan(0.97);
    expect(logger.calls.filter((c) => c.msg?.startsWith('demo drift started'))).toHaveLength(1);

    // Stopped means stopped.
    const count = server.received.length;
    await sleep(300);
    expect(server.received.length).toBe(count);
    expect(logger.calls.at(-1)?.msg).toBe('demo traffic stopped');
  });

  it('honours Retry-After on 503 and then retries the same batch', async () => {
    const server = await serve((req, i) =>
      i === 0 ? { status: 503, headers: { 'retry-after': '1' }, body: '{"error":"busy"}' } : undefined,
    );
    const logger = recordingLogger();
    const replayer = track(startReplayer({ url: server.url, ratePerSecond: 100, batchSize: 10, labelDelaySeconds: 30, seed: 2, logger }));
    await waitFor(() => server.received.length >= 2);
    await replayer.stop();

    const [first, second] = server.received as [Received, Received];
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(second.body).toBe(first.body);
    const warnings = logger.calls.filter((c) => c.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.obj).toMatchObject({ kind: 'predictions', status: 503, attempt: 1, retryInMs: 1000 });
    expect(replayer.stats()).toMatchObject({ failedRequests: 1, dropped: 0 });
  });

  it('keeps one request in flight and batches bounded when the server is slow', async () => {
    // The server takes 300 ms a request, accepts one record of each and rejects the rest.
    const server = await serve((req) => {
      const lines = req.body.split('\n').filter((l) => l !== '').length;
      return { status: 200, delayMs: 300, body: JSON.stringify({ accepted: 1, rejected: lines - 1 }) };
    });
    const replayer = track(startReplayer({ url: server.url, ratePerSecond: 2000, batchSize: 50, seed: 3, logger: recordingLogger() }));
    await waitFor(() => server.received.length >= 4);
    await replayer.stop();
    expect(server.maxInFlight).toBe(1);
    const sizes = server.received.map((r) => parseNdjson(r.body).length);
    // Nothing queues up while waiting: every request is at most one batch.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    const stats = replayer.stats();
    expect(stats.sent).toBe(sizes.reduce((a, b) => a + b, 0));
    // The server's own per-record counts are used.
    expect(stats.accepted).toBe(server.received.length);
    expect(stats.rejected).toBe(stats.sent - server.received.length);
  });

  it('counts a refused request as rejected without retrying it, and sends no labels for it', async () => {
    const server = await serve(() => ({ status: 400, body: '{"error":"bad"}' }));
    const logger = recordingLogger();
    const replayer = track(
      startReplayer({ url: server.url, ratePerSecond: 100, batchSize: 20, labelDelaySeconds: 0.1, seed: 4, logger }),
    );
    await waitFor(() => server.received.length >= 3);
    await sleep(200); // past the label delay
    await replayer.stop();
    const bodies = server.received.map((r) => r.body);
    expect(new Set(bodies).size).toBe(bodies.length); // no retries
    expect(server.received.every((r) => r.path === '/api/v1/predictions')).toBe(true);
    const stats = replayer.stats();
    expect(stats.accepted).toBe(0);
    expect(stats.rejected).toBe(stats.sent);
    expect(stats.labelsPending + stats.labelsSent).toBe(0);
    expect(logger.calls.some((c) => c.level === 'warn' && c.obj.status === 400)).toBe(true);
  });

  it('backs off exponentially when the exporter is unreachable, and still stops promptly', async () => {
    const server = await startServer();
    const url = server.url;
    await server.close(); // nothing listens on this port any more
    const logger = recordingLogger();
    const replayer = track(startReplayer({ url, ratePerSecond: 100, batchSize: 10, seed: 5, logger }));
    await waitFor(() => logger.calls.filter((c) => c.level === 'warn').length >= 3);
    const stopStarted = Date.now();
    await replayer.stop(); // in the middle of a 2 s backoff
    expect(Date.now() - stopStarted).toBeLessThan(500);
    const warnings = logger.calls.filter((c) => c.level === 'warn');
    expect(warnings.map((w) => w.obj.retryInMs)).toEqual([500, 1000, 2000]);
    expect(warnings.map((w) => w.obj.attempt)).toEqual([1, 2, 3]);
    // The attempts really were that far apart.
    expect((warnings[1] as LogCall).at - (warnings[0] as LogCall).at).toBeGreaterThanOrEqual(490);
    expect((warnings[2] as LogCall).at - (warnings[1] as LogCall).at).toBeGreaterThanOrEqual(990);
    expect(replayer.stats()).toMatchObject({ sent: 0, failedRequests: 3 });
  });

  it('stops when its signal is aborted, with a pino logger', async () => {
    const server = await serve();
    const controller = new AbortController();
    const replayer = track(
      startReplayer({ url: server.url, ratePerSecond: 100, batchSize: 10, seed: 6, logger: pino({ level: 'silent' }), signal: controller.signal }),
    );
    await waitFor(() => server.received.length > 0);
    controller.abort();
    await replayer.stop();
    const count = server.received.length;
    await sleep(250);
    expect(server.received.length).toBe(count);
  });
});
