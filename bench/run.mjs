/**
 * Runs the benchmark workloads of docs/benchmarks.md against the built exporter (exporter/dist; `npm run bench`
 * builds it first) and writes bench/results/<workload>.json (with --quick: bench/data/quick-results/, not
 * committed), then prints a summary table.
 *
 *   node bench/run.mjs [--quick] [--only ingest,drift,scrape,memory,profile] [--reps N]
 *                      [--max-wait SECONDS] [--max-busy SHARE]
 *   node bench/run.mjs --report [--quick]      only print the table from the result files
 *
 * The machine may be shared: before each workload the harness waits (up to --max-wait, default 120 s) until at most
 * --max-busy (default 0.2) of the CPU is busy, and every result records the load average and the busy share.
 * Environment: BENCH_PYTHON, a python3 with numpy and scipy for the comparison (default: the system
 * /usr/bin/python3, i.e. Debian's python3-scipy, then python3 on PATH).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FULL_SIZES, QUICK_SIZES, ensureWorkload } from './gen-workload.mjs';
import { QUICK_RESULTS_DIR, RESULTS_DIR, ROOT, loadSnapshot, machineFacts, parseFlags, quietPolicy, revision, round, writeResult } from './lib.mjs';

const WORKLOADS = {
  ingest: () => import('./ingest.mjs'),
  drift: () => import('./drift.mjs'),
  scrape: () => import('./scrape.mjs'),
  memory: () => import('./memory.mjs'),
  profile: () => import('./profile.mjs'),
};

const fmt = (x, d = 3) => (x === undefined || x === null || Number.isNaN(x) ? '–' : String(round(x, d)));
const rate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));
const spread = (s) => `±${Math.round((s.spread * 100) / 2)}%`;

/** Markdown rows "workload | measure | modelwatch | reference | ratio | target" from the result files. */
export async function renderSummary(dir) {
  const read = async (name) => {
    const f = path.join(dir, `${name}.json`);
    return existsSync(f) ? JSON.parse(await readFile(f, 'utf8')) : undefined;
  };
  const rows = [];
  const ingest = await read('ingest');
  if (ingest?.target) {
    const c = ingest.ceiling.jsonParseTightLoop;
    rows.push(['1 ingest, HTTP (1 batch in flight)', 'records/s', `${rate(ingest.http.recordsPerS.median)} ${spread(ingest.http.recordsPerS)}`, `JSON.parse ${rate(c.median)}`, `${fmt(ingest.target.http, 2)}×`, '≥ 0.5×']);
    rows.push(['1 ingest, HTTP (2 in flight)', 'records/s', `${rate(ingest.http2.recordsPerS.median)} ${spread(ingest.http2.recordsPerS)}`, `JSON.parse ${rate(c.median)}`, `${fmt(ingest.target.http2, 2)}×`, '≥ 0.5×']);
    rows.push(['1 ingest, file source', 'records/s (sustained)', `${rate(ingest.file.sustainedRecordsPerS.median)} ${spread(ingest.file.sustainedRecordsPerS)}`, `JSON.parse ${rate(c.median)}`, `${fmt(ingest.target.file, 2)}×`, '≥ 0.5×']);
    rows.push(['1 ingest, HTTP', 'exporter records per CPU-second', rate(ingest.http.recordsPerCpuS.median), `JSON.parse ${rate(c.median)}`, `${fmt(ingest.target.httpPerCpu, 2)}×`, '']);
    rows.push(['1 ingest, HTTP', 'latency of a 1,000-record batch', `p50 ${fmt(ingest.http.batchLatencyMs.p50, 3)} ms, p99 ${fmt(ingest.http.batchLatencyMs.p99, 3)} ms`, '', '', 'report']);
  }
  const drift = await read('drift');
  if (drift?.settings) {
    const full = drift.settings.fullData;
    const def = drift.settings.default;
    const sc = drift.scipy;
    rows.push([
      '2 drift report, cold, all values (sample 100k)',
      'wall time',
      `${fmt(full.coldMs.median, 3)} ms ${spread(full.coldMs)}`,
      full.pairedScipyMs ? `scipy ${fmt(full.pairedScipyMs.median, 3)} ms (run alongside)` : sc ? `scipy ${fmt(sc.fullMs.median, 3)} ms` : '',
      full.speedupVsScipyPaired ? `${fmt(full.speedupVsScipyPaired.median, 2)}× faster` : sc ? `${fmt(full.speedupVsScipyFull, 2)}× faster` : '',
      '≥ 5× faster',
    ]);
    rows.push(['2 drift report, all values, JIT warm', 'wall time (new window, warm process)', `${fmt(full.coldStateWarmJitMs.median, 3)} ms ${spread(full.coldStateWarmJitMs)}`, sc ? `scipy ${fmt(sc.fullMs.median, 3)} ms` : '', sc ? `${fmt(full.speedupVsScipyFullWarmJit, 2)}× faster` : '', '']);
    if (full.vsScipy) rows.push(['2 drift report, numbers', 'equal to scipy (1e-9 / 1e-6 rel.)', full.vsScipy.allWithinTolerance ? `yes (bins ${full.vsScipy.binCountsEqual})` : 'NO', '', '', 'equal']);
    rows.push(['2 drift report, cold, defaults (sample 10k)', 'wall time', `${fmt(def.coldMs.median, 3)} ms ${spread(def.coldMs)}`, sc ? `scipy ${fmt(sc.fullMs.median, 3)} ms` : '', sc ? `${fmt(def.speedupVsScipyFull, 2)}× faster` : '', '']);
    rows.push(['2 drift report, next scrape', 'wall time (same slices)', `${fmt(full.warmMs.median, 3)} ms (100k), ${fmt(def.warmMs.median, 3)} ms (10k)`, '', '', '']);
  }
  const scrape = await read('scrape');
  if (scrape?.target) {
    rows.push(['3 scrape in-process', `${scrape.inProcess.series.toLocaleString('en')} series`, `${fmt(scrape.inProcess.ms.median, 3)} ms ${spread(scrape.inProcess.ms)}`, `prom-client ${fmt(scrape.floor.ms.median, 3)} ms`, `${fmt(scrape.target.ratioInProcess, 2)}×`, '≤ 2×']);
    rows.push(['3 scrape over HTTP', `${(scrape.http.bytes / 2 ** 20).toFixed(1)} MiB`, `${fmt(scrape.http.ms.median, 3)} ms ${spread(scrape.http.ms)}`, `prom-client ${fmt(scrape.floor.ms.median, 3)} ms`, `${fmt(scrape.target.ratioHttp, 2)}×`, '']);
    rows.push(['3 scrape per 100k series', 'HTTP / floor', `${fmt(scrape.target.msPer100kSeriesHttp, 3)} ms`, `${fmt(scrape.target.msPer100kSeriesFloor, 3)} ms`, '', '< 1000 ms']);
  }
  const memory = await read('memory');
  if (memory?.summary) {
    rows.push([`4 memory, ${rate(memory.data.records)} records`, 'RSS', `max ${fmt(memory.summary.rssMaxMiB, 3)} MiB, end ${fmt(memory.summary.rssAtEndMiB, 3)} MiB`, `second half ${fmt(memory.summary.rssSecondHalfMinMiB, 3)}–${fmt(memory.summary.rssSecondHalfMaxMiB, 3)} MiB`, '', 'flat']);
  }
  const profile = await read('profile');
  if (profile?.rowsPerS) {
    rows.push([`5 profile build, ${rate(profile.data.reference.rows)} rows CSV`, 'rows/s', `${rate(profile.rowsPerS.median)} ${spread(profile.rowsPerS)} (${fmt(profile.seconds.median, 3)} s)`, `peak RSS ${fmt(profile.peakRssMiB.median, 3)} MiB`, '', 'report']);
  }
  const lines = ['| workload | measure | modelwatch | reference | ratio | target |', '| --- | --- | --- | --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)];
  return lines.join('\n');
}

async function main() {
  const flags = parseFlags();
  const quick = Boolean(flags.quick);
  const dir = quick ? QUICK_RESULTS_DIR : RESULTS_DIR;
  if (flags.report) {
    console.log(await renderSummary(dir));
    return;
  }
  if (!existsSync(path.join(ROOT, 'exporter', 'dist', 'cli.js'))) {
    console.error('exporter/dist is missing: run "npm run build:exporter" first (npm run bench does).');
    process.exit(1);
  }
  if (flags['max-wait']) quietPolicy.maxWaitS = Number(flags['max-wait']);
  if (flags['max-busy']) quietPolicy.maxBusy = Number(flags['max-busy']);
  const only = flags.only ? String(flags.only).split(',') : Object.keys(WORKLOADS);
  const reps = flags.reps ? Number(flags.reps) : undefined;
  const started = Date.now();
  console.error(`modelwatch benchmarks${quick ? ' (quick)' : ''}: ${only.join(', ')}`);
  console.error(`  ${JSON.stringify(machineFacts())}`);
  console.error('preparing workload data (deterministic; generated once into bench/data/)');
  const data = await ensureWorkload(quick ? QUICK_SIZES : FULL_SIZES);
  const ran = {};
  for (const name of only) {
    if (!WORKLOADS[name]) throw new Error(`unknown workload "${name}" (known: ${Object.keys(WORKLOADS).join(', ')})`);
    console.error(`\n== ${name}`);
    const t = Date.now();
    const mod = await WORKLOADS[name]();
    const result = await mod.run({ quick, reps });
    result.wallSeconds = round((Date.now() - t) / 1000, 4);
    const file = await writeResult(name, result, { quick });
    ran[name] = { file: path.relative(ROOT, file), wallSeconds: result.wallSeconds, target: result.target ?? null };
    console.error(`  wrote ${path.relative(ROOT, file)} (${result.wallSeconds.toFixed(0)} s)`);
  }
  const summaryFile = path.join(dir, 'summary.json');
  let previous = {};
  if (existsSync(summaryFile)) previous = JSON.parse(await readFile(summaryFile, 'utf8'));
  const summary = {
    date: new Date().toISOString(),
    revision: revision(),
    machine: machineFacts(),
    load: await loadSnapshot(),
    data: Object.fromEntries(Object.entries(data).map(([k, f]) => [k, { file: f.name, rows: f.rows, bytes: f.bytes, sha256: f.sha256 }])),
    workloads: { ...(previous.workloads ?? {}), ...ran },
    wallSeconds: round((Date.now() - started) / 1000, 4),
  };
  await writeFile(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\n${await renderSummary(dir)}`);
}

await main();
