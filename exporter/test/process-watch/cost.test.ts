import { describe, expect, it } from 'vitest';
import { costCollector } from '../../src/process-watch/cost-collector.js';
import { BYTES_PER_GB, CostMeter, costOf, memoryGbSeconds, usageBetween, validateRates } from '../../src/process-watch/cost.js';
import { Scrape } from './helpers.js';

const RATES = { cpu_hour: 0.04, gpu_hour: 2.5, per_1k_requests: 0.1, memory_gb_hour: 0.005 };

describe('costOf', () => {
  it('prices each resource by hand-computed values', () => {
    // cpu 0.04 × 90/3600 = 0.001; gpu 2.5 × 1440/3600 = 1; requests 0.1 × 2500/1000 = 0.25;
    // memory 0.005 × 7200/3600 = 0.01; total 1.261
    const c = costOf(RATES, { cpuSeconds: 90, gpuSeconds: 1440, requests: 2500, memoryGbSeconds: 7200 });
    expect(c.cpu).toBeCloseTo(0.001, 15);
    expect(c.gpu).toBeCloseTo(1, 15);
    expect(c.requests).toBeCloseTo(0.25, 15);
    expect(c.memory).toBeCloseTo(0.01, 15);
    expect(c.total).toBeCloseTo(1.261, 15);
  });

  it('unconfigured rates and missing usage contribute nothing; bad usage counts as zero', () => {
    expect(costOf({ cpu_hour: 3.6 }, { cpuSeconds: 1000, requests: 1e6 }).total).toBeCloseTo(1, 15);
    expect(costOf({}, { cpuSeconds: 1000, gpuSeconds: 5 }).total).toBe(0);
    expect(costOf(RATES, {}).total).toBe(0);
    expect(costOf(RATES, { cpuSeconds: -50, requests: Number.NaN, gpuSeconds: Number.POSITIVE_INFINITY }).total).toBe(0);
  });

  it('GB·s use GB = 2^30 bytes', () => {
    expect(BYTES_PER_GB).toBe(1_073_741_824);
    expect(memoryGbSeconds(2 * BYTES_PER_GB, 30)).toBe(60);
    expect(memoryGbSeconds(512 * 1024 * 1024, 3600)).toBe(1800);
    // 512 MiB for one hour at 0.005 per GB-hour = 0.0025
    expect(costOf(RATES, { memoryGbSeconds: memoryGbSeconds(512 * 1024 * 1024, 3600) }).memory).toBeCloseTo(0.0025, 15);
  });

  it('validates rates', () => {
    expect(() => validateRates(RATES)).not.toThrow();
    expect(() => validateRates({})).not.toThrow();
    expect(() => validateRates({ cpu_hour: -1 })).toThrow(/cost.cpu_hour must be a finite number >= 0, got -1/);
    expect(() => validateRates({ gpu_hour: Number.NaN })).toThrow(/gpu_hour/);
    expect(() => validateRates({ per_1k_requests: '0.1' as unknown as number })).toThrow(/per_1k_requests/);
    expect(() => new CostMeter({ memory_gb_hour: Number.POSITIVE_INFINITY })).toThrow(/memory_gb_hour/);
  });
});

describe('usageBetween', () => {
  it('CPU counter increase; memory and GPUs by the trapezoid rule', () => {
    const prev = { at: 0, cpuSeconds: 10, residentMemoryBytes: 1 * BYTES_PER_GB, gpuDevices: 1 };
    const next = { at: 60_000, cpuSeconds: 40, residentMemoryBytes: 3 * BYTES_PER_GB, gpuDevices: 0 };
    // cpu 30 s; memory (1 + 3)/2 GB × 60 s = 120 GB·s; GPUs (1 + 0)/2 × 60 s = 30 s
    expect(usageBetween(prev, next)).toEqual({ cpuSeconds: 30, memoryGbSeconds: 120, gpuSeconds: 30 });
    // at 0.04/CPU-h, 0.005/GB-h, 2.5/GPU-h: 30/3600×0.04 + 120/3600×0.005 + 30/3600×2.5 = 0.000333… + 0.000166… + 0.0208333…
    expect(costOf(RATES, usageBetween(prev, next)).total).toBeCloseTo(0.02133333333333, 12);
  });

  it('a counter that went down or time that did not pass yields no usage', () => {
    const a = { at: 1000, cpuSeconds: 50, residentMemoryBytes: BYTES_PER_GB, gpuDevices: 2 };
    expect(usageBetween(a, { ...a, at: 2000, cpuSeconds: 5 }).cpuSeconds).toBe(0);
    expect(usageBetween(a, { ...a, at: 1000 })).toEqual({ cpuSeconds: 0, gpuSeconds: 0, memoryGbSeconds: 0 });
    expect(usageBetween(a, { ...a, at: 500 })).toEqual({ cpuSeconds: 0, gpuSeconds: 0, memoryGbSeconds: 0 });
  });
});

describe('CostMeter', () => {
  it('accumulates a monotone total per model and version', () => {
    const m = new CostMeter(RATES);
    expect(m.add('churn', '1', { requests: 1000 }).total).toBeCloseTo(0.1, 15);
    m.add('churn', '1', { cpuSeconds: 3600 }); // + 0.04
    m.add('churn', '2', { gpuSeconds: 3600 }); // 2.5
    m.add('fraud', '1', { requests: 500, cpuSeconds: -100 }); // 0.05, negative CPU ignored
    expect(m.total('churn', '1')).toBeCloseTo(0.14, 15);
    expect(m.total('churn', '2')).toBeCloseTo(2.5, 15);
    expect(m.total('fraud', '1')).toBeCloseTo(0.05, 15);
    expect(m.total('nobody', '1')).toBe(0);
    expect(m.list().map((e) => [e.model, e.version])).toEqual([
      ['churn', '1'],
      ['churn', '2'],
      ['fraud', '1'],
    ]);
    expect(m.list()[0]?.byResource).toEqual({ cpu: expect.closeTo(0.04, 15) as number, gpu: 0, memory: 0, requests: expect.closeTo(0.1, 15) as number });
    let previous = m.total('churn', '1');
    for (const d of [{ cpuSeconds: -1 }, { requests: Number.NaN }, { requests: 1 }, {}]) {
      m.add('churn', '1', d);
      expect(m.total('churn', '1')).toBeGreaterThanOrEqual(previous);
      previous = m.total('churn', '1');
    }
    m.delete('churn', '2');
    expect(m.list()).toHaveLength(2);
  });

  it('keeps model and version apart even when they contain separators', () => {
    const m = new CostMeter({ per_1k_requests: 1 });
    m.add('a:b', 'c', { requests: 1000 });
    m.add('a', 'b:c', { requests: 2000 });
    expect(m.total('a:b', 'c')).toBe(1);
    expect(m.total('a', 'b:c')).toBe(2);
  });

  it('is exported as modelwatch_inference_cost_total with the currency in HELP', () => {
    const m = new CostMeter(RATES);
    m.add('churn', '3', { requests: 2000 });
    const c = costCollector(m, { currency: 'EUR' });
    expect(c.families).toEqual([{ name: 'modelwatch_inference_cost_total', help: expect.stringContaining('in EUR') as string, type: 'counter' }]);
    expect(Scrape.of(c).samples).toEqual([{ family: 'modelwatch_inference_cost_total', labels: { model: 'churn', model_version: '3' }, value: expect.closeTo(0.2, 15) as number }]);
    expect(costCollector(m).families[0]?.help).toMatch(/currency unit of the configured cost rates/);
  });
});
