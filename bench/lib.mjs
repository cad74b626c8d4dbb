/**
 * Shared helpers of the benchmark harness: paths, flags, summary statistics, machine facts, CPU load
 * sampling, result files, and starting the built exporter as a child process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_DIR = path.join(ROOT, 'bench');
export const DATA_DIR = path.join(BENCH_DIR, 'data');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
/** Quick (smoke) results are not committed: they go next to the generated data. */
export const QUICK_RESULTS_DIR = path.join(DATA_DIR, 'quick-results');
export const BIN = path.join(ROOT, 'exporter', 'bin', 'modelwatch.js');
const DIST = path.join(ROOT, 'exporter', 'dist');

/** Imports a module of the built exporter (exporter/dist), e.g. `dist('drift/window-report.js')`. */
export function dist(relative) {
  return import(pathToFileURL(path.join(DIST, relative)).href);
}

/** `--name value`, `--name=value` and bare `--flag` arguments into an object (kebab-case keys kept). */
export function parseFlags(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq !== -1) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = true;
  }
  return out;
}

export function isMain(metaUrl) {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);
}

// ---------------------------------------------------------------------------------------------------------------
// Summary statistics

export function quantile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return lo >= s.length - 1 ? s[s.length - 1] : s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

/** Median, min, max and relative spread ((max − min) / median) of repeated measurements. */
export function summary(values) {
  const median = quantile(values, 0.5);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median, min, max, spread: median !== 0 ? (max - min) / median : 0, n: values.length, values };
}

export function round(x, digits = 4) {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const factor = 10 ** Math.max(digits - 1 - magnitude, 0);
  return Math.round(x * factor) / factor;
}

// ---------------------------------------------------------------------------------------------------------------
// Machine facts and load

export function machineFacts() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuMHz: cpus[0]?.speed ?? null,
    memoryGiB: round(os.totalmem() / 2 ** 30, 3),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function readCpuTimes() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] || 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { idle, total };
  } catch {
    return undefined;
  }
}

/** Share of all CPUs busy over the next `ms` milliseconds (Linux /proc/stat), or NaN elsewhere. */
export async function cpuBusy(ms = 1000) {
  const a = readCpuTimes();
  await sleep(ms);
  const b = readCpuTimes();
  if (!a || !b || b.total === a.total) return Number.NaN;
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

export function loadAverage() {
  const [l1, l5, l15] = os.loadavg();
  return { load1: round(l1, 3), load5: round(l5, 3), load15: round(l15, 3) };
}

/** The machine's state right now: load averages and the share of CPU busy over one second. */
export async function loadSnapshot() {
  const busy = await cpuBusy(1000);
  return { ...loadAverage(), busy: round(busy, 3), at: new Date().toISOString() };
}

/**
 * Waits until the machine is quiet (CPU busy share ≤ maxBusy over 2 s) or `maxWaitS` passed. The machine may be
 * shared with other work; numbers taken while it is busy come out slower, so each result records the load.
 */
export const quietPolicy = { maxBusy: Number(process.env.BENCH_MAX_BUSY ?? 0.2), maxWaitS: Number(process.env.BENCH_MAX_WAIT_S ?? 120) };

export async function waitForQuiet({ maxBusy = quietPolicy.maxBusy, maxWaitS = quietPolicy.maxWaitS, log = console.error } = {}) {
  const started = Date.now();
  let busy = await cpuBusy(2000);
  let announced = false;
  while (busy > maxBusy && (Date.now() - started) / 1000 < maxWaitS) {
    if (!announced) {
      log(`  machine busy (${Math.round(busy * 100)}% CPU, load ${os.loadavg()[0].toFixed(2)}); waiting up to ${maxWaitS}s for it to calm down`);
      announced = true;
    }
    busy = await cpuBusy(2000);
  }
  const waitedS = (Date.now() - started) / 1000;
  return { waitedS: round(waitedS, 3), busy: round(busy, 3), quiet: busy <= maxBusy, ...loadAverage() };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let clockTicks;
/** user + system CPU seconds used so far by process `pid` (all its threads), from /proc. */
export function processCpuSeconds(pid) {
  clockTicks ??= 100; // USER_HZ is 100 on every Linux architecture Node supports
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size of process `pid` in bytes, from /proc. */
export function processRssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Results

export async function writeResult(name, result, { quick = false } = {}) {
  const dir = quick ? QUICK_RESULTS_DIR : RESULTS_DIR;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** The commit benchmarked, and whether exporter/src had uncommitted changes. */
export function revision() {
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git(['rev-parse', 'HEAD']);
  if (head.status !== 0) return { commit: 'unknown' };
  const dirty = git(['status', '--porcelain', '--', 'exporter/src']).stdout.trim();
  return { commit: head.stdout.trim(), exporterSrcModified: dirty.length > 0 };
}

export function header(name, quick) {
  return { workload: name, quick, date: new Date().toISOString(), revision: revision(), machine: machineFacts() };
}

// ---------------------------------------------------------------------------------------------------------------
// The exporter as a child process

/**
 * Starts `modelwatch` (the built CLI) with `args`; resolves once it listens and is ready. Log lines (JSON) are
 * kept; `onLog` sees each one.
 */
export async function startExporter(args, { onLog, readyTimeoutMs = 300_000, nodeArgs = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, BIN, '--web.listen-address=127.0.0.1:0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  let stderr = '';
  let rest = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const listening = new Promise((resolve, reject) => {
    // "listening" is logged at info level, before the reference profiles are loaded.
    const timer = setTimeout(() => reject(new Error(`exporter did not start listening within 60 s (is --log.level info or debug?); stderr: ${stderr}`)), 60_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      rest += chunk;
      let nl;
      while ((nl = rest.indexOf('\n')) !== -1) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          entry = { unparsed: line };
        }
        logs.push(entry);
        onLog?.(entry);
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve(`http://${entry.address}`);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exporter exited (${code}) before listening; stderr: ${stderr}`));
    });
  });
  let url;
  try {
    url = await listening;
  } catch (err) {
    // Never leave a half-started exporter behind.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw err;
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    const r = await request(`${url}/-/ready`, { agent }).catch(() => undefined);
    if (r?.status === 200) break;
    await sleep(100);
  }
  agent.destroy();
  return {
    child,
    url,
    logs,
    pid: child.pid,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A minimal HTTP client (keep-alive agents, string bodies); resolves with status, body and timing. */
export function request(url, { method = 'GET', body, headers = {}, agent } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode, bytes: buf.length, text: buf.toString('utf8'), ms: performance.now() - started });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Value of one sample line `name{...} value` in an exposition (first match), or NaN. */
export function sampleValue(text, name, labelText = '') {
  const needle = labelText ? `${name}{${labelText}} ` : `${name}`;
  let at = text.indexOf(needle);
  while (at !== -1) {
    if (at === 0 || text[at - 1] === '\n') {
      const end = text.indexOf('\n', at);
      const line = text.slice(at, end === -1 ? text.length : end);
      if (labelText || line[name.length] === ' ' || line[name.length] === '{') return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    at = text.indexOf(needle, at + 1);
  }
  return Number.NaN;
}

/** Number of sample lines (series) in a Prometheus text exposition. */
export function countSeries(text) {
  let n = 0;
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    if (nl > start && text.charCodeAt(start) !== 35) n++;
    start = nl + 1;
  }
  return n;
}

export function formatRate(x) {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(1);
}
