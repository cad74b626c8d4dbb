/**
 * The model server's processes as `modelwatch_model_process_*{model}` (Prometheus process-metric naming),
 * plus disk usage of configured paths and, where `nvidia-smi` answers, GPU memory and utilisation.
 *
 * Freshness and cost of a scrape:
 * - `/proc` is read synchronously during the scrape. procfs is served from kernel memory and never blocks
 *   on a disk, so reading a handful of small files per watched process costs microseconds and gives
 *   values as of the scrape (prom-client reads `/proc/self` for `process_*` the same way).
 * - Which PIDs belong to a model is cached for `rescanIntervalMs`: a `match` spec scans the command line of
 *   every process, which is the only part that grows with the machine. A watched PID that vanishes or is
 *   reused (another start time) triggers a re-resolution at once (at most every `forcedRescanMinMs`), so
 *   a restarted server under a new PID is picked up on the next scrape.
 * - Disk usage (statfs, directory walk) and `nvidia-smi` may block or take seconds: they run in the
 *   background and the scrape reads their caches. Each scrape starts the refreshes that are due without
 *   waiting for them; {@link ProcessCollector.refresh} waits (call it once at start-up so the first scrape
 *   has values).
 *
 * A process that disappears is not an error: it no longer counts, the model's `..._up` goes to 0 when none
 * is left, and a warning is logged once per transition (an info line when processes are back). Summed
 * counters never go down when a worker exits: see {@link CounterCarry}.
 *
 * Linux only: without a readable `/proc`, every model reports `..._up` 0.
 */
import type { Logger } from '../log/logger.js';
import type { Collector, Emit, FamilyDef } from '../metrics/collector.js';
import { CounterCarry, DEFAULT_RETIRED_CAP, type CounterReading } from './counter-carry.js';
import { DiskUsageCache, type DiskUsageOptions } from './disk-usage.js';
import { GpuPoller, gpuUsageFor, type GpuPollerOptions } from './gpu.js';
import type { UsageObservation } from './cost.js';
import { clockTicksPerSecond, DEFAULT_PROC_ROOT, readBootTime, readProcess, type ProcessSample } from './proc-reader.js';
import { compileSpec, ProcessMatcher, type CompiledSpec, type ProcessSpec } from './process-matcher.js';

export interface WatchedModel {
  model: string;
  specs: readonly ProcessSpec[];
  diskPaths?: readonly string[];
}

export interface ProcessCollectorOptions {
  procRoot?: string;
  logger?: Logger;
  /** USER_HZ; default `getconf CLK_TCK`, else 100. */
  ticksPerSecond?: number;
  /** Never matched by `match` specs; default this process. */
  selfPid?: number;
  /** Per `match` spec; default 64. */
  maxMatches?: number;
  rescanIntervalMs?: number;
  forcedRescanMinMs?: number;
  /** Exited processes remembered to avoid double counting a process that comes back; default 1024. */
  retiredCap?: number;
  disk?: Omit<DiskUsageOptions, 'logger'>;
  /** `false` disables the GPU poller. */
  gpu?: false | Omit<GpuPollerOptions, 'logger'>;
}

/** The last scrape's usage of one model, for cost accounting (see `usageBetween` in cost.ts). */
export interface ProcessUsage extends UsageObservation {
  up: boolean;
  processes: number;
}

export interface ProcessCollector extends Collector {
  /** Refreshes disk usage and GPU readings now and waits for them. Never rejects. */
  refresh(now?: number): Promise<void>;
  /** Stops background work (kills an `nvidia-smi` in flight) and waits for what is running. */
  close(): Promise<void>;
  /** Usage as of the last scrape; `undefined` before the first scrape or for an unknown model. */
  usage(model: string): ProcessUsage | undefined;
}

export const DEFAULT_RESCAN_INTERVAL_MS = 10_000;
export const DEFAULT_FORCED_RESCAN_MIN_MS = 1_000;

const P = 'modelwatch_model_process_';

