/**
 * Workload 1: ingest. NDJSON prediction records (20 numeric + 5 categorical features, prediction, score,
 * latency, id, timestamp; about 650 bytes each) into one model with 3 windows (5m, 1h, 1d), through
 *   - HTTP: batches of 1,000 records POSTed to /api/v1/predictions of the exporter running as a child process
 *     (`modelwatch --config.file …`), one batch in flight at a time (and, as a second figure, two);
 *   - the file source: the exporter tails a JSONL file holding the same records.
 * During every run `/metrics` is scraped once a second (as Prometheus would, and more often than usual).
 *
 * Ceiling, measured in the same run on the same lines: `JSON.parse` of each line in a tight loop (lines already
 * in memory); also the streaming variant (1 MiB chunks, indexOf('\n'), JSON.parse).
 *
 * Reported: records/s (wall clock) and records per CPU-second of the exporter process (user + system, all its
 * threads: robust against other work on the machine), latency of a 1,000-record batch (p50/p99), scrape times.
 *
 *   node bench/ingest.mjs [--quick] [--reps N]
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { CATEGORICAL, FULL_SIZES, MODEL, NUMERIC, QUICK_SIZES, ensureWorkload } from './gen-workload.mjs';
import { describeFile } from './drift.mjs';
import {
  DATA_DIR,
  header,
  isMain,
  loadSnapshot,
  parseFlags,
  processCpuSeconds,
  processRssBytes,
  quantile,
  request,
  round,
  sampleValue,
  sleep,
  startExporter,
  summary,
  waitForQuiet,
  writeResult,
  formatRate,
} from './lib.mjs';

const BATCH = 1000;
const WINDOWS = '[5m, 1h, 1d]';
const STORAGE = path.join(DATA_DIR, 'storage', 'ingest');

function configYaml(reference, sourceFile) {
  const features = [...NUMERIC.map((f) => `      - {name: ${f}, type: numeric}`), ...CATEGORICAL.map((c) => `      - {name: ${c}, type: categorical}`)];
  return `models:
  - name: ${MODEL}
    task: classification
    reference: {path: ${JSON.stringify(reference)}}
    features:
${features.join('\n')}
    prediction_field: prediction
    score_field: score
    windows: ${WINDOWS}
${sourceFile ? `sources:\n  - {type: file, path: ${JSON.stringify(sourceFile)}}\n` : ''}storage: {path: ${JSON.stringify(STORAGE)}}
`;
}

/** Every run starts from the same state: the cached reference profile only (no offsets, no label journal). */
async function cleanStorage() {
  for (const name of await readdir(STORAGE)) {
    if (name === 'profiles' || name.endsWith('.yml')) continue;
    await rm(path.join(STORAGE, name), { recursive: true, force: true });
  }
}

