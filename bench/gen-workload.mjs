/**
 * Deterministic workload generator for the benchmarks. Writes into bench/data/ (gitignored):
 *
 *   reference-<n>.csv        reference rows: 20 numeric + 5 categorical features, prediction, score
 *   current-<n>.ndjson       production records (ingest shape) from the drifted distribution
 *   ingest-<n>.ndjson        more production records, for the ingest workload
 *   wide-reference-<n>.csv   50 features (40 numeric + 10 categorical), for the scrape and memory workloads
 *
 * Features (the same design as the perf anchors): f1–f10 normal (f10 with 1 % missing), f11–f14 lognormal,
 * f15–f17 uniform, f18 exponential, f19 Poisson(3) (integers, heavy ties), f20 normal rounded to 2 dp (ties);
 * c1–c5 with 10 levels each. Drift in the current set: f1–f5 mean +0.3 sd, f11 log-sd ×1.5, f18 rate 1 → 0.9,
 * c1 swaps its two most frequent levels, c2 moves halfway towards uniform; everything else unchanged.
 *
 * Numbers are written with JavaScript's shortest round-trip formatting, so the CSV and NDJSON files hold
 * bit-identical doubles and any correctly rounding parser (JSON.parse, Python's float) reads them back exactly.
 * The same seed gives byte-identical files; their sha256 values are in bench/data/manifest.json.
 *
 *   node bench/gen-workload.mjs [--quick] [--force]
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DATA_DIR, isMain, parseFlags } from './lib.mjs';

export const SEED = 20261122;
export const MODEL = 'bench';
const GENERATOR_VERSION = 1;

export const FULL_SIZES = { reference: 100_000, current: 100_000, ingest: 500_000, profile: 1_000_000, wide: 10_000 };
export const QUICK_SIZES = { reference: 20_000, current: 20_000, ingest: 60_000, profile: 100_000, wide: 2_000 };

// -------------------------------------------------------------------------------------------------------------
// Seeded random numbers: xoshiro128** (32-bit state words), 53-bit uniforms from two outputs.

export class Random {
  constructor(seed) {
    // splitmix32 to spread the seed over the state
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    this.spare = Number.NaN;
  }

  u32() {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform() {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Standard normal (Marsaglia's polar method). */
  normal() {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    let u;
    let v;
    let q;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    this.spare = v * f;
    return u * f;
  }

  exponential(rate) {
    return -Math.log(1 - this.uniform()) / rate;
  }

  poisson(lambda) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  /** Index drawn from cumulative probabilities. */
  pick(cumulative) {
    const u = this.uniform();
    let i = 0;
    while (i < cumulative.length - 1 && u >= cumulative[i]) i++;
    return i;
  }
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function cumulative(p) {
  const total = p.reduce((a, b) => a + b, 0);
  let acc = 0;
  return p.map((x) => (acc += x / total));
}

// -------------------------------------------------------------------------------------------------------------
// The 25-feature workload

export const NUMERIC = Array.from({ length: 20 }, (_, i) => `f${i + 1}`);
export const CATEGORICAL = Array.from({ length: 5 }, (_, i) => `c${i + 1}`);
export const LEVELS = Array.from({ length: 10 }, (_, i) => `L${i}`);
const BASE_LEVEL_P = [0.22, 0.18, 0.14, 0.11, 0.09, 0.07, 0.06, 0.05, 0.04, 0.04];
/** Columns that drift in the current set. */
export const DRIFTED = ['f1', 'f2', 'f3', 'f4', 'f5', 'f11', 'f18', 'c1', 'c2'];

function levelCumulative(column, drifted) {
  let p = BASE_LEVEL_P;
  if (drifted && column === 'c1') p = [p[1], p[0], ...p.slice(2)];
  if (drifted && column === 'c2') p = p.map((x) => (x + 0.1) / 2);
  // Each column gets its own level order so the columns differ.
  const k = Number(column.slice(1)) - 1;
  const rotated = p.map((_, i) => p[(i + 10 - k) % 10]);
  return cumulative(rotated);
}

