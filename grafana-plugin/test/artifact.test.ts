// @vitest-environment node
/**
 * The built artifact (dist/ and the zip, produced by build.mjs in the test project's global setup):
 * what Grafana loads must use only the packages Grafana shares, carry no React internals, and come with a
 * valid plugin.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PLUGIN_DIR, SHARED_PACKAGES, pluginVersion, writeZip, zipPath } from '../build.mjs';
import { SCREENSHOTS } from '../harness/screenshots';
import { ID_PATTERN, validatePluginJson } from './plugin-json';

const DIST = join(PLUGIN_DIR, 'dist');
const bundle = () => readFileSync(join(DIST, 'module.js'), 'utf8');
interface Manifest {
  [key: string]: unknown;
  id: string;
  type: string;
  buildMode?: string;
  info: {
    [key: string]: unknown;
    version: string;
    updated: string;
    keywords?: string[];
    logos: Record<string, string | undefined>;
    screenshots: Array<{ name: string; path: string }>;
  };
  dependencies: { [key: string]: unknown; grafanaDependency?: string };
}
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Manifest;

/** The dependency list of the bundle's AMD define([...], factory). */
function defineDependencies(code: string): string[] {
  const m = /^\s*(?:\/\*[\s\S]*?\*\/\s*)?define\(\s*\[([^\]]*)\]\s*,/.exec(code);
  if (!m) throw new Error('module.js does not start with an AMD define([...], ...) call');
  return JSON.parse(`[${m[1]}]`) as string[];
}