async function readLines(file) {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// -------------------------------------------------------------------------------------------------------------
// Ceilings

function parseCeiling(lines) {
  let keys = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < lines.length; i++) {
    const v = JSON.parse(lines[i]);
    keys += v.features.f1 === undefined ? 0 : 1;
  }
  const s = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (keys === 0) throw new Error('unexpected records');
  return { seconds: s, recordsPerS: lines.length / s, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function streamingCeiling(file) {
  let n = 0;
  let rest = '';
  const started = performance.now();
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + chunk;
    let start = 0;
    let nl;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      if (JSON.parse(text.slice(start, nl)).features) n++;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  const s = (performance.now() - started) / 1000;
  return { seconds: s, recordsPerS: n / s };
}

// -------------------------------------------------------------------------------------------------------------
// Where the time goes: the ingest path in-process, one stage more at a time, on the same lines

async function ladder(lines, reference, reps) {
  const { createInProcess } = await import('./in-process.mjs');
  const { parseNdjson } = await import('./lib.mjs').then(({ dist }) => dist('ingest/parse-body.js'));
  const { parsePrediction } = await import('./lib.mjs').then(({ dist }) => dist('ingest/parse-records.js'));
  const batches = [];
  for (let i = 0; i < lines.length; i += BATCH) batches.push(lines.slice(i, i + BATCH).join('\n'));
  const yaml = configYaml(reference);
  const configFile = path.join(STORAGE, 'ladder.yml');
  const journal = path.join(STORAGE, 'ladder-joins.ndjson');
  const stages = {
    'JSON.parse per line (ceiling)': async () => () => {
      for (const l of lines) JSON.parse(l);
    },
    'parseNdjson (split, trim, JSON.parse)': async () => () => {
      for (const b of batches) parseNdjson(b);
    },
    '+ parsePrediction (validate, bin)': async () => {
      const { models } = await createInProcess(yaml, configFile);
      return () => {
        for (const b of batches) for (const item of parseNdjson(b)) parsePrediction(item.value, models);
      };
    },
    '+ state update (IngestService, no label joins)': async () => {
      const { ingest } = await createInProcess(yaml, configFile);
      return () => {
        for (const b of batches) ingest.ingestPredictions(parseNdjson(b), 'bench');
      };
    },
    '+ label join store (journal file)': async () => {
      await rm(journal, { force: true });
      const { ingest, joins } = await createInProcess(yaml, configFile, { joinFile: journal });
      return () => {
        for (const b of batches) ingest.ingestPredictions(parseNdjson(b), 'bench');
        joins?.close?.();
      };
    },
  };
  const out = {};
  for (const [name, make] of Object.entries(stages)) {
    const rates = [];
    for (let r = 0; r < reps + 1; r++) {
      const fn = await make();
      const started = performance.now();
      fn();
      const s = (performance.now() - started) / 1000;
      if (r > 0) rates.push(lines.length / s);
    }
    const sum = summary(rates);
    out[name] = { recordsPerS: sum, microsPerRecord: round(1e6 / sum.median, 4) };
  }
  await rm(journal, { force: true });
  return { records: lines.length, stages: out };
}

// -------------------------------------------------------------------------------------------------------------
// Scraping every second

function startScraper(url, pid) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const scrapes = [];
  let stopped = false;
  let inFlight = Promise.resolve();
  const tick = async () => {
    const at = performance.now();
    const r = await request(`${url}/metrics`, { agent }).catch((err) => ({ error: err.message }));
    if (r.error) {
      scrapes.push({ at, error: r.error });
      return;
    }
    scrapes.push({
      at,
      done: performance.now(),
      ms: r.ms,
      bytes: r.bytes,
      predictions: sampleValue(r.text, 'modelwatch_predictions_total', `model="${MODEL}",model_version="1"`),
      cpu: processCpuSeconds(pid),
    });
  };
  const timer = setInterval(() => {
    if (!stopped) inFlight = inFlight.then(tick);
  }, 1000);
  return {
    scrapes,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      agent.destroy();
    },
  };
}

function scrapeSummary(scrapes) {
  const ok = scrapes.filter((s) => s.ms !== undefined);
  return {
    count: ok.length,
    errors: scrapes.length - ok.length,
    msP50: round(quantile(ok.map((s) => s.ms), 0.5), 4),
    msMax: round(Math.max(...ok.map((s) => s.ms)), 4),
    bytes: ok.length > 0 ? ok[ok.length - 1].bytes : 0,
  };
}

// -------------------------------------------------------------------------------------------------------------
// HTTP

/** Extra node flags for the exporter child, e.g. `--cpu-prof` (set by the `--cpu-prof DIR` flag). */
let exporterNodeArgs = [];