/** A row generator: returns { features, prediction, score, latency }. */
export function rowGenerator(seed, drifted) {
  const rng = new Random(seed);
  const catCum = CATEGORICAL.map((c) => levelCumulative(c, drifted));
  const features = {};
  return () => {
    for (let i = 0; i < 10; i++) {
      const mean = i + 1;
      const sd = 1 + i / 10;
      const shift = drifted && i < 5 ? 0.3 * sd : 0;
      features[NUMERIC[i]] = mean + shift + sd * rng.normal();
    }
    if (rng.uniform() < 0.01) features.f10 = null;
    for (let i = 0; i < 4; i++) {
      const logSd = (0.5 + 0.1 * i) * (drifted && i === 0 ? 1.5 : 1);
      features[NUMERIC[10 + i]] = Math.exp(i * 0.5 + logSd * rng.normal());
    }
    features.f15 = rng.uniform();
    features.f16 = 100 * rng.uniform();
    features.f17 = -5 + 10 * rng.uniform();
    features.f18 = rng.exponential(drifted ? 0.9 : 1);
    features.f19 = rng.poisson(3);
    features.f20 = Math.round((20 + 5 * rng.normal()) * 100) / 100;
    for (let j = 0; j < CATEGORICAL.length; j++) features[CATEGORICAL[j]] = LEVELS[rng.pick(catCum[j])];
    const z = 0.8 * (features.f1 - 1) - 0.5 * (features.f3 - 3) / 1.2 + (features.c1 === 'L0' ? 0.4 : 0) + 0.7 * rng.normal() - 0.3;
    const score = 1 / (1 + Math.exp(-z));
    const latency = Math.round(Math.exp(3 + 0.5 * rng.normal()) * 100) / 100;
    return { features, prediction: score > 0.5 ? '1' : '0', score, latency };
  };
}

// -------------------------------------------------------------------------------------------------------------
// The 50-feature ("wide") workload

export const WIDE_NUMERIC = Array.from({ length: 40 }, (_, i) => `w${i + 1}`);
export const WIDE_CATEGORICAL = Array.from({ length: 10 }, (_, i) => `k${i + 1}`);

export function wideRowGenerator(seed, drifted = false) {
  const rng = new Random(seed);
  const cum = cumulative(BASE_LEVEL_P);
  const features = {};
  return () => {
    for (let i = 0; i < WIDE_NUMERIC.length; i++) {
      const kind = i % 4;
      const shift = drifted && i % 10 === 0 ? 0.3 : 0;
      let v;
      if (kind === 0) v = i + shift + rng.normal();
      else if (kind === 1) v = Math.exp(0.5 * rng.normal() + shift);
      else if (kind === 2) v = 10 * rng.uniform() + shift;
      else v = rng.poisson(2 + (i % 5));
      features[WIDE_NUMERIC[i]] = v;
    }
    for (let j = 0; j < WIDE_CATEGORICAL.length; j++) features[WIDE_CATEGORICAL[j]] = LEVELS[rng.pick(cum)];
    const score = rng.uniform();
    return { features, prediction: score > 0.5 ? '1' : '0', score, latency: Math.round(Math.exp(3 + 0.5 * rng.normal()) * 100) / 100 };
  };
}

// -------------------------------------------------------------------------------------------------------------
// Writers

const BASE_TIME = Date.parse('2026-11-22T12:00:00.000Z');

function csvCell(v) {
  return v === null || v === undefined ? '' : String(v);
}

export function csvHeader(numeric, categorical) {
  return [...numeric, ...categorical, 'prediction', 'score'].join(',');
}

export function csvRow(row, numeric, categorical) {
  let s = '';
  for (const c of numeric) s += `${csvCell(row.features[c])},`;
  for (const c of categorical) s += `${row.features[c]},`;
  return `${s}${row.prediction},${row.score}`;
}

/** One prediction record in the ingest shape, as one NDJSON line. */
export function recordLine(row, id, index, model = MODEL) {
  const ts = new Date(BASE_TIME + index * 10).toISOString();
  return `{"model":"${model}","prediction_id":"${id}","timestamp":"${ts}","features":${JSON.stringify(row.features)},"prediction":"${row.prediction}","score":${row.score},"latency_ms":${row.latency}}`;
}