describe('dist/module.js', () => {
  it('is one anonymous AMD module whose dependencies Grafana provides', () => {
    const deps = defineDependencies(bundle());
    const allowed = new Set([...SHARED_PACKAGES, 'exports', 'module', 'require']);
    expect(deps.filter((d) => !allowed.has(d))).toEqual([]);
    // React and the Grafana packages are externals, not bundled copies.
    expect(deps).toEqual(expect.arrayContaining(['react', '@grafana/data', '@grafana/ui', '@grafana/runtime']));
    expect(bundle().match(/\bdefine\(/g)).toHaveLength(1);
    expect(bundle()).not.toMatch(/\bimport\(/);
    expect(readdirSync(DIST).filter((f) => f.endsWith('.js'))).toEqual(['module.js']);
  });

  it('bundles no JSX runtime and no React internals', () => {
    const code = bundle();
    for (const needle of ['jsx-runtime', 'jsx-dev-runtime', '__SECRET_INTERNALS', 'ReactCurrentOwner', '__CLIENT_INTERNALS']) {
      expect(code, needle).not.toContain(needle);
    }
  });

  it('carries the exporter’s statistics, bundled from their one source', () => {
    const code = bundle();
    // Error messages of exporter/src/stats/{psi,js,hellinger}.ts travel with their functions.
    expect(code).toContain('PSI needs the same bins on both sides');
    expect(code).toContain('Jensen-Shannon needs the same bins on both sides');
    expect(code).toContain('Hellinger needs the same bins on both sides');
    const scores = readFileSync(join(PLUGIN_DIR, 'src', 'data', 'scores.ts'), 'utf8');
    for (const f of ['psi', 'js', 'hellinger']) expect(scores).toContain(`from '../../../exporter/src/stats/${f}.js'`);
  });
});

describe('plugin.json', () => {
  const src = readJson(join(PLUGIN_DIR, 'src', 'plugin.json'));
  const built = readJson(join(DIST, 'plugin.json'));

  it('follows the plugin schema rules, in the sources and in dist', () => {
    expect(validatePluginJson(src)).toEqual([]);
    expect(validatePluginJson(built)).toEqual([]);
    expect(src.type).toBe('panel');
    expect(src.id).toBe('modelwatch-distribution-panel');
    expect(src.dependencies.grafanaDependency).toBe('>=10.4.0');
  });

  it('gets the version and date in the build, and its logos and screenshots exist', () => {
    expect(src.info.version).toBe('%VERSION%');
    expect(src.info.updated).toBe('%TODAY%');
    expect(built.info.version).toBe(pluginVersion());
    expect(built.info.updated).toBe(new Date().toISOString().slice(0, 10));
    expect(built.buildMode).toBe('production');
    for (const logo of Object.values(src.info.logos) as string[]) {
      expect(existsSync(join(PLUGIN_DIR, 'src', logo)), logo).toBe(true);
      expect(existsSync(join(DIST, logo)), logo).toBe(true);
    }
    for (const shot of src.info.screenshots) {
      // Each listed screenshot is one the browser harness produces.
      const name = shot.path.replace(/^screenshots\//, '').replace(/\.png$/, '');
      expect(SCREENSHOTS.map((s) => `${s.id}-${s.mode}`)).toContain(name);
      if (existsSync(join(PLUGIN_DIR, shot.path))) expect(existsSync(join(DIST, shot.path)), shot.path).toBe(true);
    }
  });

  it('the rule check itself rejects what the schema rejects', () => {
    const bad = (patch: (m: Manifest) => void) => {
      const m = structuredClone(src);
      patch(m);
      return validatePluginJson(m);
    };
    expect(bad((m) => (m.id = 'Modelwatch_Distribution'))).toEqual([expect.stringContaining('does not match')]);
    expect(bad((m) => (m.id = 'modelwatch-distribution-app'))).toEqual([expect.stringContaining('must end in -panel')]);
    expect(bad((m) => (m.type = 'widget'))[0]).toContain('is not a plugin type');
    expect(bad((m) => delete m.info.keywords)).toContain('info: missing required property "keywords"');
    expect(bad((m) => (m.info.keywords = []))).toContain('info.keywords: needs at least one keyword');
    expect(bad((m) => delete m.dependencies.grafanaDependency)).toContain('dependencies: missing required property "grafanaDependency"');
    expect(bad((m) => (m.dependencies.grafanaDependency = 'ten point four'))[0]).toContain('is not a version range');
    expect(bad((m) => (m.colour = 'red'))).toContain('plugin.json: unknown property "colour"');
    expect(bad((m) => delete m.info.logos.large)).toContain('info.logos: missing required property "large"');
    expect(ID_PATTERN.test('myorg-foo-bar-panel')).toBe(false);
    expect(ID_PATTERN.test('myorg-panel')).toBe(true);
  });
});

interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Reads a zip through its central directory, inflating each entry and checking its CRC. */
function readZip(file: string): ZipEntry[] {
  const buf = readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    if (!name.endsWith('/')) {
      const check = crc32(data);
      if (check !== crc) throw new Error(`CRC mismatch for ${name}`);
    }
    out.push({ name, data });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function crc32(data: Buffer): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('the zip for Grafana’s plugin folder', () => {
  const zip = zipPath();

  it('holds dist/ under the plugin id, byte for byte', () => {
    const entries = readZip(zip).filter((e) => !e.name.endsWith('/'));
    const names = entries.map((e) => e.name);
    for (const f of ['module.js', 'plugin.json', 'img/logo.svg', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
      expect(names).toContain(`modelwatch-distribution-panel/${f}`);
    }
    for (const e of entries) {
      expect(e.name.startsWith('modelwatch-distribution-panel/')).toBe(true);
      const rel = e.name.slice('modelwatch-distribution-panel/'.length);
      expect(e.data.equals(readFileSync(join(DIST, rel))), rel).toBe(true);
    }
    expect(readFileSync(join(DIST, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    const [sha] = readFileSync(`${zip}.sha256`, 'utf8').split(/\s+/);
    expect(sha).toBe(createHash('sha256').update(readFileSync(zip)).digest('hex'));
  });

  it('passes unzip’s own integrity test (when unzip is installed)', () => {
    const r = spawnSync('unzip', ['-tq', zip], { encoding: 'utf8' });
    if (r.error) {
      console.warn('unzip is not installed; the zip was checked by the reader above only');
      return;
    }
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('the writer round-trips arbitrary content, including empty and binary files', () => {
    const dir = join(PLUGIN_DIR, 'harness', 'build');
    const file = join(dir, 'roundtrip.zip');
    const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    writeZip(file, [{ name: 'a/' }, { name: 'a/empty.txt', data: Buffer.alloc(0) }, { name: 'a/bin', data: binary }, { name: 'ü.txt', data: Buffer.from('ünïcode') }]);
    const back = readZip(file);
    expect(back.map((e) => e.name)).toEqual(['a/', 'a/empty.txt', 'a/bin', 'ü.txt']);
    expect(back[2]?.data.equals(binary)).toBe(true);
    expect(back[3]?.data.toString('utf8')).toBe('ünïcode');
  });
});
