/**
 * NVIDIA GPU usage of watched processes, from `nvidia-smi` where it is on the PATH:
 *
 *   nvidia-smi --query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits
 *   nvidia-smi --query-gpu=index,uuid,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits
 *
 * The first gives the GPU memory each process holds (MiB) and on which device; the second each device's
 * utilisation (percent of the sample period a kernel ran — a device-wide figure, not per process) and
 * memory. Values the driver does not report (`[N/A]`, `[Not Supported]`, e.g. under MIG) are absent.
 *
 * Absent otherwise: without `nvidia-smi` (ENOENT), the GPU families are simply not exported; the command is
 * looked for again every `unavailableRetryMs`. AMD and Intel GPUs are not covered. `nvidia-smi` reports PIDs
 * of the host's PID namespace: an exporter in a container without the host PID namespace will not find its
 * model's processes in that list.
 *
 * `nvidia-smi` can take a second or more (and hang with a wedged driver), so it is never run by a scrape:
 * a poller refreshes a cache in the background (at most one run in flight, killed after `timeoutMs`) and
 * the scrape reads the cache, which counts as missing once older than `staleAfterMs`.
 */
import { execFile } from 'node:child_process';
import type { Logger } from '../log/logger.js';

export const NVIDIA_SMI = 'nvidia-smi';
export const COMPUTE_APPS_ARGS = ['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv,noheader,nounits'];
export const GPU_ARGS = ['--query-gpu=index,uuid,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'];

const MIB = 1024 * 1024;

export interface GpuProcess {
  pid: number;
  gpuUuid: string;
  usedMemoryBytes?: number;
}

export interface GpuDevice {
  index: string;
  uuid: string;
  /** 0–1. */
  utilizationRatio?: number;
  memoryUsedBytes?: number;
  memoryTotalBytes?: number;
}

function csvRows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('No running'))
    .map((l) => l.split(',').map((c) => c.trim()));
}

/** A number, or `undefined` for `[N/A]`, `[Not Supported]` and anything else non-numeric. */
function num(cell: string | undefined): number | undefined {
  if (cell === undefined || !/^-?\d+(\.\d+)?$/.test(cell)) return undefined;
  return Number(cell);
}

/** Parses `--query-compute-apps=pid,gpu_uuid,used_memory` (csv, noheader, nounits: MiB). */
export function parseComputeApps(text: string): GpuProcess[] {
  const out: GpuProcess[] = [];
  for (const row of csvRows(text)) {
    const pid = num(row[0]);
    if (pid === undefined || !Number.isInteger(pid) || pid <= 0 || !row[1]) continue;
    const p: GpuProcess = { pid, gpuUuid: row[1] };
    const mem = num(row[2]);
    if (mem !== undefined) p.usedMemoryBytes = mem * MIB;
    out.push(p);
  }
  return out;
}

/** Parses `--query-gpu=index,uuid,utilization.gpu,memory.used,memory.total` (csv, noheader, nounits). */
export function parseGpus(text: string): GpuDevice[] {
  const out: GpuDevice[] = [];
  for (const row of csvRows(text)) {
    if (!row[0] || !row[1] || num(row[0]) === undefined) continue;
    const d: GpuDevice = { index: row[0], uuid: row[1] };
    const util = num(row[2]);
    if (util !== undefined) d.utilizationRatio = util / 100;
    const used = num(row[3]);
    if (used !== undefined) d.memoryUsedBytes = used * MIB;
    const total = num(row[4]);
    if (total !== undefined) d.memoryTotalBytes = total * MIB;
    out.push(d);
  }
  return out;
}

export interface GpuSnapshot {
  /** When the readings were taken (ms). */
  at: number;
  processes: GpuProcess[];
  devices: GpuDevice[];
}

export interface ModelGpuUsage {
  /** GPU memory held by the given processes, summed. */
  memoryBytes: number;
  /** The devices on which they hold memory. */
  devices: GpuDevice[];
}

/** Joins a snapshot with the PIDs of one model. */
export function gpuUsageFor(snapshot: GpuSnapshot, pids: ReadonlySet<number>): ModelGpuUsage {
  let memoryBytes = 0;
  const uuids = new Set<string>();
  for (const p of snapshot.processes) {
    if (!pids.has(p.pid)) continue;
    memoryBytes += p.usedMemoryBytes ?? 0;
    uuids.add(p.gpuUuid);
  }
  return { memoryBytes, devices: snapshot.devices.filter((d) => uuids.has(d.uuid)) };
}

