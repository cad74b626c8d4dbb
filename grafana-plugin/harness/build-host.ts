/**
 * Bundles harness/host-entry.ts with one host's packages into harness/build/<host>/host.js (an IIFE, like the
 * Grafana front end: React, @grafana/* and @emotion/css come from that host's node_modules). The bundle is
 * reused while its inputs are unchanged.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { BUILD_DIR, HARNESS_DIR, HOST_PACKAGES, PLUGIN_DIR, installedVersion, type Host } from './hosts';

const INPUTS = [join(HARNESS_DIR, 'host-entry.ts'), join(HARNESS_DIR, 'scenarios.ts'), join(PLUGIN_DIR, 'test', 'fixtures.ts')];

/** Bare imports of the harness's own files resolve in the host folder, not the repository root. */
function resolveFromHost(host: Host): Plugin {
  return {
    name: 'resolve-from-host',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'host' || args.importer.includes('node_modules')) return undefined;
        const result = await b.resolve(args.path, { kind: args.kind, resolveDir: host.dir, pluginData: 'host' });
        return result.errors.length > 0 ? { errors: result.errors } : { path: result.path, external: result.external };
      });
    },
  };
}

export async function buildHost(host: Host): Promise<string> {
  const outDir = join(BUILD_DIR, host.id);
  const outFile = join(outDir, 'host.js');
  const versions = Object.fromEntries(HOST_PACKAGES.map((p) => [p, installedVersion(host, p) ?? 'missing']));
  const hash = createHash('sha256');
  for (const f of INPUTS) hash.update(readFileSync(f));
  hash.update(JSON.stringify(versions));
  const lock = join(host.dir, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  const stamp = hash.digest('hex');
  const stampFile = join(outDir, 'inputs.sha256');
  if (existsSync(outFile) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return outFile;

  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(HARNESS_DIR, 'host-entry.ts')],
    outfile: outFile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    logLevel: 'error',
    plugins: [resolveFromHost(host)],
    define: {
      'process.env.NODE_ENV': '"production"',
      global: 'window',
      HOST_VERSIONS: JSON.stringify(versions),
    },
    loader: { '.css': 'empty', '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty' },
  });
  writeFileSync(stampFile, stamp);
  return outFile;
}