export const PROCESS_FAMILIES: readonly FamilyDef[] = [
  { name: `${P}up`, help: 'Whether at least one watched process of the model is running (1) or none (0).', type: 'gauge' },
  { name: `${P}count`, help: 'Watched processes of the model that are running.', type: 'gauge' },
  { name: `${P}exits_total`, help: 'Watched processes that stopped being seen (exited, or no longer matched by the specs).', type: 'counter' },
  { name: `${P}cpu_seconds_total`, help: 'User and system CPU time of the watched processes, summed; a process that exits keeps counting with its last observed value.', type: 'counter' },
  { name: `${P}resident_memory_bytes`, help: 'Resident memory (VmRSS) of the watched processes, summed.', type: 'gauge' },
  { name: `${P}virtual_memory_bytes`, help: 'Virtual memory (VmSize) of the watched processes, summed.', type: 'gauge' },
  { name: `${P}read_bytes_total`, help: 'Bytes the watched processes caused to be read from the storage layer (read_bytes in /proc/<pid>/io), summed.', type: 'counter' },
  { name: `${P}written_bytes_total`, help: 'Bytes the watched processes caused to be written to the storage layer (write_bytes in /proc/<pid>/io), summed.', type: 'counter' },
  { name: `${P}syscall_read_bytes_total`, help: 'Bytes the watched processes read through read-family syscalls, including page cache, pipes and sockets (rchar), summed.', type: 'counter' },
  { name: `${P}syscall_written_bytes_total`, help: 'Bytes the watched processes wrote through write-family syscalls, including page cache, pipes and sockets (wchar), summed.', type: 'counter' },
  { name: `${P}open_fds`, help: 'Open file descriptors of the watched processes, summed.', type: 'gauge' },
  { name: `${P}max_fds`, help: 'Soft limits on open file descriptors of the watched processes, summed.', type: 'gauge' },
  { name: `${P}max_fd_usage_ratio`, help: 'Highest share of its open-file limit any watched process uses.', type: 'gauge' },
  { name: `${P}threads`, help: 'Threads of the watched processes, summed.', type: 'gauge' },
  { name: `${P}start_time_seconds`, help: 'Start time of the earliest-started watched process, Unix seconds.', type: 'gauge' },
  { name: `${P}gpu_memory_bytes`, help: 'GPU memory held by the watched processes, summed (nvidia-smi; absent without it).', type: 'gauge' },
  { name: 'modelwatch_model_gpu_utilization_ratio', help: 'Utilisation of each GPU on which a watched process holds memory (device-wide, all processes on it; nvidia-smi).', type: 'gauge' },
  { name: 'modelwatch_model_disk_size_bytes', help: 'Size of the filesystem holding the configured path.', type: 'gauge' },
  { name: 'modelwatch_model_disk_free_bytes', help: 'Free bytes of the filesystem holding the configured path, including blocks reserved for root.', type: 'gauge' },
  { name: 'modelwatch_model_disk_available_bytes', help: 'Bytes of the filesystem holding the configured path available to unprivileged users.', type: 'gauge' },
  { name: 'modelwatch_model_disk_used_bytes', help: 'Bytes allocated to the configured path and everything under it on the same filesystem (du -s -x).', type: 'gauge' },
];

const COUNTER_KEYS = ['cpu', 'readBytes', 'writeBytes', 'rchar', 'wchar'] as const;
type CounterKey = (typeof COUNTER_KEYS)[number];

interface ModelState {
  model: string;
  specs: CompiledSpec[];
  diskPaths: string[];
  pids: number[];
  resolvedAt?: number;
  forcedAt?: number;
  /** PID → start ticks, as of the last read. */
  seen: Map<number, number>;
  carry: CounterCarry<CounterKey>;
  up?: boolean;
  usage?: ProcessUsage;
}

function sumOf(samples: readonly ProcessSample[], pick: (s: ProcessSample) => number | undefined): number | undefined {
  let sum: number | undefined;
  for (const s of samples) {
    const v = pick(s);
    if (v !== undefined) sum = (sum ?? 0) + v;
  }
  return samples.length === 0 ? 0 : sum;
}

