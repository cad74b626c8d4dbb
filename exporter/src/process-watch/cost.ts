/**
 * Inference cost from measured usage and configured rates: pure arithmetic.
 *
 * Rates are in one currency unit of the operator's choosing (USD, EUR, internal credits...): modelwatch
 * never converts, it multiplies. The unit is whatever the rates are written in, and the exported total is
 * in that same unit (name it in the metric's HELP text via the collector's `currency` option).
 *
 *   cpu     = cpu_hour        × CPU seconds / 3600              (one core fully busy for an hour = 1 CPU hour)
 *   gpu     = gpu_hour        × GPU seconds / 3600              (one GPU held for an hour = 1 GPU hour)
 *   memory  = memory_gb_hour  × GB·seconds / 3600               (GB = 2^30 bytes, as cloud price lists use)
 *   request = per_1k_requests × requests / 1000
 *
 * A rate that is not configured contributes nothing. Negative or non-finite usage is treated as zero, so a
 * cost increment is never negative and a {@link CostMeter} total never goes down.
 */

export interface CostRates {
  cpu_hour?: number;
  gpu_hour?: number;
  per_1k_requests?: number;
  memory_gb_hour?: number;
}

export interface UsageDelta {
  cpuSeconds?: number;
  gpuSeconds?: number;
  requests?: number;
  /** Memory held × time, in GB·s (GB = 2^30 bytes). */
  memoryGbSeconds?: number;
}

export interface CostBreakdown {
  cpu: number;
  gpu: number;
  memory: number;
  requests: number;
  total: number;
}

export const BYTES_PER_GB = 2 ** 30;

/** Throws an `Error` naming the first rate that is not a finite number ≥ 0. */
export function validateRates(rates: CostRates): void {
  for (const key of ['cpu_hour', 'gpu_hour', 'per_1k_requests', 'memory_gb_hour'] as const) {
    const v = rates[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`cost.${key} must be a finite number >= 0, got ${String(v)}`);
  }
}

function usage(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : 0;
}

/** The cost of one usage delta under the rates. */
export function costOf(rates: CostRates, delta: UsageDelta): CostBreakdown {
  const cpu = ((rates.cpu_hour ?? 0) * usage(delta.cpuSeconds)) / 3600;
  const gpu = ((rates.gpu_hour ?? 0) * usage(delta.gpuSeconds)) / 3600;
  const memory = ((rates.memory_gb_hour ?? 0) * usage(delta.memoryGbSeconds)) / 3600;
  const requests = ((rates.per_1k_requests ?? 0) * usage(delta.requests)) / 1000;
  return { cpu, gpu, memory, requests, total: cpu + gpu + memory + requests };
}

/** Bytes held for a duration → GB·s. */
export function memoryGbSeconds(bytes: number, seconds: number): number {
  return (usage(bytes) * usage(seconds)) / BYTES_PER_GB;
}

/** Two observations of a process group (cumulative CPU, current memory and GPUs held) at times in ms. */
export interface UsageObservation {
  at: number;
  cpuSeconds: number;
  residentMemoryBytes: number;
  gpuDevices: number;
}

/**
 * The usage between two observations: the CPU counter's increase (0 if it went down), and memory and GPUs
 * held integrated over the interval by the trapezoid rule (the mean of both ends × elapsed seconds).
 */
export function usageBetween(prev: UsageObservation, next: UsageObservation): UsageDelta {
  const seconds = (next.at - prev.at) / 1000;
  if (!(seconds > 0)) return { cpuSeconds: 0, gpuSeconds: 0, memoryGbSeconds: 0 };
  return {
    cpuSeconds: Math.max(0, next.cpuSeconds - prev.cpuSeconds),
    gpuSeconds: ((usage(prev.gpuDevices) + usage(next.gpuDevices)) / 2) * seconds,
    memoryGbSeconds: memoryGbSeconds((usage(prev.residentMemoryBytes) + usage(next.residentMemoryBytes)) / 2, seconds),
  };
}

export interface CostEntry {
  model: string;
  version: string;
  total: number;
  byResource: Omit<CostBreakdown, 'total'>;
}

/**
 * Accumulated cost per model and version. Totals only grow (increments are never negative). The meter
 * keeps one entry per (model, version) it is given: callers pass the bounded versions of the model state,
 * and {@link CostMeter.delete} drops an entry when its version expires.
 */
export class CostMeter {
  private readonly entries = new Map<string, CostEntry>();

  constructor(private readonly rates: CostRates) {
    validateRates(rates);
  }

  /** Adds the cost of `delta` to (model, version) and returns the increment. */
  add(model: string, version: string, delta: UsageDelta): CostBreakdown {
    const c = costOf(this.rates, delta);
    const key = JSON.stringify([model, version]);
    let e = this.entries.get(key);
    if (!e) {
      e = { model, version, total: 0, byResource: { cpu: 0, gpu: 0, memory: 0, requests: 0 } };
      this.entries.set(key, e);
    }
    e.byResource.cpu += c.cpu;
    e.byResource.gpu += c.gpu;
    e.byResource.memory += c.memory;
    e.byResource.requests += c.requests;
    e.total += c.total;
    return c;
  }

  total(model: string, version: string): number {
    return this.entries.get(JSON.stringify([model, version]))?.total ?? 0;
  }

  delete(model: string, version: string): void {
    this.entries.delete(JSON.stringify([model, version]));
  }

  /** Every entry, in insertion order (read-only views). */
  list(): readonly Readonly<CostEntry>[] {
    return [...this.entries.values()];
  }
}
