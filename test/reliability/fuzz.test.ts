/**
 * Bad input: a seeded fuzz test that throws malformed payloads at both ingest endpoints and at the file source,
 * first at an in-process exporter, then at the real `modelwatch` process (the built exporter, as a user runs it).
 *
 * What must hold (see fuzz-harness.ts for the checks): every answer is JSON with a 2xx/4xx status and comes
 * within a timeout; every bad record is refused with the expected reason and field, every good record of the
 * same batch is accepted; the counters move by exactly the answers' counts; the file source counts every line
 * once; nothing pollutes the built-in prototypes (checked directly in process; in the child through the exact
 * answers to fixed probe requests and a passive watcher preloaded into it, prototype-watch.mjs); the child never
 * exits, stays healthy, and its resident memory stays within a bound.
 *
 * The child runs the built exporter (`npm run build:exporter`, part of `npm test`).
 * Rerun: `FUZZ_SEED=<seed> npx vitest run test/reliability/fuzz.test.ts`. `FUZZ_SCALE` multiplies the number of
 * runs per property (default 1). A failure names the seed and fast-check's shrunk counterexample.
 */
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_REFERENCE_CSV, startExporter, type ExporterFixture } from '../../exporter/test/support/exporter-fixture.js';
import { startExporterProcess, waitFor, type ExporterProcess } from '../support/exporter-process.js';
import {
  appendLines,
  assertNoPollution,
  checkDeltas,
  Expected,
  FUZZ_MODEL_YAML,
  FUZZ_SOURCES_YAML,
  probe,
  PROTOTYPE_WATCH_OPTION,
  prototypeReport,
  request,
  rssBytes,
  scrape,
  sendCase,
  Tally,
  waitForFiles,
  type Target,
} from './fuzz-harness.js';
import { batchArb, bodyArb, fileLineArb, type Endpoint, type FileLine, type RequestCase } from './fuzz-payloads.js';

const DEFAULT_SEED = 20_260_109;
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** Most records per generated batch (at most 100: an answer lists the first 100 rejections). */
const MAX_BATCH = 90;
/** Growth of the child's resident memory over the whole run that is still "bounded". */
const RSS_BOUND_BYTES = 150 * 1024 * 1024;

const tally = new Tally();

async function fuzz<T>(name: string, offset: number, arb: fc.Arbitrary<T>, numRuns: number, body: (value: T) => Promise<void>): Promise<void> {
  const seed = SEED + offset;
  try {
    await fc.assert(fc.asyncProperty(arb, body), { seed, numRuns });
  } catch (err) {
    throw new Error(`fuzz property "${name}" failed (FUZZ_SEED=${SEED}, property seed ${seed}); rerun with FUZZ_SEED=${SEED}\n${(err as Error).message}`, { cause: err });
  }
}

/** After each run: in process, the prototypes are untouched; a child is still running and healthy. */
async function stillWell(target: Target, inProcess: boolean): Promise<void> {
  if (inProcess) assertNoPollution();
  else {
    target.alive();
    expect((await request(`${target.url}/-/healthy`)).status, 'GET /-/healthy').toBe(200);
  }
}

/** One HTTP run: the cases go out concurrently; the answers and the counter deltas are checked. */
async function httpRun(target: Target, cases: RequestCase[], inProcess: boolean): Promise<void> {
  const before = target.last ?? (await scrape(target));
  target.last = undefined;
  const want = new Expected();
  // Settle every request before failing, so that no request of a failed run is counted in the next one.
  const settled = await Promise.allSettled(cases.map((c) => sendCase(target, c, want, tally)));
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  const after = await scrape(target);
  checkDeltas(before, after, want);
  await stillWell(target, inProcess);
  target.last = after;
}

/** One file run: lines appended to both tailed files; the counters are checked once both are read. */
async function fileRun(target: Target, predictions: FileLine[], labels: FileLine[], inProcess: boolean): Promise<void> {
  const before = target.last ?? (await scrape(target));
  target.last = undefined;
  const want = new Expected();
  const appended = [await appendLines(target, 'predictions', predictions, want, tally), await appendLines(target, 'labels', labels, want, tally)];
  const after = await waitForFiles(target, before, appended);
  checkDeltas(before, after, want);
  await stillWell(target, inProcess);
  target.last = after;
}

/** One run's requests: one or two record batches and a few whole-body cases (empty, garbage, oversized, bad encoding). */
const httpCases = (endpoints: Endpoint[]) => {
  const pick = <T>(f: (e: Endpoint) => fc.Arbitrary<T>) => fc.oneof(...endpoints.map(f));
  return fc
    .tuple(fc.array(pick((e) => batchArb(e, MAX_BATCH)), { minLength: 1, maxLength: 2 }), fc.array(pick(bodyArb), { maxLength: 4 }))
    .map(([batches, bodies]): RequestCase[] => [...batches, ...bodies]);
};
const fileCases = fc.record({
  predictions: fc.array(fileLineArb('predictions'), { minLength: 1, maxLength: 400, size: 'max' }),
  labels: fc.array(fileLineArb('labels'), { minLength: 1, maxLength: 200, size: 'max' }),
});

