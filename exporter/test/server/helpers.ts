/**
 * Helpers for the access-control tests: throw-away certificates made with openssl, an in-process
 * exporter started with a web config and a logger whose output is kept for inspection, and an HTTPS
 * client that trusts the test CA (Node's fetch takes no CA option).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseConfigText } from '../../src/config/load.js';
import { Exporter } from '../../src/exporter.js';
import { createLogger } from '../../src/log/logger.js';
import { loadWebConfigFile, type Env } from '../../src/server/web-config.js';
import { SMALL_REFERENCE_CSV } from '../support/exporter-fixture.js';

export interface Certs {
  dir: string;
  /** Server certificate for CN/SAN 127.0.0.1 (self-signed, so also the CA clients trust). */
  serverCert: string;
  serverKey: string;
  /** Self-signed client certificates; "client" carries SAN DNS:scraper.example, "other" DNS:other.example. */
  clientCert: string;
  clientKey: string;
  otherCert: string;
  otherKey: string;
  /** Not in any CA bundle the server trusts. */
  rogueCert: string;
  rogueKey: string;
}

function selfSigned(dir: string, name: string, subject: string, san: string, rsa = false): void {
  const keyArgs = rsa ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  execFileSync(
    'openssl',
    ['req', '-x509', ...keyArgs, '-nodes', '-days', '1', '-subj', subject, '-addext', `subjectAltName=${san}`, '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.crt`)],
    { stdio: 'pipe' },
  );
}

export async function makeCerts(): Promise<Certs> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-certs-'));
  selfSigned(dir, 'server', '/CN=127.0.0.1', 'IP:127.0.0.1', true);
  selfSigned(dir, 'client', '/CN=scraper', 'DNS:scraper.example');
  selfSigned(dir, 'other', '/CN=other', 'DNS:other.example');
  selfSigned(dir, 'rogue', '/CN=rogue', 'DNS:scraper.example');
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return {
    dir,
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    otherCert: read('other.crt'),
    otherKey: read('other.key'),
    rogueCert: read('rogue.crt'),
    rogueKey: read('rogue.key'),
  };
}

/** Log lines of an exporter, kept in memory. */
export class LogCapture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error) => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}

export interface SecuredExporter {
  url: string;
  dir: string;
  exporter: Exporter;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * Starts an exporter on 127.0.0.1:0 with `web.yml` (written next to the config, so relative paths in it
 * resolve against the temp folder) and `files` written there too.
 */
export async function startSecuredExporter(webYaml: string, opts: { files?: Record<string, string>; env?: Env } = {}): Promise<SecuredExporter> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelwatch-secured-'));
  await writeFile(path.join(dir, 'reference.csv'), SMALL_REFERENCE_CSV);
  for (const [name, text] of Object.entries(opts.files ?? {})) await writeFile(path.join(dir, name), text, { mode: 0o600 });
  await writeFile(path.join(dir, 'web.yml'), webYaml);
  const config = parseConfigText(
    `models:
  - name: weather
    task: classification
    reference: {path: reference.csv}
    features:
      - {name: temp, type: numeric}
      - {name: city, type: categorical}
    prediction_field: prediction
    label_field: label
    windows: [1m]
`,
    path.join(dir, 'modelwatch.yml'),
  );
  const webConfig = await loadWebConfigFile(path.join(dir, 'web.yml'), opts.env ?? {});
  const logs = new LogCapture();
  const exporter = new Exporter({ config, listenAddress: '127.0.0.1:0', logger: createLogger('debug', logs), webConfig });
  await exporter.start();
  const { port } = exporter.address();
  return {
    url: `${webConfig.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    dir,
    exporter,
    logs,
    async close() {
      await exporter.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** CA to trust (HTTPS). */
  ca?: string;
  /** Client certificate and key (mTLS). */
  cert?: string;
  key?: string;
}

/** One request on a fresh connection (no pooling, so TLS handshakes are not reused between cases). */
export function request(url: string, opts: RequestOptions = {}): Promise<Reply> {
  const u = new URL(url);
  const client = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      u,
      {
        method: opts.method ?? 'GET',
        headers: { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
        agent: false,
        ...(u.protocol === 'https:' ? { ca: opts.ca, cert: opts.cert, key: opts.key } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.end(opts.body);
  });
}

export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
