/**
 * Workload 3: the scrape. 100 models × 50 features (40 numeric + 10 categorical, plus the prediction and score
 * pseudo-features) × 3 windows (5m, 1h, 1d), every window holding enough records for every drift series.
 *
 *   - HTTP: `GET /metrics` of the exporter running as a child process: time (client side) and payload size,
 *     scraped once a second for a while, so some scrapes fall on a slice boundary of the 5m window (every 5 s),
 *     where the window's value measures (KS, Wasserstein, z on the samples) are recomputed;
 *   - in-process, like for like with the floor: the same models and records in this process, the scrape
 *     registry with every collector, `registry.scrape()` timed at a fixed instant (steady state: no slice
 *     boundary), and the first scrape (cold: every window's value measures computed);
 *   - the floor: plain prom-client gauges holding exactly the same series (names, labels, values, help texts,
 *     parsed from the exporter's payload), serialised with `registry.metrics()`: the library's own cost.
 *
 *   node bench/scrape.mjs [--quick] [--reps N]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { FULL_SIZES, QUICK_SIZES, WIDE_CATEGORICAL, WIDE_NUMERIC, ensureWorkload, recordLine, wideRowGenerator, SEED } from './gen-workload.mjs';
import { createInProcess, createRegistry } from './in-process.mjs';
import { describeFile } from './drift.mjs';
import { DATA_DIR, ROOT, countSeries, header, isMain, loadSnapshot, parseFlags, processRssBytes, request, round, sleep, startExporter, summary, waitForQuiet, writeResult } from './lib.mjs';

const STORAGE = path.join(DATA_DIR, 'storage', 'scrape');
const WINDOWS = '[5m, 1h, 1d]';

function configYaml(models, reference) {
  const features = [...WIDE_NUMERIC.map((f) => `      - {name: ${f}, type: numeric}`), ...WIDE_CATEGORICAL.map((c) => `      - {name: ${c}, type: categorical}`)].join('\n');
  const list = Array.from(
    { length: models },
    (_, i) => `  - name: ${modelName(i)}
    task: classification
    reference: {path: ${JSON.stringify(reference)}}
    features:
${features}
    prediction_field: prediction
    score_field: score
    windows: ${WINDOWS}`,
  );
  return `models:\n${list.join('\n')}\nstorage: {path: ${JSON.stringify(STORAGE)}}\n`;
}

function modelName(i) {
  return `m${String(i).padStart(3, '0')}`;
}

/** Per model, one NDJSON body of `perModel` records (every model gets different rows). */
function bodies(models, perModel) {
  const next = wideRowGenerator(SEED + 10, true);
  return Array.from({ length: models }, (_, m) => {
    const lines = [];
    for (let i = 0; i < perModel; i++) lines.push(recordLine(next(), `${modelName(m)}-${i}`, i, modelName(m)));
    return lines.join('\n');
  });
}

// -------------------------------------------------------------------------------------------------------------
// The floor: the same series as plain prom-client gauges

