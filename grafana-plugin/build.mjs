// Builds the panel plugin into grafana-plugin/dist (the folder Grafana loads) and packs it as a zip.
//   node grafana-plugin/build.mjs
// module.js is one AMD chunk, the format Grafana's SystemJS loader takes. react, react-dom, @grafana/* and
// @emotion/css are externals that Grafana provides at run time; everything else is bundled.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateRawSync, crc32 as zlibCrc32 } from 'node:zlib';
import { rollup } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';

export const PLUGIN_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(PLUGIN_DIR, '..');
const SRC = join(PLUGIN_DIR, 'src');

/** Packages Grafana shares with plugins (the only allowed entries of module.js's define list). */
export const SHARED_PACKAGES = ['react', 'react-dom', '@grafana/data', '@grafana/ui', '@grafana/runtime', '@emotion/css'];

export function pluginId() {
  return JSON.parse(readFileSync(join(SRC, 'plugin.json'), 'utf8')).id;
}

/** The plugin is released with modelwatch, so it carries the root package's version. */
export function pluginVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
}

export function zipPath(version = pluginVersion()) {
  return join(PLUGIN_DIR, 'artifacts', `${pluginId()}-${version}.zip`);
}

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

// ---- zip (stored as deflate, no external tool needed) ------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  if (typeof zlibCrc32 === 'function') return zlibCrc32(buf) >>> 0;
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** DOS date/time of midnight today (UTC), so a day's builds give the same archive. */
function dosDateTime(date) {
  const d = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  return { date: d, time: 0 };
}

/**
 * Writes a zip of `entries` ({ name, data } files; directories end in "/") with deflate compression.
 * Format: PKWARE APPNOTE 6.3 local headers, central directory and end record (no zip64: the plugin is small).
 */
export function writeZip(file, entries, when = new Date()) {
  const { date, time } = dosDateTime(when);
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const isDir = entry.name.endsWith('/');
    const raw = isDir ? Buffer.alloc(0) : entry.data;
    const packed = isDir ? raw : deflateRawSync(raw, { level: 9 });
    const method = isDir ? 0 : 8;
    const crc = isDir ? 0 : crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, spec 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    const mode = isDir ? 0o40755 : 0o100644;
    central.writeUInt32LE(((mode << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat([...locals, cd, end]));
}

// ---- build -------------------------------------------------------------------------------------------

/**
 * Builds dist/ from scratch and the zip. Returns { outDir, zip, version }.
 * Options: outDir (default grafana-plugin/dist), zip (default true), quiet.
 */
export async function build(options = {}) {
  const outDir = options.outDir ?? join(PLUGIN_DIR, 'dist');
  const log = options.quiet ? () => {} : (msg) => console.log(msg);
  const started = performance.now();
  const version = pluginVersion();
  const id = pluginId();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const warnings = [];
  const bundle = await rollup({
    input: join(SRC, 'module.ts'),
    external: (source) => SHARED_PACKAGES.some((p) => source === p || source.startsWith(`${p}/`)),
    plugins: [
      esbuild({
        include: /\.[jt]sx?$/,
        exclude: /node_modules/,
        tsconfig: join(PLUGIN_DIR, 'tsconfig.json'),
        target: 'es2018',
        // Classic JSX: React.createElement, so no react/jsx-runtime is imported or bundled.
        jsx: 'transform',
        jsxFactory: 'React.createElement',
        jsxFragment: 'React.Fragment',
        minify: true,
        sourceMap: true,
        define: { 'process.env.NODE_ENV': '"production"' },
      }),
    ],
    onwarn(warning) {
      warnings.push(warning);
    },
  });
  await bundle.write({
    file: join(outDir, 'module.js'),
    format: 'amd',
    sourcemap: true,
    interop: 'compat',
    inlineDynamicImports: true,
    banner: `/* ${id} ${version} — modelwatch distribution panel, Apache-2.0 */`,
  });
  await bundle.close();
  for (const w of warnings) log(`rollup: ${w.message}`);
  const unresolved = warnings.filter((w) => w.code === 'UNRESOLVED_IMPORT');
  if (unresolved.length > 0) throw new Error(`unresolved imports: ${unresolved.map((w) => w.exporter ?? w.message).join(', ')}`);

  const today = new Date().toISOString().slice(0, 10);
  const manifest = JSON.parse(
    readFileSync(join(SRC, 'plugin.json'), 'utf8').replaceAll('%VERSION%', version).replaceAll('%TODAY%', today),
  );
  manifest.buildMode = 'production';
  writeFileSync(join(outDir, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(SRC, 'img'), join(outDir, 'img'), { recursive: true });
  for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE']) cpSync(join(PLUGIN_DIR, f), join(outDir, f));
  const shots = join(PLUGIN_DIR, 'screenshots');
  for (const s of manifest.info.screenshots ?? []) {
    const from = join(shots, s.path.replace(/^screenshots\//, ''));
    if (existsSync(from)) cpSync(from, join(outDir, s.path));
    else log(`warning: screenshot ${s.path} not found; run the browser tests to produce it`);
  }

  let zip;
  if (options.zip !== false) {
    zip = zipPath(version);
    const entries = [{ name: `${id}/` }];
    const seenDirs = new Set();
    for (const file of filesUnder(outDir)) {
      const rel = relative(outDir, file).split('\\').join('/');
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = `${id}/${parts.slice(0, i).join('/')}/`;
        if (!seenDirs.has(dir)) {
          seenDirs.add(dir);
          entries.push({ name: dir });
        }
      }
      entries.push({ name: `${id}/${rel}`, data: readFileSync(file) });
    }
    writeZip(zip, entries);
    const sha = createHash('sha256').update(readFileSync(zip)).digest('hex');
    writeFileSync(`${zip}.sha256`, `${sha}  ${zip.split(/[\\/]/).pop()}\n`);
  }
  const size = statSync(join(outDir, 'module.js')).size;
  log(
    `built ${id} ${version}: ${relative(ROOT, outDir)}/module.js ${(size / 1024).toFixed(1)} KiB` +
      `${zip ? `, ${relative(ROOT, zip)}` : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { outDir, zip, version };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  build().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
