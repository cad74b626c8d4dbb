/**
 * Serves the harness page and drives it in headless Chromium (playwright-core): the page loads SystemJS,
 * the host bundle, the AMD extra, then the BUILT dist/module.js, the way Grafana loads panel plugins.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildHost } from './build-host';
import { PLUGIN_DIR, REPO_ROOT, type Host } from './hosts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SHARED_NAMES = ['react', 'react-dom', 'react-dom/client', '@grafana/data', '@grafana/ui', '@grafana/runtime', '@emotion/css'];

function page(): string {
  const importMap = { imports: Object.fromEntries(SHARED_NAMES.map((n) => [n, `package:${n}`])) };
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>modelwatch panel harness</title>
<link rel="icon" href="data:,">
<script>window.grafanaBootData = { settings: { featureToggles: {}, buildInfo: {} }, user: {}, navTree: [] };</script>
<script type="systemjs-importmap">${JSON.stringify(importMap)}</script>
<script src="/system.js"></script>
<script src="/host.js"></script>
<script src="/amd.js"></script>
<style>body { margin: 0; padding: 16px; font-family: Inter, Helvetica, Arial, sans-serif; } #stage { position: relative; overflow: hidden; }</style>
</head>
<body><div id="stage"></div></body>
</html>`;
}

export interface Harness {
  page: Page;
  url: string;
  /** Uncaught page errors and console errors since the last take. */
  takeErrors(): string[];
  close(): Promise<void>;
}

export async function openHarness(host: Host): Promise<Harness> {
  const hostJs = await buildHost(host);
  const files: Record<string, string> = {
    '/system.js': join(REPO_ROOT, 'node_modules', 'systemjs', 'dist', 'system.js'),
    '/amd.js': join(REPO_ROOT, 'node_modules', 'systemjs', 'dist', 'extras', 'amd.js'),
    '/host.js': hostJs,
    '/dist/module.js': join(PLUGIN_DIR, 'dist', 'module.js'),
    '/dist/module.js.map': join(PLUGIN_DIR, 'dist', 'module.js.map'),
  };
  if (!existsSync(files['/dist/module.js'] as string)) throw new Error('dist/module.js is missing: run node grafana-plugin/build.mjs');
  const server: Server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page());
      return;
    }
    const file = files[path];
    if (!file || !existsSync(file)) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': path.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const userDataDir = mkdtempSync(join(tmpdir(), 'modelwatch-harness-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 900, height: 700 },
      deviceScaleFactor: 1,
    });
  } catch (err) {
    server.close();
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const p = context.pages()[0] ?? (await context.newPage());
  let errors: string[] = [];
  p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  p.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  p.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await p.goto(url, { waitUntil: 'load' });
  return {
    page: p,
    url,
    takeErrors() {
      const out = errors;
      errors = [];
      return out;
    },
    async close() {
      await context?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