describe('bad input fuzz', { timeout: 300_000 }, () => {
  describe('in-process exporter', () => {
    let fx: ExporterFixture;
    let target: Target;
    let probes: string[];
    beforeAll(async () => {
      fx = await startExporter(FUZZ_SOURCES_YAML);
      target = {
        name: 'in-process',
        url: fx.url,
        predictionsFile: path.join(fx.dir, 'fuzz-predictions.jsonl'),
        labelsFile: path.join(fx.dir, 'fuzz-labels.jsonl'),
        alive: () => {},
      };
      await writeFile(target.predictionsFile, '');
      await writeFile(target.labelsFile, '');
      probes = await probe(target);
    });
    afterAll(async () => {
      await fx?.close();
    });

    it('answers every prediction batch, refuses each bad record with its reason, counts each good one once', async () => {
      await fuzz('HTTP predictions', 1, httpCases(['predictions']), runs(150), (cases) => httpRun(target, cases, true));
    });

    it('does the same for label batches', async () => {
      await fuzz('HTTP labels', 2, httpCases(['labels']), runs(90), (cases) => httpRun(target, cases, true));
    });

    it('counts every line of the tailed files once: good ones as records, bad ones as rejections', async () => {
      await fuzz('file source', 3, fileCases, runs(30), ({ predictions, labels }) => fileRun(target, predictions, labels, true));
    });

    it('answers fixed probe requests exactly as before the fuzzing, and Object.prototype is untouched', async () => {
      assertNoPollution();
      expect(await probe(target)).toEqual(probes);
    });
  });

  describe('modelwatch process', () => {
    let dir: string;
    let proc: ExporterProcess;
    let target: Target;
    let probes: string[];
    let rssStart = 0;
    let rssPeak = 0;
    let sampler: NodeJS.Timeout | undefined;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-fuzz-'));
      await writeFile(path.join(dir, 'reference.csv'), SMALL_REFERENCE_CSV);
      await writeFile(path.join(dir, 'fuzz-predictions.jsonl'), '');
      await writeFile(path.join(dir, 'fuzz-labels.jsonl'), '');
      const config = path.join(dir, 'modelwatch.yml');
      await writeFile(config, `${FUZZ_MODEL_YAML}${FUZZ_SOURCES_YAML}storage: {path: ./state}\n`);
      proc = await startExporterProcess([`--config.file=${config}`], { env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${PROTOTYPE_WATCH_OPTION}`.trim() } });
      const p = proc;
      target = {
        name: 'process',
        url: p.url,
        predictionsFile: path.join(dir, 'fuzz-predictions.jsonl'),
        labelsFile: path.join(dir, 'fuzz-labels.jsonl'),
        alive: () => {
          if (p.child.exitCode !== null || p.child.signalCode !== null) {
            throw new Error(`the exporter process exited (code ${p.child.exitCode}, signal ${p.child.signalCode}); stderr: ${p.stderr().slice(-2000)}`);
          }
        },
      };
      await waitFor('readiness', async () => ((await request(`${p.url}/-/ready`)).status === 200 ? true : undefined));
      probes = await probe(target);
      expect(await prototypeReport(p)).toEqual({ changed: {}, polluted: null });
      rssStart = await rssBytes(p.child.pid as number);
      rssPeak = rssStart;
      sampler = setInterval(() => {
        rssBytes(p.child.pid as number).then(
          (n) => (rssPeak = Math.max(rssPeak, n)),
          () => {},
        );
      }, 250);
    });
    afterAll(async () => {
      if (sampler) clearInterval(sampler);
      await proc?.stop('SIGKILL');
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('survives prediction and label batches with the same answers and counts', async () => {
      await fuzz('process HTTP', 4, httpCases(['predictions', 'labels']), runs(60), (cases) => httpRun(target, cases, false));
    });

    it('survives garbage in its tailed files and counts every line once', async () => {
      await fuzz('process file source', 5, fileCases, runs(8), ({ predictions, labels }) => fileRun(target, predictions, labels, false));
    });

    it('is still alive and healthy, answers the probes exactly as before, and its memory stayed bounded', async () => {
      target.alive();
      const healthy = await request(`${target.url}/-/healthy`);
      expect(healthy.status).toBe(200);
      expect(await probe(target)).toEqual(probes);
      expect(await prototypeReport(proc), 'built-in prototypes of the exporter process').toEqual({ changed: {}, polluted: null });
      const rssEnd = await rssBytes(proc.child.pid as number);
      rssPeak = Math.max(rssPeak, rssEnd);
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      console.log(`exporter process RSS: start ${mb(rssStart)}, peak ${mb(rssPeak)}, end ${mb(rssEnd)}, growth ${mb(rssEnd - rssStart)} (bound ${mb(RSS_BOUND_BYTES)})`);
      expect(rssEnd - rssStart).toBeLessThan(RSS_BOUND_BYTES);
    });
  });

  it('threw at least 10,000 malformed payloads in all', () => {
    console.log(`bad input fuzz, FUZZ_SEED=${SEED}, FUZZ_SCALE=${SCALE}\n${tally.report()}`);
    if (SCALE >= 1) expect(tally.malformed).toBeGreaterThanOrEqual(10_000);
  });
});
