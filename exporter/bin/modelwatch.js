#!/usr/bin/env node
// Entry point installed as the `modelwatch` command. The exporter is written in
// TypeScript and compiled to exporter/dist by `npm run build` (run by `npm ci`).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`modelwatch: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
