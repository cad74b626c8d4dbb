/**
 * A real Prometheus and Alertmanager for tests, on loopback only.
 *
 * - Every program gets a free port, a private temporary directory and short intervals (scrape and rule
 *   evaluation every second by default). Debian's defaults (system state directories, 0.0.0.0 ports,
 *   Alertmanager clustering on :9094) are all overridden.
 * - `startStack` waits for `/-/ready` of each program; a program that exits early fails the start with
 *   the tail of its log.
 * - `stop()` kills every child (SIGTERM, then SIGKILL after a grace period) and waits for it to exit;
 *   children still alive when the test process exits are killed as a last resort.
 * - `testRuleFile` and `testAlertmanagerConfig` derive fast copies of the real rule files and
 *   Alertmanager configuration (short `for:`, group intervals and waits; webhooks pointed at the test's
 *   receiver) so that tests never carry a hand-written duplicate of them.
 *
 * Expect about 5 s between Prometheus being ready and its first scrape (service discovery batches its
 * updates).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

// ---------------------------------------------------------------------------------------------------------
// waiting

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** what is awaited, for the timeout message */
  description?: string;
}

/**
 * Calls `probe` until it returns something other than undefined/false/null, and returns that. Errors
 * thrown by the probe count as "not yet"; the last one is reported on timeout.
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 250, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `GET url` answers with a 2xx status (e.g. an exporter's /metrics). */
export async function waitForHttpOk(url: string, options: WaitOptions = {}): Promise<void> {
  await waitUntil(async () => (await fetch(url)).ok, { description: `GET ${url}`, ...options });
}

// ---------------------------------------------------------------------------------------------------------
// ports, directories, processes

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** true once the process has exited */
  readonly exited: boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited */
  stop(graceMs?: number): Promise<void>;
  /** the last lines of its combined stdout/stderr */
  logTail(lines?: number): string;
}

export function startProcess(name: string, command: string, args: string[], logFile: string): ManagedProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  liveChildren.add(child);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    const done = () => {
      exited = true;
      liveChildren.delete(child);
      resolve();
    };
    child.once('exit', done);
    child.once('error', (error) => {
      writeFileSync(logFile, `\nspawn error: ${error.message}\n`, { flag: 'a' });
      done();
    });
  });
  return {
    name,
    pid: child.pid ?? -1,
    logFile,
    get exited() {
      return exited;
    },
    async stop(graceMs = 5_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, graceMs);
      await exitPromise;
      clearTimeout(timer);
    },
    logTail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}

