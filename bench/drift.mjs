/**
 * Workload 2: the drift report from cold state. Reference 100,000 rows vs a window of 100,000 records × 25
 * features (20 numeric + 5 categorical), every method (psi, js, hellinger, chi2 with p, psi p, ks with p,
 * wasserstein, z with p, the BH decision).
 *
 * Each repetition is a fresh Node process (cold: no JIT, no caches): it loads the reference profile (built once and
 * cached, as the exporter does), ingests the window through the exporter's own ingest path (NDJSON batches of
 * 1,000 → parseNdjson → IngestService) with a clock that spreads the records over the window's 60 slices, then
 * times the first `windowReport(...)`: exactly what the first scrape computes. It also times the next report at the
 * same instant (what every later scrape costs while the window's slices do not change) and breaks the cold report
 * down into its parts.
 *
 * Two settings: `reference.sample_size` = `window_sample_size` = 100,000, so KS and Wasserstein run on all values
 * and must equal the numpy/scipy script's full-data numbers (tolerances of docs/statistics.md: 1e-9 for
 * statistics, 1e-6 relative for p-values); and the defaults (10,000), where the binned measures and z are still
 * exact and KS/Wasserstein are computed on uniform samples.
 *
 *   node bench/drift.mjs [--quick] [--reps N] [--no-python]
 */