async function writeLines(file, count, lineAt, headerLine) {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  const hash = createHash('sha256');
  let bytes = 0;
  const put = async (text) => {
    hash.update(text);
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise((resolve) => out.once('drain', resolve));
  };
  if (headerLine !== undefined) await put(`${headerLine}\n`);
  const CHUNK = 5000;
  for (let start = 0; start < count; start += CHUNK) {
    let text = '';
    const end = Math.min(count, start + CHUNK);
    for (let i = start; i < end; i++) text += `${lineAt(i)}\n`;
    await put(text);
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  await rename(tmp, file);
  return { sha256: hash.digest('hex'), bytes, rows: count };
}

const SPECS = {
  reference: (n) => ({
    file: `reference-${n}.csv`,
    seed: SEED,
    write: (file) => {
      const next = rowGenerator(SEED, false);
      return writeLines(file, n, () => csvRow(next(), NUMERIC, CATEGORICAL), csvHeader(NUMERIC, CATEGORICAL));
    },
  }),
  current: (n) => ({
    file: `current-${n}.ndjson`,
    seed: SEED + 1,
    write: (file) => {
      const next = rowGenerator(SEED + 1, true);
      return writeLines(file, n, (i) => recordLine(next(), `cur-${i}`, i));
    },
  }),
  ingest: (n) => ({
    file: `ingest-${n}.ndjson`,
    seed: SEED + 2,
    write: (file) => {
      const next = rowGenerator(SEED + 2, true);
      return writeLines(file, n, (i) => recordLine(next(), `ing-${i}`, i));
    },
  }),
  profile: (n) => ({
    file: `reference-${n}.csv`,
    seed: SEED,
    write: (file) => {
      const next = rowGenerator(SEED, false);
      return writeLines(file, n, () => csvRow(next(), NUMERIC, CATEGORICAL), csvHeader(NUMERIC, CATEGORICAL));
    },
  }),
  wide: (n) => ({
    file: `wide-reference-${n}.csv`,
    seed: SEED + 3,
    write: (file) => {
      const next = wideRowGenerator(SEED + 3);
      return writeLines(file, n, () => csvRow(next(), WIDE_NUMERIC, WIDE_CATEGORICAL), csvHeader(WIDE_NUMERIC, WIDE_CATEGORICAL));
    },
  }),
};

const MANIFEST = path.join(DATA_DIR, 'manifest.json');

async function readManifest() {
  try {
    return JSON.parse(await readFile(MANIFEST, 'utf8'));
  } catch {
    return { generatorVersion: GENERATOR_VERSION, files: {} };
  }
}

/**
 * Makes sure the workload files for `sizes` exist (generating missing ones) and returns
 * `{ kind: { path, sha256, bytes, rows } }`.
 */
export async function ensureWorkload(sizes, { force = false, kinds = Object.keys(sizes), log = console.error } = {}) {
  const manifest = await readManifest();
  if (manifest.generatorVersion !== GENERATOR_VERSION) manifest.files = {};
  manifest.generatorVersion = GENERATOR_VERSION;
  const out = {};
  for (const kind of kinds) {
    const spec = SPECS[kind](sizes[kind]);
    const file = path.join(DATA_DIR, spec.file);
    let entry = manifest.files[spec.file];
    if (force || !entry || !existsSync(file)) {
      const started = Date.now();
      log(`  generating ${spec.file} (${sizes[kind].toLocaleString('en')} rows, seed ${spec.seed})`);
      entry = { ...(await spec.write(file)), seed: spec.seed };
      log(`    ${(entry.bytes / 2 ** 20).toFixed(1)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s, sha256 ${entry.sha256.slice(0, 16)}…`);
      manifest.files[spec.file] = entry;
      await writeFile(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    out[kind] = { path: file, name: spec.file, ...entry };
  }
  return out;
}

if (isMain(import.meta.url)) {
  const flags = parseFlags();
  const sizes = flags.quick ? QUICK_SIZES : FULL_SIZES;
  const files = await ensureWorkload(sizes, { force: Boolean(flags.force) });
  for (const [kind, f] of Object.entries(files)) console.log(`${kind.padEnd(10)} ${f.name.padEnd(28)} ${String(f.rows).padStart(8)} rows ${(f.bytes / 2 ** 20).toFixed(1).padStart(7)} MiB  sha256 ${f.sha256}`);
}