async function waitReady(proc: ManagedProcess, url: string, timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => {
      if (proc.exited) throw new ExitedEarly(proc);
      const response = await fetch(`${url}/-/ready`);
      return response.ok;
    },
    { timeoutMs, intervalMs: 100, description: `${proc.name} at ${url}/-/ready` },
  ).catch((error: unknown) => {
    if (proc.exited) throw new ExitedEarly(proc);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- ${proc.name} log ---\n${proc.logTail()}`);
  });
}

class ExitedEarly extends Error {
  constructor(readonly proc: ManagedProcess) {
    super(`${proc.name} exited before it was ready\n--- ${proc.name} log ---\n${proc.logTail()}`);
  }
}

/** Starts a program on a fresh port, retrying with another port when the first one was taken meanwhile. */
async function startOnFreePort(name: string, launch: (port: number) => ManagedProcess, timeoutMs: number): Promise<{ proc: ManagedProcess; url: string; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = launch(port);
    try {
      await waitReady(proc, url, timeoutMs);
      return { proc, url, port };
    } catch (error) {
      await proc.stop();
      const portTaken = /address already in use/i.test(proc.logTail(200));
      if (!portTaken || attempt >= 3) throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Prometheus HTTP API

export interface InstantSample {
  metric: Record<string, string>;
  value: number;
  /** seconds since the epoch */
  timestamp: number;
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<{ timestamp: number; value: number }>;
}

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value: string;
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as ApiResponse<T>;
  if (!response.ok || body.status !== 'success') {
    throw new Error(`${url}: HTTP ${response.status} ${body.errorType ?? ''} ${body.error ?? ''}`.trim());
  }
  return body.data;
}

export class PrometheusClient {
  constructor(readonly url: string) {}

  /** Instant query; `time` in seconds since the epoch (default: now). */
  async query(expr: string, time?: number): Promise<InstantSample[]> {
    const params = new URLSearchParams({ query: expr });
    if (time !== undefined) params.set('time', String(time));
    const data = await getJson<{ resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(
      `${this.url}/api/v1/query?${params}`,
    );
    if (data.resultType !== 'vector') throw new Error(`query ${expr}: expected a vector, got ${data.resultType}`);
    return data.result.map((r) => ({ metric: r.metric, timestamp: r.value[0], value: Number(r.value[1]) }));
  }

  /** Range query; times in seconds since the epoch, `step` in seconds. */
  async queryRange(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const params = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) });
    const data = await getJson<{ resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
      `${this.url}/api/v1/query_range?${params}`,
    );
    return data.result.map((r) => ({ metric: r.metric, values: r.values.map(([t, v]) => ({ timestamp: t, value: Number(v) })) }));
  }

  /** Waits until the query returns at least one sample accepted by `accept`, and returns the samples. */
  async waitForQuery(expr: string, accept: (samples: InstantSample[]) => boolean = (s) => s.length > 0, options: WaitOptions = {}): Promise<InstantSample[]> {
    return waitUntil(
      async () => {
        const samples = await this.query(expr);
        return accept(samples) ? samples : undefined;
      },
      { description: `query ${expr}`, ...options },
    );
  }

  /** Alerts known to the rule manager (pending and firing). */
  async alerts(): Promise<PrometheusAlert[]> {
    const data = await getJson<{ alerts: PrometheusAlert[] }>(`${this.url}/api/v1/alerts`);
    return data.alerts;
  }

  /** Waits until every scrape target of `job` is up (and there is at least one). */
  async waitForTargetsUp(job: string, options: WaitOptions = {}): Promise<void> {
    await this.waitForQuery(`up{job="${job}"}`, (s) => s.length > 0 && s.every((x) => x.value === 1), {
      description: `targets of job ${job} up (first scrape)`,
      ...options,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Alertmanager HTTP API and webhook receiver

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
  receivers: Array<{ name: string }>;
  startsAt: string;
  fingerprint: string;
}

export class AlertmanagerClient {
  constructor(readonly url: string) {}

  /** GET /api/v2/alerts, including inhibited and silenced alerts. */
  async alerts(): Promise<AlertmanagerAlert[]> {
    const response = await fetch(`${this.url}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`);
    if (!response.ok) throw new Error(`Alertmanager /api/v2/alerts: HTTP ${response.status}`);
    return (await response.json()) as AlertmanagerAlert[];
  }

  async waitForAlert(accept: (alert: AlertmanagerAlert) => boolean, options: WaitOptions = {}): Promise<AlertmanagerAlert> {
    return waitUntil(async () => (await this.alerts()).find(accept), { description: 'an alert in Alertmanager', ...options });
  }
}

/** The JSON body Alertmanager posts to a webhook receiver (version 4). */
export interface WebhookPayload {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: Array<{
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
}

export interface WebhookReceiver {
  /** base URL; a receiver posts to `${url}/<path>` */
  url: string;
  /** payloads received so far, per request path (e.g. "/ml") */
  received(path: string): WebhookPayload[];
  /** every path that received something */
  paths(): string[];
  /** waits for a payload on `path` accepted by `accept` */
  waitFor(path: string, accept?: (payload: WebhookPayload) => boolean, options?: WaitOptions): Promise<WebhookPayload>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const byPath = new Map<string, WebhookPayload[]>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://receiver').pathname;
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload;
        const list = byPath.get(path) ?? [];
        list.push(payload);
        byPath.set(path, list);
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: (path) => [...(byPath.get(path) ?? [])],
    paths: () => [...byPath.keys()],
    waitFor: (path, accept = () => true, options = {}) =>
      waitUntil(() => (byPath.get(path) ?? []).find(accept), { description: `a webhook post on ${path}`, ...options }),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// fast test copies of the real files

export interface RuleFileTestOptions {
  /** replaces every alert's `for:` (default 1s) */
  for?: string;
  /** replaces every group's `interval:` (default: removed, so the global evaluation interval applies) */
  interval?: string;
}

/** A rule file with short `for:` durations and group intervals; the expressions stay untouched. */
export function testRuleFile(yamlText: string, options: RuleFileTestOptions = {}): string {
  const doc = parse(yamlText) as { groups: Array<{ interval?: string; rules: Array<Record<string, unknown>> }> };
  for (const group of doc.groups) {
    if (options.interval === undefined) delete group.interval;
    else group.interval = options.interval;
    for (const rule of group.rules) {
      if ('alert' in rule && 'for' in rule) rule.for = options.for ?? '1s';
    }
  }
  return stringify(doc, { lineWidth: 0 });
}

export interface AlertmanagerTestOptions {
  /** every webhook posts to `${webhookBaseUrl}/<receiver name>` */
  webhookBaseUrl: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  /** absolute glob of the templates (default: templates left out) */
  templatesGlob?: string;
}

interface RouteNode {
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: RouteNode[];
}

/**
 * An Alertmanager configuration with every webhook pointed at the test's receiver (path = receiver name),
 * every other notifier removed, and short group waits and intervals everywhere in the routing tree.
 */
export function testAlertmanagerConfig(yamlText: string, options: AlertmanagerTestOptions): string {
  const doc = parse(yamlText) as { route: RouteNode; receivers: Array<Record<string, unknown> & { name: string }>; templates?: string[] };
  const visit = (route: RouteNode, root: boolean) => {
    if (root || route.group_wait !== undefined) route.group_wait = options.groupWait ?? '1s';
    if (root || route.group_interval !== undefined) route.group_interval = options.groupInterval ?? '1s';
    if (root || route.repeat_interval !== undefined) route.repeat_interval = options.repeatInterval ?? '1h';
    for (const child of route.routes ?? []) visit(child, false);
  };
  visit(doc.route, true);
  for (const receiver of doc.receivers) {
    for (const key of Object.keys(receiver)) {
      if (key.endsWith('_configs') && key !== 'webhook_configs') delete receiver[key];
    }
    const hooks = receiver.webhook_configs as Array<{ url: string }> | undefined;
    for (const hook of hooks ?? []) hook.url = `${options.webhookBaseUrl}/${receiver.name}`;
  }
  if (options.templatesGlob === undefined) delete doc.templates;
  else doc.templates = [options.templatesGlob];
  return stringify(doc, { lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------------------
// the stack

export interface ScrapeJob {
  job: string;
  /** host:port */
  targets: string[];
  metricsPath?: string;
}

export interface StackOptions {
  scrapeJobs: ScrapeJob[];
  /** rule files to load as they are (write test copies first with testRuleFile) */
  ruleFiles?: string[];
  /** Alertmanager configuration text; without it no Alertmanager is started */
  alertmanagerConfig?: string;
  /** files copied next to the Alertmanager configuration (e.g. templates) */
  alertmanagerFiles?: Record<string, string>;
  /** default 1s */
  scrapeInterval?: string;
  /** default 1s */
  evaluationInterval?: string;
  /** readiness timeout per program, default 20 s */
  readyTimeoutMs?: number;
  /** keep the temporary directory after stop() (for debugging) */
  keepDir?: boolean;
}

export interface Stack {
  /** private temporary directory holding configs, data and logs */
  dir: string;
  prometheus: PrometheusClient;
  alertmanager?: AlertmanagerClient;
  processes: ManagedProcess[];
  /** writes a file into the stack's directory and returns its path */
  writeFile(name: string, text: string): string;
  /** kills every child and waits for it; safe to call more than once */
  stop(): Promise<void>;
}

/** Creates the stack's temporary directory up front, so rule copies can be written before the start. */
export function stackDir(): string {
  return mkdtempSync(join(tmpdir(), 'modelwatch-stack-'));
}

export async function startStack(options: StackOptions, dir: string = stackDir()): Promise<Stack> {
  const processes: ManagedProcess[] = [];
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(processes.map((p) => p.stop()));
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  };
  const writeFile = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  try {
    let alertmanager: AlertmanagerClient | undefined;
    if (options.alertmanagerConfig !== undefined) {
      const amDir = join(dir, 'alertmanager');
      mkdirSync(join(amDir, 'data'), { recursive: true });
      for (const [name, text] of Object.entries(options.alertmanagerFiles ?? {})) {
        mkdirSync(dirname(join(amDir, name)), { recursive: true });
        writeFileSync(join(amDir, name), text);
      }
      const configFile = join(amDir, 'alertmanager.yml');
      writeFileSync(configFile, options.alertmanagerConfig);
      const started = await startOnFreePort(
        'alertmanager',
        (port) =>
          startProcess('alertmanager', 'prometheus-alertmanager', [
            `--config.file=${configFile}`,
            `--storage.path=${join(amDir, 'data')}`,
            `--web.listen-address=127.0.0.1:${port}`,
            `--web.external-url=http://127.0.0.1:${port}/`,
            '--cluster.listen-address=',
            '--log.level=warn',
          ], join(dir, 'alertmanager.log')),
        readyTimeoutMs,
      );
      processes.push(started.proc);
      alertmanager = new AlertmanagerClient(started.url);
    }

    const interval = options.scrapeInterval ?? '1s';
    const config = {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: options.evaluationInterval ?? '1s' },
      ...(alertmanager ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(alertmanager.url).host] }] }] } } : {}),
      rule_files: options.ruleFiles ?? [],
      scrape_configs: options.scrapeJobs.map((j) => ({
        job_name: j.job,
        ...(j.metricsPath ? { metrics_path: j.metricsPath } : {}),
        static_configs: [{ targets: j.targets }],
      })),
    };
    const configFile = writeFile('prometheus.yml', stringify(config));
    mkdirSync(join(dir, 'prometheus-data'), { recursive: true });
    const prom = await startOnFreePort(
      'prometheus',
      (port) =>
        startProcess('prometheus', 'prometheus', [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          `--web.external-url=http://127.0.0.1:${port}/`,
          '--log.level=warn',
        ], join(dir, 'prometheus.log')),
      readyTimeoutMs,
    );
    processes.push(prom.proc);
    return { dir, prometheus: new PrometheusClient(prom.url), alertmanager, processes, writeFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
