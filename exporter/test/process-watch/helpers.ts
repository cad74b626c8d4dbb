/**
 * Test support for the process watch: real child processes, an independent reading of /proc (its own
 * minimal parsing, not the module under test), fake /proc trees, a log capture and a sample collector.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Collector, Labels } from '../../src/metrics/collector.js';
import type { Logger } from '../../src/log/logger.js';

// ---------------------------------------------------------------- child processes

export interface Child {
  pid: number;
  proc: ChildProcess;
  exited: Promise<void>;
}

export class Children {
  private readonly all: Child[] = [];

  /** Starts `node -e code ...args` and resolves once it printed "ready". */
  async start(code: string, args: string[] = []): Promise<Child> {
    const proc = spawn(process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const child: Child = { pid: proc.pid as number, proc, exited };
    this.all.push(child);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`child exited early with ${String(code)}`)));
    });
    return child;
  }

  /** SIGKILL and wait until the child is reaped (its /proc entry gone). */
  async kill(child: Child): Promise<void> {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    await child.exited;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.all.map((c) => this.kill(c)));
  }
}

export const BUSY = "process.stdout.write('ready\\n'); for (;;) {}";
export const IDLE = "process.stdout.write('ready\\n'); setInterval(() => {}, 1e6);";
export function hog(mib: number): string {
  return `globalThis.hold = Buffer.alloc(${mib} * 1024 * 1024, 1); process.stdout.write('ready\\n'); setInterval(() => {}, 1e6);`;
}
export function writer(file: string, mib: number): string {
  return (
    `const fs = require('fs'); const f = fs.openSync(${JSON.stringify(file)}, 'w'); const b = Buffer.alloc(1 << 20, 7);` +
    `for (let i = 0; i < ${mib}; i++) fs.writeSync(f, b); fs.fsyncSync(f); fs.closeSync(f);` +
    "process.stdout.write('ready\\n'); setInterval(() => {}, 1e6);"
  );
}

/** Polls `check` (every 20 ms) until it returns a value other than undefined, or fails after `ms`. */
export async function until<T>(check: () => T | undefined, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------- independent /proc reading

let hz: number | undefined;
export function userHz(): number {
  hz ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return hz;
}

function statFields(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
}

/** utime + stime in seconds, from /proc/<pid>/stat (fields 14, 15). */
export function procCpu(pid: number): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12])) / userHz();
}

export function procStartSeconds(pid: number): number {
  const btime = Number(/btime (\d+)/.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  return btime + Number(statFields(pid)[19]) / userHz();
}

/** A numeric field of /proc/<pid>/status (kB fields in bytes). */
export function procStatus(pid: number, key: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}:`));
  if (!line) throw new Error(`no ${key} in status`);
  const [, value, unit] = line.split(/\s+/);
  return Number(value) * (unit === 'kB' ? 1024 : 1);
}

export function procIo(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/io`, 'utf8').split('\n')) {
    const [k, v] = line.split(':');
    if (k && v) out[k] = Number(v);
  }
  return out;
}

export function procFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export function procMaxFds(pid: number): number {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s{2,}/)[1]);
}

// ---------------------------------------------------------------- fake /proc trees

export interface FakeProcess {
  pid: number;
  comm?: string;
  state?: string;
  utime?: number;
  stime?: number;
  threads?: number;
  start?: number;
  vsize?: number;
  rssKb?: number;
  vmSizeKb?: number;
  cmdline?: string[];
  io?: { rchar: number; wchar: number; read_bytes: number; write_bytes: number };
  maxFiles?: number | 'unlimited';
  fds?: number;
}

/** A /proc/<pid>/stat line with the given values (other fields plausible constants). */
export function statLine(p: FakeProcess): string {
  const f = [
    p.state ?? 'S', 1, p.pid, p.pid, 0, -1, 4194560, 100, 0, 0, 0, p.utime ?? 0, p.stime ?? 0, 0, 0, 20, 0, p.threads ?? 1, 0,
    p.start ?? 1000, p.vsize ?? 4096, 10, '18446744073709551615', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0,
  ];
  return `${p.pid} (${p.comm ?? 'model'}) ${f.join(' ')}\n`;
}

export function writeFakeProcess(root: string, p: FakeProcess): void {
  const dir = join(root, String(p.pid));
  mkdirSync(join(dir, 'fd'), { recursive: true });
  writeFileSync(join(dir, 'stat'), statLine(p));
  const status = [`Name:\t${p.comm ?? 'model'}`, `State:\t${p.state ?? 'S'} (sleeping)`];
  if (p.vmSizeKb !== undefined) status.push(`VmSize:\t${String(p.vmSizeKb).padStart(8)} kB`);
  if (p.rssKb !== undefined) status.push(`VmRSS:\t${String(p.rssKb).padStart(8)} kB`);
  status.push(`Threads:\t${p.threads ?? 1}`);
  writeFileSync(join(dir, 'status'), status.join('\n') + '\n');
  writeFileSync(join(dir, 'cmdline'), (p.cmdline ?? []).map((a) => a + '\0').join(''));
  if (p.io) writeFileSync(join(dir, 'io'), Object.entries(p.io).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  const max = String(p.maxFiles ?? 1024);
  writeFileSync(join(dir, 'limits'), `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${max.padEnd(21)}${max.padEnd(21)}files     \n`);
  for (let i = 0; i < (p.fds ?? 0); i++) writeFileSync(join(dir, 'fd', String(i)), '');
}

export function writeFakeBootTime(root: string, btime: number): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'stat'), `cpu  1 2 3 4\nbtime ${btime}\nprocesses 100\n`);
}

// ---------------------------------------------------------------- logs and samples

export interface LogLine {
  level: string;
  msg: string;
  [k: string]: unknown;
}

export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug', formatters: { level: (label) => ({ level: label }) } }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

export interface Scraped {
  family: string;
  labels: Labels;
  value: number;
}

export class Scrape {
  constructor(readonly samples: Scraped[]) {}

  static of(c: Collector, now = Date.now()): Scrape {
    const samples: Scraped[] = [];
    c.collect((family, labels, value) => samples.push({ family, labels, value }), now);
    return new Scrape(samples);
  }

  /** The value of the one sample of `family` whose labels include `labels`; undefined if none. */
  value(family: string, labels: Labels = {}): number | undefined {
    const found = this.samples.filter((s) => s.family === family && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (found.length > 1) throw new Error(`${found.length} samples of ${family}`);
    return found[0]?.value;
  }

  families(): Set<string> {
    return new Set(this.samples.map((s) => s.family));
  }
}