/** Runs a command and resolves with its stdout; rejects on a non-zero exit, a signal or the timeout. */
export type RunCommand = (file: string, args: readonly string[], timeoutMs: number, signal: AbortSignal) => Promise<string>;

export const runCommand: RunCommand = (file, args, timeoutMs, signal) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', signal, maxBuffer: 4 * MIB, encoding: 'utf8' }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
  });

export interface GpuPollerOptions {
  /** Executable (default `nvidia-smi`, looked up on the PATH). */
  command?: string;
  intervalMs?: number;
  timeoutMs?: number;
  staleAfterMs?: number;
  unavailableRetryMs?: number;
  logger?: Logger;
  run?: RunCommand;
}

export const DEFAULT_GPU_INTERVAL_MS = 15_000;
export const DEFAULT_GPU_TIMEOUT_MS = 5_000;
export const DEFAULT_GPU_UNAVAILABLE_RETRY_MS = 300_000;

type GpuState = 'unknown' | 'available' | 'absent' | 'failing';

export class GpuPoller {
  private readonly command: string;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly staleAfterMs: number;
  private readonly unavailableRetryMs: number;
  private readonly logger: Logger | undefined;
  private readonly run: RunCommand;
  private readonly abort = new AbortController();
  private cache: GpuSnapshot | undefined;
  private startedAt: number | undefined;
  private running: Promise<void> | undefined;
  private state: GpuState = 'unknown';

  constructor(opts: GpuPollerOptions = {}) {
    this.command = opts.command ?? NVIDIA_SMI;
    this.intervalMs = opts.intervalMs ?? DEFAULT_GPU_INTERVAL_MS;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_GPU_TIMEOUT_MS;
    this.staleAfterMs = opts.staleAfterMs ?? 3 * this.intervalMs;
    this.unavailableRetryMs = opts.unavailableRetryMs ?? DEFAULT_GPU_UNAVAILABLE_RETRY_MS;
    this.logger = opts.logger;
    this.run = opts.run ?? runCommand;
  }

  /** The cached readings, `undefined` when `nvidia-smi` is absent, failing, or its last success is stale. */
  snapshot(now: number): GpuSnapshot | undefined {
    const c = this.cache;
    if (!c || this.state !== 'available' || now - c.at > this.staleAfterMs) return undefined;
    return c;
  }

  /** Whether `nvidia-smi` was found and answered at the last attempt. */
  get available(): boolean {
    return this.state === 'available';
  }

  /**
   * Starts a run when the last one is older than the interval (or with `force`), unless one is in flight;
   * resolves when the current run (if any) has finished. Never rejects.
   */
  refresh(now: number, force = false): Promise<void> {
    if (this.running) return this.running;
    if (this.abort.signal.aborted) return Promise.resolve();
    const wait = this.state === 'absent' ? this.unavailableRetryMs : this.intervalMs;
    if (!force && this.startedAt !== undefined && now - this.startedAt < wait) return Promise.resolve();
    this.startedAt = now;
    this.running = this.poll(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Kills a run in flight and stops polling. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async poll(now: number): Promise<void> {
    try {
      const [apps, gpus] = await Promise.all([
        this.run(this.command, COMPUTE_APPS_ARGS, this.timeoutMs, this.abort.signal),
        this.run(this.command, GPU_ARGS, this.timeoutMs, this.abort.signal),
      ]);
      this.cache = { at: now, processes: parseComputeApps(apps), devices: parseGpus(gpus) };
      this.transition('available');
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      this.transition(e.code === 'ENOENT' ? 'absent' : 'failing', e.killed ? `timed out after ${this.timeoutMs} ms` : e.message);
    }
  }

  private transition(next: GpuState, detail?: string): void {
    if (next === this.state) return;
    const first = this.state === 'unknown';
    this.state = next;
    if (next === 'available') this.logger?.info({ command: this.command }, 'GPU metrics available');
    else if (next === 'absent') this.logger?.[first ? 'info' : 'warn']({ command: this.command }, 'GPU metrics not exported: command not found');
    else this.logger?.warn({ command: this.command, err: detail }, 'GPU metrics not exported: command failed');
  }
}
