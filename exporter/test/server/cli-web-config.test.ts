/** `--web.config.file` on the command line: validated by check-config, refused clearly when wrong. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { SMALL_REFERENCE_CSV } from '../support/exporter-fixture.js';
import { removeDir } from './helpers.js';

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-cli-web-'));
  await writeFile(path.join(dir, 'reference.csv'), SMALL_REFERENCE_CSV);
  config = path.join(dir, 'modelwatch.yml');
  await writeFile(config, 'models:\n  - name: weather\n    task: classification\n    reference: {path: reference.csv}\n');
  await writeFile(path.join(dir, 'good.yml'), `basic_auth_users:\n  prometheus: ${bcrypt.hashSync('pw', 4)}\n`);
  await writeFile(path.join(dir, 'bad.yml'), 'basic_auth_users:\n  prometheus: not-a-hash\n');
});
afterAll(async () => {
  await removeDir(dir);
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('--web.config.file', () => {
  it('is listed in --help', async () => {
    expect((await run(['--help'])).out).toContain('--web.config.file=FILE');
  });

  it('is validated by check-config, warnings included', async () => {
    const r = await run(['check-config', `--config.file=${config}`, `--web.config.file=${path.join(dir, 'good.yml')}`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${path.join(dir, 'good.yml')}: valid web configuration`);
    expect(r.out).toContain('warning: credentials are configured without tls_server_config');
  });

  it('stops the exporter from starting when invalid, naming the key', async () => {
    const r = await run([`--config.file=${config}`, `--web.config.file=${path.join(dir, 'bad.yml')}`, '--web.listen-address=127.0.0.1:0']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`modelwatch: invalid configuration in ${path.join(dir, 'bad.yml')}:`);
    expect(r.err).toContain('basic_auth_users.prometheus: not a bcrypt hash');
    expect(r.err).not.toContain('not-a-hash');
    const missing = await run(['check-config', `--config.file=${config}`, `--web.config.file=${path.join(dir, 'missing.yml')}`]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read the web configuration file (file not found)');
  });

  it('does not apply to the demo', async () => {
    const r = await run(['demo', `--web.config.file=${path.join(dir, 'good.yml')}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--web.config.file does not apply to "demo"');
  });
});
