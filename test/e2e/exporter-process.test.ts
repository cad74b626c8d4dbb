/**
 * End to end: the real `modelwatch` process with a config, a reference file and a tailed JSONL file;
 * records through HTTP and through the file; /metrics parsed with a Prometheus text-format parser and
 * linted by promtool; a graceful restart that neither loses nor re-reads file lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseExposition, type Exposition } from '../support/exposition.js';
import { requireBinary } from '../support/binaries.js';
import { startExporterProcess, waitFor, type ExporterProcess } from '../support/exporter-process.js';

let dir: string;
let configFile: string;
let logFile: string;

const line = (id: string, temp: number | string, city: string) =>
  `${JSON.stringify({ model: 'loans', prediction_id: id, features: { income: temp, region: city }, prediction: 1.5, latency_ms: 20 })}\n`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-e2e-'));
  const rows = ['income,region,prediction,label'];
  for (let i = 0; i < 500; i++) rows.push(`${1000 + ((i * 37) % 500)},${['north', 'south', 'east', 'west'][i % 4]},${(i % 7) / 2},${(i % 5) / 2}`);
  await writeFile(path.join(dir, 'reference.csv'), rows.join('\n'));
  logFile = path.join(dir, 'logs', 'predictions.jsonl');
  configFile = path.join(dir, 'modelwatch.yml');
  await writeFile(
    configFile,
    `models:
  - name: loans
    task: regression
    reference:
      path: ./reference.csv
    prediction_field: prediction
    label_field: label
    windows: [5m, 1h]
sources:
  - { type: file, path: ./logs/predictions.jsonl }
defaults:
  min_window_samples: 10
`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scrape(url: string): Promise<{ text: string; families: Exposition }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return { text, families: parseExposition(text) };
}

function value(families: Exposition, name: string, labels: Record<string, string>): number | undefined {
  return families.value(name, labels);
}

describe('modelwatch process', () => {
  let proc: ExporterProcess | undefined;
  afterAll(async () => {
    await proc?.stop('SIGKILL');
  });

  it('ingests over HTTP and from a tailed file, and serves parseable, lint-clean metrics', async () => {
    await (await import('node:fs/promises')).mkdir(path.dirname(logFile), { recursive: true });
    await writeFile(logFile, line('f1', 1100, 'north') + line('f2', 1400, 'south') + 'not json\n' + line('f3', 'rich', 'east'));
    proc = await startExporterProcess([`--config.file=${configFile}`]);
    const p = proc;
    await waitFor('readiness', async () => ((await fetch(`${p.url}/-/ready`)).status === 200 ? true : undefined));
    const res = await fetch(`${p.url}/api/v1/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ model: 'loans', prediction_id: `h${i}`, features: { income: 1000 + i * 10, region: 'west' }, prediction: 1 }))),
    });
    expect(res.status).toBe(202);
    const { families, text } = await waitFor('file lines and HTTP records counted', async () => {
      const s = await scrape(p.url);
      return value(s.families, 'modelwatch_predictions_total', { model: 'loans', model_version: '1' }) === 32 ? s : undefined;
    });
    expect(families.types.get('modelwatch_predictions_total')).toBe('counter');
    expect(value(families, 'modelwatch_records_rejected_total', { model: '', reason: 'malformed_json' })).toBe(1);
    expect(value(families, 'modelwatch_records_rejected_total', { model: 'loans', reason: 'invalid_field' })).toBe(1);
    expect(value(families, 'modelwatch_file_source_lines_total', { path: logFile })).toBe(4);
    expect(value(families, 'modelwatch_feature_drift', { feature: 'income', window: '5m', method: 'psi' })).toBeGreaterThan(0);
    expect(value(families, 'modelwatch_window_samples', { window: '1h' })).toBe(32);
    expect(families.types.get('modelwatch_prediction_latency_seconds')).toBe('histogram');
    expect(value(families, 'modelwatch_prediction_latency_seconds_count', { model: 'loans' })).toBe(2);
    expect(value(families, 'modelwatch_prediction_latency_seconds_bucket', { model: 'loans', le: '0.025' })).toBe(2);
    expect(value(families, 'process_resident_memory_bytes', {})).toBeGreaterThan(0);
    expect(value(families, 'modelwatch_build_info', {})).toBe(1);
    // Logs are structured JSON with levels.
    expect(p.logs.find((l) => l.msg === 'ready')).toMatchObject({ level: 'info', models: ['loans'] });

    const promtool = requireBinary('promtool', 'prometheus');
    if (promtool) {
      // prom-client's nodejs_active_* gauges carry a _total suffix promtool objects to; they are not ours.
      const ours = text
        .split('\n\n')
        .filter((block) => !/nodejs_active_(handles|requests|resources)_total/.test(block))
        .join('\n\n');
      expect(execFileSync(promtool, ['check', 'metrics'], { input: ours, encoding: 'utf8' }).trim()).toBe('');
    }
  });

  it('stops gracefully on SIGTERM and resumes the file where it stopped', async () => {
    expect(await proc!.stop('SIGTERM')).toBe(0);
    const offsets = JSON.parse(await readFile(path.join(dir, '.modelwatch', 'file-offsets.json'), 'utf8')) as unknown;
    expect(JSON.stringify(offsets)).toContain('predictions.jsonl');
    await appendFile(logFile, line('f4', 1200, 'west') + line('f5', 1300, 'west'));
    proc = await startExporterProcess([`--config.file=${configFile}`]);
    const p = proc;
    // Counters restart from zero in a new process; only the two new lines may be read.
    const families = await waitFor('the appended lines', async () => {
      const s = await scrape(p.url);
      return value(s.families, 'modelwatch_file_source_lines_total', { path: logFile }) === 2 ? s.families : undefined;
    });
    await new Promise((r) => setTimeout(r, 600));
    const again = (await scrape(p.url)).families;
    expect(value(again, 'modelwatch_predictions_total', { model: 'loans', model_version: '1' })).toBe(2);
    // The malformed line before the restart is not read again, so no rejection was counted this time.
    expect(value(families, 'modelwatch_records_rejected_total', { model: '', reason: 'malformed_json' })).toBeUndefined();
    expect(p.logs.some((l) => l.msg === 'reference profile loaded from cache')).toBe(true);
  });
});

describe('modelwatch command line', () => {
  const run = (args: string[]) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [path.resolve('exporter/bin/modelwatch.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      return { code: e.status, out: e.stdout + e.stderr };
    }
  };

  it('prints help and version', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--config.file=FILE');
    expect(help.out).toContain('--web.listen-address=ADDR');
    expect(run(['--version']).out).toMatch(/^modelwatch \d+\.\d+\.\d+/);
  });

  it('validates a configuration and explains what is wrong', async () => {
    expect(run(['check-config', `--config.file=${configFile}`])).toMatchObject({ code: 0 });
    const bad = path.join(dir, 'bad.yml');
    await writeFile(bad, 'models:\n  - name: x\n    task: regresion\n    reference: {path: r.csv}\n');
    const r = run(['check-config', `--config.file=${bad}`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('models[0].task: must be one of "classification", "regression"; got "regresion"');
    const missing = run(['--config.file=/nonexistent/modelwatch.yml']);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('file not found');
  });

  it('refuses unknown flags and bad listen addresses', async () => {
    const r = run(['--web.listen=1']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/Unknown option '--web.listen'/);
  });

  it('precomputes reference profiles with the profile command', async () => {
    const r = run(['profile', `--config.file=${configFile}`, '--profile.rebuild']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^loans: reference [0-9a-f]{16}, 500 rows, 4 columns$/m);
  });
});