function unescapeLabel(v) {
  return v.replace(/\\(n|\\|")/g, (_, c) => (c === 'n' ? '\n' : c));
}

/** Parses a text exposition into families: name → { help, samples: [{ name, labels, value }] }. */
export function parseExposition(text) {
  const helps = new Map();
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const sp = rest.indexOf(' ');
      helps.set(rest.slice(0, sp), rest.slice(sp + 1).replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
      continue;
    }
    if (line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const lastSpace = line.lastIndexOf(' ');
    const name = brace === -1 ? line.slice(0, lastSpace) : line.slice(0, brace);
    const labels = {};
    if (brace !== -1) {
      const body = line.slice(brace + 1, line.lastIndexOf('}'));
      for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = unescapeLabel(m[2]);
    }
    const value = Number(line.slice(lastSpace + 1));
    let list = samples.get(name);
    if (!list) samples.set(name, (list = []));
    list.push({ labels, value });
  }
  return { helps, samples };
}

/** A registry of plain gauges with exactly the parsed series; one gauge per sample name. */
function floorRegistry(parsed) {
  const require = createRequire(path.join(ROOT, 'package.json'));
  const { Registry, Gauge } = require('prom-client');
  const registry = new Registry();
  let series = 0;
  for (const [name, list] of parsed.samples) {
    const labelNames = [...new Set(list.flatMap((s) => Object.keys(s.labels)))];
    const family = name.replace(/_(bucket|sum|count)$/, '');
    const help = parsed.helps.get(name) ?? parsed.helps.get(family) ?? name;
    const g = new Gauge({ name, help, labelNames, registers: [registry] });
    for (const s of list) {
      if (labelNames.length > 0) g.set(s.labels, s.value);
      else g.set(s.value);
      series++;
    }
  }
  return { registry, series };
}

async function timeFloor(payload, reps) {
  const parsed = parseExposition(payload);
  const started = performance.now();
  const { registry, series } = floorRegistry(parsed);
  const setMs = performance.now() - started;
  const times = [];
  let bytes = 0;
  for (let r = 0; r < reps + 1; r++) {
    const t = performance.now();
    const text = await registry.metrics();
    if (r > 0) times.push(performance.now() - t);
    bytes = Buffer.byteLength(text);
  }
  return { series, bytes, setMs: round(setMs, 4), ms: summary(times) };
}

// -------------------------------------------------------------------------------------------------------------
// In-process: the exporter's scrape registry at a fixed instant

async function inProcess(models, payloadBodies, reps, configFile, yaml) {
  const t0 = (Math.floor(Date.now() / 60_000) + 1) * 60_000;
  let now = t0;
  const clock = () => now;
  const { m, config, models: runtimes, ingest } = await createInProcess(yaml, configFile, { clock, joinFile: null });
  for (const b of payloadBodies) {
    const r = ingest.ingestPredictions(m.parseNdjson(b), 'bench');
    if (r.rejected > 0) throw new Error(`rejected records: ${JSON.stringify(r.errors[0])}`);
  }
  const { registry } = createRegistry(m, runtimes, ingest, undefined, config.drift, clock);
  now = t0 + 1000;
  let started = performance.now();
  const first = await registry.scrape('prometheus');
  const coldMs = performance.now() - started;
  const times = [];
  let text = first;
  for (let r = 0; r < reps; r++) {
    now = t0 + 1000 + 10 * (r + 1); // new instant (reports are memoised per instant), same slices
    started = performance.now();
    text = await registry.scrape('prometheus');
    times.push(performance.now() - started);
  }
  return { coldMs: round(coldMs, 4), ms: summary(times), bytes: Buffer.byteLength(text), series: countSeries(text), text, models: runtimes.size };
}

// -------------------------------------------------------------------------------------------------------------
// HTTP: the exporter as a child process

async function httpScrapes(configFile, payloadBodies, seconds) {
  await rm(path.join(STORAGE, 'label-joins.ndjson'), { force: true });
  const ex = await startExporter([`--config.file=${configFile}`, '--log.level=info']);
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ingestStarted = performance.now();
    for (const body of payloadBodies) {
      const r = await request(`${ex.url}/api/v1/predictions`, { method: 'POST', body, agent, headers: { 'content-type': 'application/x-ndjson' } });
      if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${r.text.slice(0, 300)}`);
    }
    const ingestMs = performance.now() - ingestStarted;
    const scrapes = [];
    const deadline = performance.now() + seconds * 1000;
    let text = '';
    while (performance.now() < deadline || scrapes.length < 3) {
      const at = performance.now();
      const r = await request(`${ex.url}/metrics`, { agent });
      text = r.text;
      const collectors = [...r.text.matchAll(/^modelwatch_scrape_collector_duration_seconds\{collector="([^"]+)"\} (\S+)$/gm)].map((x) => [x[1], Number(x[2])]);
      const collectMs = collectors.reduce((s, [, v]) => s + v * 1000, 0);
      scrapes.push({ ms: r.ms, bytes: r.bytes, collectMs, collectors: Object.fromEntries(collectors.map(([k, v]) => [k, round(v * 1000, 4)])) });
      const wait = 1000 - (performance.now() - at);
      if (wait > 0) await sleep(wait);
    }
    agent.destroy();
    const rss = processRssBytes(ex.pid);
    return { ingestMs: round(ingestMs, 4), scrapes, text, rssMiB: round(rss / 2 ** 20, 4) };
  } finally {
    await ex.stop();
  }
}

export async function run({ quick = false, reps, log = console.error } = {}) {
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  const models = quick ? 20 : 100;
  const perModel = 200;
  reps ??= quick ? 3 : 7;
  const files = await ensureWorkload(sizes, { kinds: ['wide'] });
  await mkdir(STORAGE, { recursive: true });
  const yaml = configYaml(models, files.wide.path);
  const configFile = path.join(STORAGE, `scrape-${models}.yml`);
  await writeFile(configFile, yaml);
  const payloadBodies = bodies(models, perModel);
  const result = {
    ...header('scrape', quick),
    data: { reference: describeFile(files.wide), models, featuresPerModel: WIDE_NUMERIC.length + WIDE_CATEGORICAL.length, pseudoFeatures: ['__prediction__', '__score__'], windows: WINDOWS, recordsPerModel: perModel },
    reps,
  };

  // Profiles are built once (100 of them on the first run) and cached; the timed runs load them.
  log(`  building/loading ${models} reference profiles…`);
  const warm = await startExporter([`--config.file=${configFile}`, '--log.level=info']);
  await warm.stop();

  result.loadBefore = await waitForQuiet({ log });
  const h = await httpScrapes(configFile, payloadBodies, quick ? 8 : 20);
  const steady = h.scrapes.slice(1);
  result.http = {
    ingestMs: h.ingestMs,
    firstScrapeMs: round(h.scrapes[0].ms, 4),
    ms: summary(steady.map((s) => s.ms)),
    collectMs: summary(steady.map((s) => s.collectMs)),
    bytes: h.scrapes[h.scrapes.length - 1].bytes,
    series: countSeries(h.text),
    exporterRssMiB: h.rssMiB,
    scrapes: h.scrapes.map((s) => ({ ms: round(s.ms, 4), collectMs: round(s.collectMs, 4), bytes: s.bytes })),
    collectorsLastScrapeMs: h.scrapes[h.scrapes.length - 1].collectors,
    load: await loadSnapshot(),
  };
  log(`  HTTP /metrics: ${result.http.series.toLocaleString('en')} series, ${(result.http.bytes / 2 ** 20).toFixed(1)} MiB, first ${result.http.firstScrapeMs.toFixed(0)} ms, then p50 ${result.http.ms.median.toFixed(0)} ms (max ${result.http.ms.max.toFixed(0)} ms; collectors p50 ${result.http.collectMs.median.toFixed(0)} ms)`);

  const ip = await inProcess(models, payloadBodies, reps, configFile, yaml);
  result.inProcess = { coldMs: ip.coldMs, ms: ip.ms, bytes: ip.bytes, series: ip.series, load: await loadSnapshot() };
  log(`  in-process scrape: ${ip.series.toLocaleString('en')} series, cold ${ip.coldMs.toFixed(0)} ms, steady p50 ${ip.ms.median.toFixed(0)} ms`);

  const floor = await timeFloor(ip.text, reps);
  result.floor = { ...floor, load: await loadSnapshot() };
  log(`  floor (plain prom-client gauges): ${floor.series.toLocaleString('en')} series, ${(floor.bytes / 2 ** 20).toFixed(1)} MiB, registry.metrics() p50 ${floor.ms.median.toFixed(0)} ms (setting them: ${floor.setMs.toFixed(0)} ms)`);

  const per100k = (ms, series) => round((ms * 100_000) / series, 4);
  result.target = {
    text: 'within 2× of the floor (same series as plain prom-client gauges) and < 1 s absolute for 100k series',
    ratioInProcess: round(ip.ms.median / floor.ms.median, 4),
    ratioHttp: round(result.http.ms.median / floor.ms.median, 4),
    msPer100kSeriesInProcess: per100k(ip.ms.median, ip.series),
    msPer100kSeriesHttp: per100k(result.http.ms.median, result.http.series),
    msPer100kSeriesFloor: per100k(floor.ms.median, floor.series),
  };
  result.target.met = result.target.ratioInProcess <= 2 && result.target.msPer100kSeriesHttp < 1000;
  log(`  ratio to the floor: ${result.target.ratioInProcess}× in-process, ${result.target.ratioHttp}× over HTTP; ${result.target.msPer100kSeriesHttp.toFixed(0)} ms per 100k series over HTTP`);
  return result;
}

if (isMain(import.meta.url)) {
  const flags = parseFlags();
  const result = await run({ quick: Boolean(flags.quick), reps: flags.reps ? Number(flags.reps) : undefined });
  const file = await writeResult('scrape', result, { quick: Boolean(flags.quick) });
  console.error(`wrote ${file}`);
}
