/**
 * Workload 4: memory. Resident set size (RSS) against records ingested, up to 10 million records over 50
 * features (40 numeric + 10 categorical, plus prediction and score) and 3 windows (5m, 1h, 1d).
 *
 * Runs in a child process with --expose-gc. The exporter's pieces are wired in-process (bench/in-process.mjs)
 * with a simulated clock, so that the 10 million records span one simulated day at a steady rate and every
 * slice of every window (the 1d window included) fills and expires as in production: the state reaches the
 * largest size it can have. Records go through the same path as an HTTP batch (NDJSON text of 1,000 records →
 * parseNdjson → IngestService, with the label join store journaling to a file), every record with a unique
 * prediction_id and no label (the worst case for the join store: every prediction waits, up to its cap).
 * Housekeeping runs every simulated minute as in the exporter (version expiry, join-store expiry and journal
 * compaction). At each checkpoint a full scrape is taken (drift report caches included), then a full GC, then
 * RSS, V8 heap and the sizes of the bounded structures are recorded.
 *
 *   node bench/memory.mjs [--quick] [--records N] [--every K]
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FULL_SIZES, QUICK_SIZES, SEED, WIDE_CATEGORICAL, WIDE_NUMERIC, ensureWorkload, wideRowGenerator } from './gen-workload.mjs';
import { createInProcess, createRegistry } from './in-process.mjs';
import { describeFile } from './drift.mjs';
import { DATA_DIR, header, isMain, loadSnapshot, parseFlags, round, waitForQuiet, writeResult } from './lib.mjs';

const STORAGE = path.join(DATA_DIR, 'storage', 'memory');
const WINDOWS = ['5m', '1h', '1d'];
const DAY_MS = 86_400_000;
const POOL = 20_000;

function configYaml(reference) {
  const features = [...WIDE_NUMERIC.map((f) => `      - {name: ${f}, type: numeric}`), ...WIDE_CATEGORICAL.map((c) => `      - {name: ${c}, type: categorical}`)].join('\n');
  return `models:
  - name: mem
    task: classification
    reference: {path: ${JSON.stringify(reference)}}
    features:
${features}
    prediction_field: prediction
    score_field: score
    windows: [${WINDOWS.join(', ')}]
storage: {path: ${JSON.stringify(STORAGE)}}
`;
}

// -------------------------------------------------------------------------------------------------------------
// Worker

async function worker(flags) {
  const total = Number(flags.records);
  const every = Number(flags.every);
  const reference = flags.reference;
  const started = performance.now();
  const t0 = (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS;
  let now = Date.now();
  const clock = () => now;
  await mkdir(STORAGE, { recursive: true });
  const journal = path.join(STORAGE, 'label-joins.ndjson');
  await rm(journal, { force: true });
  const { m, config, models, ingest, joins } = await createInProcess(configYaml(reference), path.join(STORAGE, 'memory.yml'), { clock, joinFile: journal });
  const { registry } = createRegistry(m, models, ingest, joins, config.drift, clock);
  const model = models.get('mem');

  // A pool of distinct feature objects (as JSON text); each record gets its own id and timestamp-free envelope.
  const next = wideRowGenerator(SEED + 20, false);
  const pool = [];
  for (let i = 0; i < POOL; i++) {
    const r = next();
    pool.push(`"features":${JSON.stringify(r.features)},"prediction":"${r.prediction}","score":${r.score},"latency_ms":${r.latency}}`);
  }

  const gc = globalThis.gc;
  const sample = (records) => {
    gc?.();
    gc?.();
    const mu = process.memoryUsage();
    const state = model.versions.get(model.config.version);
    return {
      records,
      rssMiB: round(mu.rss / 2 ** 20, 5),
      heapUsedMiB: round(mu.heapUsed / 2 ** 20, 5),
      heapTotalMiB: round(mu.heapTotal / 2 ** 20, 5),
      externalMiB: round(mu.external / 2 ** 20, 5),
      arrayBuffersMiB: round(mu.arrayBuffers / 2 ** 20, 5),
      recentIds: model.recentIds.size,
      pendingPredictions: joins?.pendingPredictionCount ?? null,
      windowRecords: state ? state.windows.map((w) => w.snapshot(now).records) : [],
      seconds: round((performance.now() - started) / 1000, 4),
    };
  };

  const curve = [sample(0)];
  process.stderr.write(`  memory: 0 records, RSS ${curve[0].rssMiB.toFixed(0)} MiB\n`);
  let lastHousekeeping = t0;
  now = t0;
  for (let done = 0; done < total; ) {
    const n = Math.min(1000, total - done);
    let text = '';
    for (let k = 0; k < n; k++) {
      const i = done + k;
      text += `${k === 0 ? '' : '\n'}{"model":"mem","prediction_id":"r${i}",${pool[i % POOL]}`;
    }
    now = t0 + Math.floor((done * DAY_MS) / total);
    const r = ingest.ingestPredictions(m.parseNdjson(text), 'bench');
    if (r.accepted !== n) throw new Error(`rejected: ${JSON.stringify(r.errors[0])}`);
    done += n;
    if (now - lastHousekeeping >= 60_000) {
      lastHousekeeping = now;
      model.expireVersions(now);
      joins?.expire(now);
    }
    if (done % every === 0 || done === total) {
      await registry.scrape('prometheus');
      const s = sample(done);
      curve.push(s);
      process.stderr.write(`  memory: ${done.toLocaleString('en')} records, RSS ${s.rssMiB.toFixed(0)} MiB, heap ${s.heapUsedMiB.toFixed(0)} MiB, ids ${s.recentIds}, pending ${s.pendingPredictions}, ${s.seconds.toFixed(0)} s\n`);
    }
  }
  joins?.close();
  return { curve, seconds: round((performance.now() - started) / 1000, 4), simulatedHours: 24, settings: { windowSampleSize: config.windowSampleSize, maxPendingLabels: config.maxPendingLabels } };
}

// -------------------------------------------------------------------------------------------------------------
// The bound, from the configuration (what the state may hold whatever the traffic)

function stateBound(sampleSize) {
  const numeric = WIDE_NUMERIC.length + 1; // + score
  const bins = WIDE_NUMERIC.length * 11 + WIDE_CATEGORICAL.length * 13 + 11 + 5; // numeric 10+missing, categorical 10+3, score, prediction
  const slices = 60;
  const capacity = Math.min(sampleSize, Math.ceil((4 * sampleSize) / slices));
  const perSlice = bins * 8 + numeric * (6 * 8 + capacity * 8);
  return { slicesPerWindow: slices, reservoirCapacity: capacity, bytesPerSlice: perSlice, windowsMiB: round((WINDOWS.length * slices * perSlice) / 2 ** 20, 4) };
}

function runWorker(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname, '--worker', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => (out += c));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`memory worker exited with ${code}`))));
  });
}

export async function run({ quick = false, records, every, log = console.error } = {}) {
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  records ??= quick ? 1_000_000 : 10_000_000;
  every ??= quick ? 100_000 : 500_000;
  const files = await ensureWorkload(sizes, { kinds: ['wide'] });
  await mkdir(STORAGE, { recursive: true });
  for (const name of await readdir(STORAGE)) if (name !== 'profiles') await rm(path.join(STORAGE, name), { recursive: true, force: true });
  await writeFile(path.join(STORAGE, 'memory.yml'), configYaml(files.wide.path));
  const result = {
    ...header('memory', quick),
    data: { reference: describeFile(files.wide), features: WIDE_NUMERIC.length + WIDE_CATEGORICAL.length, windows: WINDOWS, records, checkpointEvery: every, distinctFeatureRows: POOL },
  };
  result.loadBefore = await waitForQuiet({ log });
  const w = await runWorker(['--records', String(records), '--every', String(every), '--reference', files.wide.path]);
  await rm(path.join(STORAGE, 'label-joins.ndjson'), { force: true }); // hundreds of MB, not needed afterwards
  result.loadAfter = await loadSnapshot();
  result.seconds = w.seconds;
  result.settings = w.settings;
  result.curve = w.curve;
  result.stateBound = stateBound(w.settings.windowSampleSize);
  const tail = w.curve.filter((c) => c.records >= records / 2);
  const max = Math.max(...w.curve.map((c) => c.rssMiB));
  result.summary = {
    rssMaxMiB: max,
    rssAtEndMiB: w.curve[w.curve.length - 1].rssMiB,
    rssSecondHalfMinMiB: Math.min(...tail.map((c) => c.rssMiB)),
    rssSecondHalfMaxMiB: Math.max(...tail.map((c) => c.rssMiB)),
    heapUsedMaxMiB: Math.max(...w.curve.map((c) => c.heapUsedMiB)),
    recordsPerS: round(records / w.seconds, 4),
  };
  return result;
}

if (isMain(import.meta.url)) {
  const flags = parseFlags();
  if (flags.worker) {
    process.stdout.write(JSON.stringify(await worker(flags)));
  } else {
    const result = await run({ quick: Boolean(flags.quick), records: flags.records ? Number(flags.records) : undefined, every: flags.every ? Number(flags.every) : undefined });
    const file = await writeResult('memory', result, { quick: Boolean(flags.quick) });
    console.error(`wrote ${file}`);
  }
}
