/** Starts an in-process exporter on a free loopback port with a small reference, for API tests. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { Exporter } from '../../src/exporter.js';
import { silentLogger } from '../../src/log/logger.js';

export const SMALL_REFERENCE_CSV = [
  'temp,city,prediction,label',
  ...Array.from({ length: 200 }, (_, i) => `${(i % 20) + 0.5},${['oslo', 'rome', 'lima'][i % 3]},${i % 2 ? 'rain' : 'sun'},${i % 3 ? 'rain' : 'sun'}`),
].join('\n');

export interface ExporterFixture {
  url: string;
  dir: string;
  exporter: Exporter;
  close(): Promise<void>;
}

export async function startExporter(extraYaml = '', opts: { configHeader?: string; referenceCsv?: string; modelYaml?: string } = {}): Promise<ExporterFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-api-'));
  await writeFile(path.join(dir, 'reference.csv'), opts.referenceCsv ?? SMALL_REFERENCE_CSV);
  const yaml = opts.modelYaml ?? `${opts.configHeader ?? ''}models:
  - name: weather
    task: classification
    reference: {path: reference.csv}
    features:
      - {name: temp, type: numeric}
      - {name: city, type: categorical}
    prediction_field: prediction
    label_field: label
    windows: [1m, 1h]
${extraYaml}`;
  const config = parseConfigText(yaml, path.join(dir, 'modelwatch.yml'));
  config.drift.minWindowSamples = 5;
  const exporter = new Exporter({ config, listenAddress: '127.0.0.1:0', logger: silentLogger() });
  await exporter.start();
  const { port } = exporter.address();
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    exporter,
    async close() {
      await exporter.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Parses the text exposition into `name{labels} -> value` (labels sorted), for assertions. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels = m[3] ? [...m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => `${x[1]}="${x[2]}"`).sort().join(',') : '';
    out.set(`${m[1]}{${labels}}`, Number(m[4]));
  }
  return out;
}
