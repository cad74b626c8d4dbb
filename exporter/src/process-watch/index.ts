/** Watching the model server's processes (Linux /proc), disk usage, NVIDIA GPUs, and inference cost. */
export { processCollector, PROCESS_FAMILIES, type ProcessCollector, type ProcessCollectorOptions, type ProcessUsage, type WatchedModel } from './process-collector.js';
export { compileSpec, parsePidFile, ProcessMatcher, type CompiledSpec, type ProcessSpec } from './process-matcher.js';
export { CounterCarry } from './counter-carry.js';
export { DiskUsageCache, pathUsage, statFsUsage, type DiskReading, type FsUsage } from './disk-usage.js';
export { GpuPoller, parseComputeApps, parseGpus, type GpuSnapshot } from './gpu.js';
export { clockTicksPerSecond, readProcess, type ProcessSample } from './proc-reader.js';
export { BYTES_PER_GB, costOf, CostMeter, memoryGbSeconds, usageBetween, validateRates, type CostBreakdown, type CostRates, type UsageDelta, type UsageObservation } from './cost.js';
export { costCollector, INFERENCE_COST_FAMILY } from './cost-collector.js';