import { spawnSync, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { FULL_SIZES, QUICK_SIZES, CATEGORICAL, NUMERIC, ensureWorkload, MODEL } from './gen-workload.mjs';
import { DATA_DIR, RESULTS_DIR, QUICK_RESULTS_DIR, dist, header, isMain, loadSnapshot, parseFlags, round, summary, waitForQuiet, writeResult } from './lib.mjs';

const DEFAULT_SAMPLE = 10_000;

function configYaml(reference, sampleSize, storage) {
  const features = [...NUMERIC.map((f) => `      - {name: ${f}, type: numeric}`), ...CATEGORICAL.map((c) => `      - {name: ${c}, type: categorical}`)];
  return `models:
  - name: ${MODEL}
    task: classification
    reference: {path: ${JSON.stringify(reference)}, sample_size: ${sampleSize}}
    features:
${features.join('\n')}
    windows: [1h]
defaults:
  window_sample_size: ${sampleSize}
storage: {path: ${JSON.stringify(storage)}}
`;
}

// -------------------------------------------------------------------------------------------------------------
// Worker: one cold repetition in a fresh process.

async function readLines(file) {
  const lines = [];
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + chunk;
    let start = 0;
    let nl;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      lines.push(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) lines.push(rest);
  return lines;
}

async function worker(flags) {
  const t = () => performance.now();
  const sampleSize = Number(flags['sample-size']);
  const [{ parseConfigText }, { loadOrBuildProfile }, { ModelRuntime }, { modelSettings }, { IngestService }, { parseNdjson }, { silentLogger }] = await Promise.all([
    dist('config/load.js'),
    dist('reference/build-profile.js'),
    dist('model/model-runtime.js'),
    dist('exporter.js'),
    dist('ingest/ingest-service.js'),
    dist('ingest/parse-body.js'),
    dist('log/logger.js'),
  ]);
  const { windowReport } = await dist('drift/window-report.js');
  const storage = path.join(DATA_DIR, 'storage', 'drift');
  const config = parseConfigText(configYaml(flags.reference, sampleSize, storage), path.join(DATA_DIR, 'drift.yml'));
  const logger = silentLogger();
  const modelConfig = config.models[0];

  let started = t();
  const { profile, cached } = await loadOrBuildProfile(modelConfig, config.storagePath, logger);
  const profileMs = t() - started;

  const lines = await readLines(flags.current);
  const models = new Map();
  const model = new ModelRuntime(modelConfig, profile, modelSettings(config));
  models.set(model.name, model);
  const sliceMs = 60_000;
  const t0 = (Math.floor(Date.now() / sliceMs) + 1) * sliceMs;
  let now = t0;
  const ingest = new IngestService(models, logger, () => now);
  const n = lines.length;
  started = t();
  let accepted = 0;
  for (let i = 0; i < n; i += 1000) {
    // The window's 60 one-minute slices get an equal share of the records.
    now = t0 + Math.floor((i * 60) / n) * sliceMs + 1;
    const items = parseNdjson(lines.slice(i, i + 1000).join('\n'));
    accepted += ingest.ingestPredictions(items, 'bench').accepted;
  }
  const ingestMs = t() - started;
  if (accepted !== n) throw new Error(`only ${accepted} of ${n} records accepted`);

  const state = model.versions.get(modelConfig.version);
  const window = state.windows[0];
  const reportAt = t0 + 59 * sliceMs + 30_000;
  started = t();
  const report = windowReport(state, window, config.drift, reportAt);
  const coldMs = t() - started;
  const warm = [];
  for (let k = 0; k < Number(flags['warm-reps'] ?? 5); k++) {
    started = t();
    windowReport(state, window, config.drift, reportAt);
    warm.push(t() - started);
  }

  // State cold again, JIT warm: a second model fed the same records, its first report.
  const model2 = new ModelRuntime(modelConfig, profile, modelSettings(config));
  const ingest2 = new IngestService(new Map([[model2.name, model2]]), logger, () => now);
  for (let i = 0; i < n; i += 1000) {
    now = t0 + Math.floor((i * 60) / n) * sliceMs + 1;
    ingest2.ingestPredictions(parseNdjson(lines.slice(i, i + 1000).join('\n')), 'bench');
  }
  const state2 = model2.versions.get(modelConfig.version);
  started = t();
  windowReport(state2, state2.windows[0], config.drift, reportAt);
  const coldStateWarmJitMs = t() - started;

  // The parts of the cold report, recomputed one by one (JIT now warm, so they add up to less than coldMs).
  const { binnedDrift, boundedKs, referenceCounts } = await dist('drift/column-drift.js');
  const { normedWasserstein } = await dist('stats/wasserstein.js');
  const { zTest } = await dist('stats/z-test.js');
  const layout = model.layout;
  const parts = { mergeSample: 0, sortSample: 0, referenceSample: 0, ks: 0, wasserstein: 0, z: 0, binned: 0 };
  const numericDetail = {};
  for (const col of layout.numeric) {
    const j = col.numericIndex;
    started = t();
    const sample = window.sample(reportAt, j);
    parts.mergeSample += t() - started;
    started = t();
    sample.sort();
    parts.sortSample += t() - started;
    started = t();
    // As the report does: copy the profile's sample, sorting it only if it is not ascending already.
    let ref = Float64Array.from(col.profile.sample);
    for (let k = 1; k < ref.length; k++) {
      if (!(ref[k - 1] <= ref[k])) {
        ref = ref.sort();
        break;
      }
    }
    parts.referenceSample += t() - started;
    started = t();
    const ks = boundedKs(sample, ref);
    parts.ks += t() - started;
    started = t();
    normedWasserstein(ref, sample, col.profile.std);
    parts.wasserstein += t() - started;
    started = t();
    const agg = window.numericAggregate(reportAt, j);
    zTest(agg.sum / agg.n, agg.n, col.profile.mean, col.profile.std);
    parts.z += t() - started;
    numericDetail[col.profile.name] = { windowSample: sample.length, referenceSample: ref.length, ksMethod: ks.method };
  }
  const snap = window.snapshot(reportAt);
  started = t();
  for (const col of layout.columns) {
    binnedDrift(snap.counts.subarray(col.offset, col.offset + col.binCount), col.profile, referenceCounts(col.profile), config.drift.psiEpsilon);
  }
  parts.binned = t() - started;

  const columns = {};
  for (const c of report.columns) {
    const name = c.column.profile.name;
    columns[name] = {
      kind: c.column.profile.kind,
      n: c.drift.n,
      counts: Array.from(snap.counts.subarray(c.column.offset, c.column.offset + c.column.binCount)),
      scores: c.drift.scores,
      pValues: c.drift.pValues,
      adjustedP: c.adjustedP,
      drifted: c.drifted,
      ...numericDetail[name],
    };
  }
  return {
    sampleSize,
    records: n,
    profileMs,
    profileCached: cached,
    ingestMs,
    coldMs,
    coldStateWarmJitMs,
    warmMs: warm,
    parts,
    rssBytes: process.memoryUsage().rss,
    driftedFeaturesRatio: report.driftedFeaturesRatio,
    columns,
  };
}

// -------------------------------------------------------------------------------------------------------------
// Parent: repetitions, the scipy script, the comparison.

function runWorker(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--worker', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => (out += c));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`drift worker exited with ${code}`))));
  });
}

/** A python3 with numpy and scipy: $BENCH_PYTHON, else the system one (/usr/bin/python3), else python3 on PATH. */
export function findPython() {
  // Debian's python3 (python3-scipy) first: other python3 installations may carry other numpy/scipy versions.
  const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import numpy, scipy'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}

function runPython(py, args, quiet = false) {
  return new Promise((resolve, reject) => {
    const child = spawn(py, [path.join(path.dirname(new URL(import.meta.url).pathname), 'scipy_drift.py'), ...args], { stdio: ['ignore', 'inherit', quiet ? 'ignore' : 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`scipy_drift.py exited with ${code}`))));
  });
}

const STAT_TOL = 1e-9;
const P_REL = 1e-6;

function statDiff(actual, expected) {
  return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
}

