/**
 * Workload 5: building a reference profile. 1,000,000 rows × 25 features (20 numeric + 5 categorical, plus the
 * prediction and score columns) from CSV with `modelwatch profile --profile.rebuild`, the command a user runs,
 * as a child process. Its progress lines ("reading reference data", every 2 s) are shown as they arrive.
 * Reported: wall time, rows/s, MB/s, peak RSS of the process.
 *
 *   node bench/profile.mjs [--quick] [--reps N]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CATEGORICAL, FULL_SIZES, MODEL, NUMERIC, QUICK_SIZES, ensureWorkload } from './gen-workload.mjs';
import { describeFile } from './drift.mjs';
import { BIN, DATA_DIR, ROOT, formatRate, header, isMain, loadSnapshot, parseFlags, round, summary, waitForQuiet, writeResult } from './lib.mjs';

const STORAGE = path.join(DATA_DIR, 'storage', 'profile');

function configYaml(reference) {
  const features = [...NUMERIC.map((f) => `      - {name: ${f}, type: numeric}`), ...CATEGORICAL.map((c) => `      - {name: ${c}, type: categorical}`)];
  return `models:
  - name: ${MODEL}
    task: classification
    reference: {path: ${JSON.stringify(reference)}}
    features:
${features.join('\n')}
    prediction_field: prediction
    score_field: score
storage: {path: ${JSON.stringify(STORAGE)}}
`;
}

/** Peak resident set size of a running process (VmHWM), from /proc. */
function peakRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

async function buildOnce(configFile, log) {
  await rm(path.join(STORAGE, 'profiles'), { recursive: true, force: true });
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'profile', `--config.file=${configFile}`, '--profile.rebuild', '--log.level=info'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let peak = 0;
  const poll = setInterval(() => {
    const p = peakRss(child.pid);
    if (p > peak) peak = p;
  }, 100);
  const progress = [];
  let built;
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    rest += chunk;
    let nl;
    while ((nl = rest.indexOf('\n')) !== -1) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      let e;
      try {
        e = JSON.parse(line);
      } catch {
        log(`    ${line}`);
        continue;
      }
      const t = (performance.now() - started) / 1000;
      if (e.msg === 'reading reference data') {
        progress.push({ seconds: round(t, 4), rows: e.rows, percent: e.percent });
        log(`    [${t.toFixed(1)} s] reading reference data: ${e.rows.toLocaleString('en')} rows, ${e.percent}%`);
      } else if (e.msg === 'reference profile built') {
        built = e;
        log(`    [${t.toFixed(1)} s] reference profile built: ${e.rows.toLocaleString('en')} rows, ${e.columns} columns, ${e.seconds} s`);
      }
    }
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 || !built) throw new Error(`modelwatch profile exited with ${code}`);
  return { seconds: round(seconds, 5), buildSeconds: built.seconds, rows: built.rows, columns: built.columns, peakRssMiB: round(peak / 2 ** 20, 4), progress };
}

export async function run({ quick = false, reps, log = console.error } = {}) {
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  reps ??= quick ? 1 : 3;
  const files = await ensureWorkload(sizes, { kinds: ['profile'] });
  await mkdir(STORAGE, { recursive: true });
  const configFile = path.join(STORAGE, 'profile.yml');
  await writeFile(configFile, configYaml(files.profile.path));
  const result = { ...header('profile', quick), data: { reference: describeFile(files.profile) }, reps, command: 'modelwatch profile --config.file=<config> --profile.rebuild' };
  result.loadBefore = await waitForQuiet({ log });
  const runs = [];
  for (let r = 0; r < reps; r++) {
    const load = await loadSnapshot();
    log(`  profile build rep ${r + 1} (load ${load.load1}, busy ${Math.round(load.busy * 100)}%):`);
    const x = await buildOnce(configFile, log);
    x.load = load;
    x.rowsPerS = round(x.rows / x.seconds, 5);
    x.mbPerS = round(files.profile.bytes / 1e6 / x.seconds, 4);
    runs.push(x);
    log(`  rep ${r + 1}: ${x.seconds.toFixed(1)} s wall, ${formatRate(x.rowsPerS)} rows/s, ${x.mbPerS.toFixed(1)} MB/s, peak RSS ${x.peakRssMiB.toFixed(0)} MiB`);
  }
  result.seconds = summary(runs.map((x) => x.seconds));
  result.rowsPerS = summary(runs.map((x) => x.rowsPerS));
  result.mbPerS = summary(runs.map((x) => x.mbPerS));
  result.peakRssMiB = summary(runs.map((x) => x.peakRssMiB));
  result.runs = runs;
  return result;
}

if (isMain(import.meta.url)) {
  const flags = parseFlags();
  const result = await run({ quick: Boolean(flags.quick), reps: flags.reps ? Number(flags.reps) : undefined });
  const file = await writeResult('profile', result, { quick: Boolean(flags.quick) });
  console.error(`wrote ${file}`);
}