/**
 * A collector for the processes of each model. Throws (at construction) only for an invalid spec, e.g. a
 * regular expression that does not compile.
 */
export function processCollector(models: readonly WatchedModel[], opts: ProcessCollectorOptions = {}): ProcessCollector {
  const procRoot = opts.procRoot ?? DEFAULT_PROC_ROOT;
  const logger = opts.logger;
  const ticks = opts.ticksPerSecond ?? clockTicksPerSecond();
  const rescanMs = opts.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS;
  const forcedMinMs = opts.forcedRescanMinMs ?? DEFAULT_FORCED_RESCAN_MIN_MS;
  const matcher = new ProcessMatcher({ procRoot, selfPid: opts.selfPid ?? process.pid, maxMatches: opts.maxMatches, logger });
  const states: ModelState[] = models.map((m) => ({
    model: m.model,
    specs: m.specs.map((s) => {
      try {
        return compileSpec(s);
      } catch (err) {
        throw new Error(`model ${m.model}: ${(err as Error).message}`, { cause: err });
      }
    }),
    diskPaths: [...new Set(m.diskPaths ?? [])],
    pids: [],
    seen: new Map(),
    carry: new CounterCarry<CounterKey>(COUNTER_KEYS, opts.retiredCap ?? DEFAULT_RETIRED_CAP),
  }));
  const disk = new DiskUsageCache(new Set(states.flatMap((s) => s.diskPaths)), { ...opts.disk, logger });
  const gpu = opts.gpu === false ? undefined : new GpuPoller({ ...opts.gpu, logger });
  let bootTime = readBootTime(procRoot);
  let closed = false;

  const readAll = (pids: readonly number[]): ProcessSample[] => {
    if (bootTime === undefined) bootTime = readBootTime(procRoot);
    const out: ProcessSample[] = [];
    for (const pid of pids) {
      const s = readProcess(pid, { procRoot, ticksPerSecond: ticks, bootTimeSeconds: bootTime });
      if (s) out.push(s);
    }
    return out;
  };

  const observe = (st: ModelState, now: number): ProcessSample[] => {
    let resolvedNow = false;
    if (st.resolvedAt === undefined || now - st.resolvedAt >= rescanMs || now < st.resolvedAt) {
      st.pids = matcher.resolve(st.specs, now, rescanMs);
      st.resolvedAt = now;
      resolvedNow = true;
    }
    let samples = readAll(st.pids);
    // A process seen last time is gone, or its PID now belongs to another process: resolve again now.
    const live = new Map(samples.map((s) => [s.pid, s.startTimeTicks]));
    let changed = false;
    for (const [pid, start] of st.seen) {
      if (live.get(pid) !== start) changed = true;
    }
    if (changed && !resolvedNow && (st.forcedAt === undefined || now - st.forcedAt >= forcedMinMs || now < st.forcedAt)) {
      st.forcedAt = now;
      st.pids = matcher.resolve(st.specs, now, 0);
      st.resolvedAt = now;
      samples = readAll(st.pids);
    }
    st.seen = new Map(samples.map((s) => [s.pid, s.startTimeTicks]));
    return samples;
  };

  const logTransition = (st: ModelState, up: boolean, count: number): void => {
    if (st.up === up) return;
    const first = st.up === undefined;
    st.up = up;
    const specs = st.specs.map((s) => s.key);
    if (up) logger?.info({ model: st.model, processes: count, specs }, first ? 'watching model processes' : 'model processes running again');
    else logger?.warn({ model: st.model, specs }, first ? 'no model process found' : 'model processes gone');
  };

  const collect = (emit: Emit, now: number): void => {
    const gpuSnapshot = gpu?.snapshot(now);
    for (const st of states) {
      const samples = observe(st, now);
      const labels = { model: st.model };
      const up = samples.length > 0;
      logTransition(st, up, samples.length);

      const readings = new Map<string, CounterReading<CounterKey>>();
      for (const s of samples) {
        readings.set(`${s.pid}:${s.startTimeTicks}`, {
          cpu: s.cpuSeconds,
          readBytes: s.io?.readBytes,
          writeBytes: s.io?.writeBytes,
          rchar: s.io?.rchar,
          wchar: s.io?.wchar,
        });
      }
      const totals = st.carry.update(readings);

      emit(`${P}up`, labels, up ? 1 : 0);
      emit(`${P}count`, labels, samples.length);
      emit(`${P}exits_total`, labels, st.carry.exits);
      emit(`${P}cpu_seconds_total`, labels, totals.cpu ?? 0);
      const rss = sumOf(samples, (s) => s.residentBytes);
      if (rss !== undefined) emit(`${P}resident_memory_bytes`, labels, rss);
      emit(`${P}virtual_memory_bytes`, labels, sumOf(samples, (s) => s.virtualBytes) ?? 0);
      if (totals.readBytes !== undefined) emit(`${P}read_bytes_total`, labels, totals.readBytes);
      if (totals.writeBytes !== undefined) emit(`${P}written_bytes_total`, labels, totals.writeBytes);
      if (totals.rchar !== undefined) emit(`${P}syscall_read_bytes_total`, labels, totals.rchar);
      if (totals.wchar !== undefined) emit(`${P}syscall_written_bytes_total`, labels, totals.wchar);
      const fds = sumOf(samples, (s) => s.openFds);
      if (fds !== undefined) emit(`${P}open_fds`, labels, fds);
      if (up) {
        const maxFds = sumOf(samples, (s) => s.maxFds);
        if (maxFds !== undefined) emit(`${P}max_fds`, labels, maxFds);
        let ratio: number | undefined;
        for (const s of samples) {
          if (s.openFds !== undefined && s.maxFds !== undefined && s.maxFds > 0) ratio = Math.max(ratio ?? 0, s.openFds / s.maxFds);
        }
        if (ratio !== undefined) emit(`${P}max_fd_usage_ratio`, labels, ratio);
      }
      emit(`${P}threads`, labels, sumOf(samples, (s) => s.threads) ?? 0);
      const starts = samples.map((s) => s.startTimeSeconds).filter((v): v is number => v !== undefined);
      if (starts.length > 0) emit(`${P}start_time_seconds`, labels, Math.min(...starts));

      let gpuDevices = 0;
      if (gpuSnapshot) {
        const g = gpuUsageFor(gpuSnapshot, new Set(samples.map((s) => s.pid)));
        gpuDevices = g.devices.length;
        emit(`${P}gpu_memory_bytes`, labels, g.memoryBytes);
        for (const d of g.devices) {
          if (d.utilizationRatio !== undefined) emit('modelwatch_model_gpu_utilization_ratio', { ...labels, gpu: d.index }, d.utilizationRatio);
        }
      }

      for (const path of st.diskPaths) {
        const r = disk.get(path);
        const pl = { ...labels, path };
        if (r.fs) {
          emit('modelwatch_model_disk_size_bytes', pl, r.fs.sizeBytes);
          emit('modelwatch_model_disk_free_bytes', pl, r.fs.freeBytes);
          emit('modelwatch_model_disk_available_bytes', pl, r.fs.availableBytes);
        }
        if (r.usedBytes !== undefined) emit('modelwatch_model_disk_used_bytes', pl, r.usedBytes);
      }

      st.usage = { at: now, up, processes: samples.length, cpuSeconds: totals.cpu ?? 0, residentMemoryBytes: rss ?? 0, gpuDevices };
    }
    if (!closed) {
      // Due background refreshes; the scrape never waits for them. Neither promise rejects.
      void disk.refresh(now);
      void gpu?.refresh(now);
    }
  };

  return {
    name: 'process_watch',
    families: PROCESS_FAMILIES,
    collect,
    async refresh(now = Date.now()) {
      if (closed) return;
      await Promise.all([disk.refresh(now, true), gpu?.refresh(now, true)]);
    },
    async close() {
      closed = true;
      await Promise.all([gpu?.close(), disk.settled()]);
    },
    usage(model: string) {
      return states.find((s) => s.model === model)?.usage;
    },
  };
}
