#!/usr/bin/env node
/**
 * Writes the dashboards in dashboards/*.json from their sources in this folder.
 *
 *   node dashboards/src/build.mjs           write dashboards/overview.json, model.json, operations.json
 *   node dashboards/src/build.mjs --check   exit 1 (naming the files) when a committed file differs
 *
 * Edit the sources (overview.mjs, model.mjs, operations.mjs; shared builders in grafana.mjs), never the
 * JSON: the tests fail when the committed JSON is not what this script writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import model from './model.mjs';
import operations from './operations.mjs';
import overview from './overview.mjs';

export const DASHBOARDS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The dashboards, by file name. */
export const DASHBOARDS = Object.freeze({
  'overview.json': overview,
  'model.json': model,
  'operations.json': operations,
});

/** The file text of a dashboard: two-space indented JSON with a final newline. */
export function render(dashboard) {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

/** File name → expected text. */
export function renderAll() {
  return Object.fromEntries(Object.entries(DASHBOARDS).map(([file, d]) => [file, render(d)]));
}

/** Files whose committed text differs from the generator's (missing files included). */
export function outdated(dir = DASHBOARDS_DIR) {
  return Object.entries(renderAll())
    .filter(([file, text]) => {
      try {
        return readFileSync(join(dir, file), 'utf8') !== text;
      } catch {
        return true;
      }
    })
    .map(([file]) => file);
}

function main(args) {
  if (args.includes('--check')) {
    const stale = outdated();
    if (stale.length > 0) {
      console.error(`dashboards out of date: ${stale.join(', ')}; run: node dashboards/src/build.mjs`);
      return 1;
    }
    console.log('dashboards up to date');
    return 0;
  }
  for (const [file, text] of Object.entries(renderAll())) writeFileSync(join(DASHBOARDS_DIR, file), text);
  console.log(`wrote ${Object.keys(DASHBOARDS).join(', ')}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