function pDiff(actual, expected) {
  if (Math.abs(actual - expected) <= 1e-305) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Compares the exporter's numbers with the scipy script's, method by method. */
export function compare(ours, scipyColumns) {
  const checks = [
    ['psi', (c) => c.scores.psi, (s) => s.psi, 'stat'],
    ['js', (c) => c.scores.js, (s) => s.js, 'stat'],
    ['hellinger', (c) => c.scores.hellinger, (s) => s.hellinger, 'stat'],
    ['chi2', (c) => c.scores.chi2, (s) => s.chi2, 'stat'],
    ['chi2 p', (c) => c.pValues.chi2, (s) => s.chi2_p, 'p'],
    ['psi p', (c) => c.pValues.psi, (s) => s.psi_p, 'p'],
    ['ks', (c) => c.scores.ks, (s) => s.ks, 'stat'],
    ['ks p', (c) => c.pValues.ks, (s) => s.ks_p, 'p'],
    ['wasserstein', (c) => c.scores.wasserstein, (s) => s.wasserstein, 'stat'],
    ['z', (c) => c.scores.z, (s) => s.z, 'stat'],
    ['z p', (c) => c.pValues.z, (s) => s.z_p, 'p'],
  ];
  const methods = {};
  let countsEqual = 0;
  let countsTotal = 0;
  for (const [name, c] of Object.entries(ours)) {
    const s = scipyColumns[name];
    countsTotal++;
    if (JSON.stringify(c.counts) === JSON.stringify(s.cur_counts)) countsEqual++;
    for (const [method, get, getS, kind] of checks) {
      const a = get(c);
      const e = getS(s);
      if (a === undefined || e === undefined) continue;
      const d = kind === 'stat' ? statDiff(a, e) : pDiff(a, e);
      const m = (methods[method] ??= { kind, tolerance: kind === 'stat' ? STAT_TOL : P_REL, columns: 0, within: 0, maxDeviation: 0, worst: undefined });
      m.columns++;
      if (d <= m.tolerance) m.within++;
      if (d >= m.maxDeviation) {
        m.maxDeviation = d;
        m.worst = { column: name, ours: a, scipy: e };
      }
    }
  }
  const all = Object.values(methods);
  return {
    deviation: 'statistics: |ours − scipy| / max(1, |scipy|); p-values: |ours − scipy| / |scipy| (0 when both below 1e-305)',
    binCountsEqual: `${countsEqual}/${countsTotal}`,
    allWithinTolerance: all.every((m) => m.within === m.columns) && countsEqual === countsTotal,
    methods,
  };
}

/** A workload file as results record it (no local path). */
export function describeFile(f) {
  return { file: f.name, rows: f.rows, bytes: f.bytes, sha256: f.sha256, seed: f.seed };
}

function aggregate(reps) {
  const partNames = Object.keys(reps[0].parts);
  return {
    coldMs: summary(reps.map((r) => r.coldMs)),
    coldStateWarmJitMs: summary(reps.map((r) => r.coldStateWarmJitMs)),
    warmMs: summary(reps.map((r) => Math.min(...r.warmMs))),
    ingestRecordsPerS: summary(reps.map((r) => r.records / (r.ingestMs / 1000))),
    parts: Object.fromEntries(partNames.map((p) => [p, round(summary(reps.map((r) => r.parts[p])).median, 4)])),
    rssMiB: summary(reps.map((r) => r.rssBytes / 2 ** 20)),
    profileMs: reps.map((r) => ({ ms: round(r.profileMs, 4), cached: r.profileCached })),
  };
}

export async function run({ quick = false, reps, python = true, log = console.error } = {}) {
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  reps ??= quick ? 2 : 5;
  const files = await ensureWorkload(sizes, { kinds: ['reference', 'current'] });
  const result = { ...header('drift', quick), data: { reference: describeFile(files.reference), current: describeFile(files.current) }, reps };

  let scipy;
  const py = python ? findPython() : undefined;
  if (python && !py) log('  no python3 with numpy and scipy found (set BENCH_PYTHON); skipping the scipy comparison');
  if (py) {
    result.loadBeforeScipy = await waitForQuiet({ log });
    log(`  scipy_drift.py (${reps} repetitions)…`);
    const out = path.join(quick ? QUICK_RESULTS_DIR : RESULTS_DIR, 'scipy-drift.json');
    await mkdir(path.dirname(out), { recursive: true });
    await runPython(py, ['--reference', files.reference.path, '--current', files.current.path, '--reps', String(reps), '--out', out]);
    scipy = JSON.parse(await readFile(out, 'utf8'));
    result.scipy = {
      file: path.relative(path.dirname(RESULTS_DIR), out),
      machine: scipy.machine,
      loadAverage: scipy.loadAverage,
      fullMs: summary(scipy.timings.full.total.values.map((s) => s * 1000)),
      anchorSubsetMs: summary(scipy.timings.full.anchorSubset.values.map((s) => s * 1000)),
      givenProfileMs: summary(scipy.timings.profile.total.values.map((s) => s * 1000)),
      sectionsMs: Object.fromEntries(Object.entries(scipy.timings.full.sections).map(([k, v]) => [k, round(v.median * 1000, 4)])),
    };
  }

  await rm(path.join(DATA_DIR, 'storage', 'drift'), { recursive: true, force: true });
  result.settings = {};
  for (const sampleSize of [100_000, DEFAULT_SAMPLE]) {
    const label = sampleSize === DEFAULT_SAMPLE ? 'default' : 'fullData';
    const load = await waitForQuiet({ log });
    const runs = [];
    for (let r = 0; r <= reps; r++) {
      const snap = await loadSnapshot();
      let pairedScipyMs;
      if (py && r > 0 && sampleSize !== DEFAULT_SAMPLE) {
        // The scipy script once more right before this repetition, so that both see the same machine load.
        const out = path.join(DATA_DIR, 'scipy-paired.json');
        await runPython(py, ['--reference', files.reference.path, '--current', files.current.path, '--reps', '2', '--variants', 'full', '--out', out], true);
        pairedScipyMs = Math.min(...JSON.parse(await readFile(out, 'utf8')).timings.full.total.values) * 1000;
      }
      const w = await runWorker(['--sample-size', String(sampleSize), '--reference', files.reference.path, '--current', files.current.path]);
      w.load = snap;
      w.pairedScipyMs = pairedScipyMs;
      if (r === 0) {
        // The first process builds the profile into the cache; the timed ones load it, as a restart does.
        log(`  ${label}: profile built in ${(w.profileMs / 1000).toFixed(2)} s (first process, not counted)`);
        continue;
      }
      runs.push(w);
      log(`  ${label} (sample ${sampleSize}) rep ${r}: ${pairedScipyMs ? `scipy ${pairedScipyMs.toFixed(0)} ms, ` : ''}cold report ${w.coldMs.toFixed(1)} ms (${w.coldStateWarmJitMs.toFixed(1)} ms with the JIT warm), next scrape ${Math.min(...w.warmMs).toFixed(2)} ms, load ${snap.load1}, busy ${Math.round(snap.busy * 100)}%`);
    }
    const agg = aggregate(runs);
    const s = (result.settings[label] = { sampleSize, loadBefore: load, ...agg, loadPerRep: runs.map((w) => w.load) });
    s.driftedColumns = Object.entries(runs[0].columns).filter(([, c]) => c.drifted).map(([k]) => k);
    s.numericDetail = Object.fromEntries(Object.entries(runs[0].columns).filter(([, c]) => c.kind === 'numeric').map(([k, c]) => [k, { windowSample: c.windowSample, referenceSample: c.referenceSample, ksMethod: c.ksMethod }]));
    s.columns = runs[0].columns;
    if (scipy) {
      s.vsScipy = compare(runs[0].columns, scipy.columns);
      s.speedupVsScipyFull = round(result.scipy.fullMs.median / agg.coldMs.median, 4);
      const paired = runs.filter((w) => w.pairedScipyMs !== undefined);
      if (paired.length > 0) {
        s.pairedScipyMs = summary(paired.map((w) => w.pairedScipyMs));
        s.speedupVsScipyPaired = summary(paired.map((w) => w.pairedScipyMs / w.coldMs));
      }
      s.speedupVsScipyFullWarmJit = round(result.scipy.fullMs.median / agg.coldStateWarmJitMs.median, 4);
      s.speedupVsScipyAnchorSubset = round(result.scipy.anchorSubsetMs.median / agg.coldMs.median, 4);
      s.speedupVsScipyGivenProfile = round(result.scipy.givenProfileMs.median / agg.coldMs.median, 4);
    }
  }
  if (scipy) {
    const full = result.settings.fullData;
    result.target = {
      text: 'equal numbers to the scipy script, at least 5× faster than it (cold report, sample = all values)',
      equalNumbers: full.vsScipy.allWithinTolerance,
      speedup: full.speedupVsScipyPaired?.median ?? full.speedupVsScipyFull,
      speedupBasis: full.speedupVsScipyPaired ? 'median over repetitions of (scipy run right before) / (cold report)' : 'median scipy / median cold report',
      met: full.vsScipy.allWithinTolerance && (full.speedupVsScipyPaired?.median ?? full.speedupVsScipyFull) >= 5,
    };
  }
  return result;
}

if (isMain(import.meta.url)) {
  const flags = parseFlags();
  if (flags.worker) {
    process.stdout.write(JSON.stringify(await worker(flags)));
  } else {
    const result = await run({ quick: Boolean(flags.quick), reps: flags.reps ? Number(flags.reps) : undefined, python: !flags['no-python'] });
    const file = await writeResult('drift', result, { quick: Boolean(flags.quick) });
    console.error(`wrote ${file}`);
  }
}