async function httpRun(batches, records, concurrency, config) {
  await cleanStorage();
  const ex = await startExporter([`--config.file=${config}`, '--log.level=info'], { nodeArgs: exporterNodeArgs });
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    // Warm the connections.
    await Promise.all(Array.from({ length: concurrency }, () => request(`${ex.url}/-/healthy`, { agent })));
    const scraper = startScraper(ex.url, ex.pid);
    const latencies = [];
    let next = 0;
    let accepted = 0;
    const cpu0 = processCpuSeconds(ex.pid);
    const started = performance.now();
    const sender = async () => {
      while (next < batches.length) {
        const body = batches[next++];
        const r = await request(`${ex.url}/api/v1/predictions`, { method: 'POST', body, agent, headers: { 'content-type': 'application/x-ndjson' } });
        if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${r.text.slice(0, 300)}`);
        accepted += JSON.parse(r.text).accepted;
        latencies.push(r.ms);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = processCpuSeconds(ex.pid) - cpu0;
    await scraper.stop();
    agent.destroy();
    const check = await request(`${ex.url}/metrics`);
    const counted = sampleValue(check.text, 'modelwatch_predictions_total', `model="${MODEL}",model_version="1"`);
    if (accepted !== records || counted !== records) throw new Error(`accepted ${accepted}, counted ${counted}, sent ${records}`);
    return {
      records,
      seconds: round(seconds, 5),
      recordsPerS: round(records / seconds, 5),
      exporterCpuSeconds: round(cpuSeconds, 4),
      recordsPerCpuS: round(records / cpuSeconds, 5),
      batchLatencyMs: { p50: round(quantile(latencies, 0.5), 4), p99: round(quantile(latencies, 0.99), 4), max: round(Math.max(...latencies), 4), n: latencies.length },
      latencies,
      scrape: scrapeSummary(scraper.scrapes),
      exporterRssMiB: round(processRssBytes(ex.pid) / 2 ** 20, 4),
    };
  } finally {
    await ex.stop();
  }
}

// -------------------------------------------------------------------------------------------------------------
// File source

async function fileRun(records, config) {
  await cleanStorage();
  let tailingAt;
  const ex = await startExporter([`--config.file=${config}`, '--log.level=info'], {
    nodeArgs: exporterNodeArgs,
    onLog: (e) => {
      if (e.msg === 'tailing file') tailingAt = Date.parse(e.time);
    },
  });
  try {
    const scraper = startScraper(ex.url, ex.pid);
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      await sleep(200);
      const last = scraper.scrapes[scraper.scrapes.length - 1];
      if (last?.predictions === records) break;
    }
    await scraper.stop();
    const s = scraper.scrapes.filter((x) => x.ms !== undefined);
    const doneIdx = s.findIndex((x) => x.predictions === records);
    if (doneIdx < 0) throw new Error('the file source did not finish in time');
    // Sustained rate: between the first and the last scrape that saw the run in progress (0 < count < records).
    const inside = s.filter((x) => x.predictions > 0 && x.predictions < records);
    let sustained = Number.NaN;
    let perCpu = Number.NaN;
    if (inside.length >= 2) {
      const a = inside[0];
      const b = inside[inside.length - 1];
      sustained = (b.predictions - a.predictions) / ((b.at - a.at) / 1000);
      perCpu = (b.predictions - a.predictions) / (b.cpu - a.cpu);
    }
    // Whole run: from the "tailing file" log line to the first scrape that saw every record (an upper bound).
    const doneWall = performance.timeOrigin + s[doneIdx].at;
    const wholeSeconds = tailingAt ? (doneWall - tailingAt) / 1000 : Number.NaN;
    return {
      records,
      sustainedRecordsPerS: round(sustained, 5),
      recordsPerCpuS: round(perCpu, 5),
      scrapesInside: inside.length,
      wholeRunSeconds: round(wholeSeconds, 4),
      wholeRunRecordsPerS: round(records / wholeSeconds, 5),
      scrape: scrapeSummary(scraper.scrapes),
      exporterRssMiB: round(processRssBytes(ex.pid) / 2 ** 20, 4),
    };
  } finally {
    await ex.stop();
  }
}

// -------------------------------------------------------------------------------------------------------------

export async function run({ quick = false, reps, cpuProfDir, only, log = console.error } = {}) {
  exporterNodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProfDir)}`] : [];
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  reps ??= quick ? 2 : 3;
  const files = await ensureWorkload(sizes, { kinds: ['reference', 'ingest'] });
  await mkdir(STORAGE, { recursive: true });
  const httpConfig = path.join(STORAGE, 'http.yml');
  const fileConfig = path.join(STORAGE, 'file.yml');
  await writeFile(httpConfig, configYaml(files.reference.path));
  await writeFile(fileConfig, configYaml(files.reference.path, files.ingest.path));
  // Build the reference profile once (cached in the storage folder), so every run starts the same way.
  const warm = await startExporter([`--config.file=${httpConfig}`, '--log.level=info']);
  await warm.stop();

  const lines = await readLines(files.ingest.path);
  const records = lines.length;
  const batches = [];
  for (let i = 0; i < lines.length; i += BATCH) batches.push(lines.slice(i, i + BATCH).join('\n'));
  const result = {
    ...header('ingest', quick),
    data: { reference: describeFile(files.reference), records: describeFile(files.ingest), meanRecordBytes: round(files.ingest.bytes / records, 4) },
    settings: { batch: BATCH, windows: WINDOWS, scrapeIntervalS: 1, reps },
  };

  result.loadBefore = await waitForQuiet({ log });
  const ceiling = [];
  const streaming = [];
  for (let r = 0; r < reps + 2; r++) {
    ceiling.push(parseCeiling(lines));
    if (r < reps) streaming.push(await streamingCeiling(files.ingest.path));
  }
  // The first two tight loops warm the JIT up.
  result.ceiling = {
    jsonParseTightLoop: summary(ceiling.slice(2).map((c) => c.recordsPerS)),
    jsonParseStreaming: summary(streaming.map((c) => c.recordsPerS)),
  };
  log(`  ceiling: JSON.parse tight loop ${formatRate(result.ceiling.jsonParseTightLoop.median)} rec/s, streaming ${formatRate(result.ceiling.jsonParseStreaming.median)} rec/s`);

  const want = (name) => !only || only.includes(name);
  if (want('ladder')) {
    const ladderLines = lines.slice(0, Math.min(lines.length, 100_000));
    result.ladder = await ladder(ladderLines, files.reference.path, reps);
    for (const [name, st] of Object.entries(result.ladder.stages)) log(`  ladder: ${name.padEnd(48)} ${formatRate(st.recordsPerS.median).padStart(7)} rec/s  ${st.microsPerRecord.toFixed(2).padStart(6)} µs/record`);
  }
  for (const [name, concurrency] of [
    ['http', 1],
    ['http2', 2],
  ]) {
    if (!want(name)) continue;
    const runs = [];
    for (let r = 0; r < reps; r++) {
      const load = await loadSnapshot();
      const x = await httpRun(batches, records, concurrency, httpConfig);
      x.load = load;
      runs.push(x);
      log(`  ${name} rep ${r + 1}: ${formatRate(x.recordsPerS)} rec/s, ${formatRate(x.recordsPerCpuS)} rec/CPU-s, batch p99 ${x.batchLatencyMs.p99.toFixed(1)} ms, scrape p50 ${x.scrape.msP50.toFixed(1)} ms, load ${load.load1}, busy ${Math.round(load.busy * 100)}%`);
    }
    const all = runs.flatMap((x) => x.latencies);
    for (const x of runs) delete x.latencies;
    result[name] = {
      concurrency,
      recordsPerS: summary(runs.map((x) => x.recordsPerS)),
      recordsPerCpuS: summary(runs.map((x) => x.recordsPerCpuS)),
      batchLatencyMs: { p50: round(quantile(all, 0.5), 4), p99: round(quantile(all, 0.99), 4), max: round(Math.max(...all), 4), batches: all.length },
      runs,
    };
  }

  const fileRuns = [];
  for (let r = 0; r < (want('file') ? reps : 0); r++) {
    const load = await loadSnapshot();
    const x = await fileRun(records, fileConfig);
    x.load = load;
    fileRuns.push(x);
    log(`  file rep ${r + 1}: sustained ${formatRate(x.sustainedRecordsPerS)} rec/s, ${formatRate(x.recordsPerCpuS)} rec/CPU-s (whole run ${formatRate(x.wholeRunRecordsPerS)} rec/s), load ${load.load1}, busy ${Math.round(load.busy * 100)}%`);
  }
  if (fileRuns.length > 0) result.file = {
    sustainedRecordsPerS: summary(fileRuns.map((x) => x.sustainedRecordsPerS)),
    recordsPerCpuS: summary(fileRuns.map((x) => x.recordsPerCpuS)),
    wholeRunRecordsPerS: summary(fileRuns.map((x) => x.wholeRunRecordsPerS)),
    runs: fileRuns,
  };
  result.loadAfter = await loadSnapshot();

  if (!result.http || !result.http2 || !result.file) return result;
  const ceil = result.ceiling.jsonParseTightLoop.median;
  result.target = {
    text: 'sustained records/s >= 50% of the JSON.parse tight-loop ceiling, /metrics scraped every second',
    http: round(result.http.recordsPerS.median / ceil, 4),
    http2: round(result.http2.recordsPerS.median / ceil, 4),
    file: round(result.file.sustainedRecordsPerS.median / ceil, 4),
    httpPerCpu: round(result.http.recordsPerCpuS.median / ceil, 4),
    filePerCpu: round(result.file.recordsPerCpuS.median / ceil, 4),
  };
  result.target.met = Math.max(result.target.http, result.target.http2) >= 0.5 && result.target.file >= 0.5;
  return result;
}

if (isMain(import.meta.url)) {
  const flags = parseFlags();
  const result = await run({ quick: Boolean(flags.quick), reps: flags.reps ? Number(flags.reps) : undefined, cpuProfDir: flags['cpu-prof'], only: flags.only?.split(',') });
  // A partial or profiled run never replaces the committed results.
  const partial = Boolean(flags.only || flags['cpu-prof']);
  const file = await writeResult(partial ? 'ingest-partial' : 'ingest', result, { quick: Boolean(flags.quick) || partial });
  console.error(`wrote ${file}`);
}
