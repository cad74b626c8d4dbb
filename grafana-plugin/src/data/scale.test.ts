// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { durationSeconds, featureDisplayName, formatCount, formatEdge, formatShare, formatTick, numericBinLabel, parseEdge } from './format';
import { labelStride, linearScale, logScale, niceStep, truncate } from './scale';

describe('scales', () => {
  it('linear: nice ticks from 0 to at least the maximum', () => {
    const s = linearScale(0.153, 200);
    expect(s.ticks).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
    expect(s.max).toBe(0.2);
    expect(s(0.1)).toBeCloseTo(100, 9);
    expect(s(-1)).toBe(0);
    expect(niceStep(0.03)).toBe(0.05);
    expect(niceStep(0.025)).toBe(0.025);
  });

  it('log: from a decade under the smallest value to the decade over the largest', () => {
    const s = logScale([1e-4, 0.5, 0], 500);
    expect(s.ticks).toEqual([1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
    expect(s(1e-4)).toBeCloseTo(100, 9);
    expect(s(1)).toBeCloseTo(500, 9);
    expect(s(1e-5)).toBe(0);
    expect(logScale([1e-12, 1], 600).ticks[0]).toBe(1e-6); // at most six decades
  });

  it('label stride and truncation', () => {
    expect(labelStride(20, 10, 44)).toBe(5);
    expect(labelStride(5, 100, 44)).toBe(1);
    expect(truncate('abcdefghijklmnop', 50, 10)).toBe('abcdefg…');
    expect(truncate('abc', 50, 10)).toBe('abc');
  });
});

describe('formatting', () => {
  it('edges and bin labels (bins are right-closed)', () => {
    expect(parseEdge('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseEdge('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseEdge('0.1')).toBe(0.1);
    expect(parseEdge('')).toBeUndefined();
    expect(parseEdge('x')).toBeUndefined();
    expect(formatEdge(1234567)).toBe('1.23e6');
    expect(formatEdge(0.000123)).toBe('1.23e-4');
    expect(formatEdge(3.14159)).toBe('3.142');
    expect(numericBinLabel(Number.NEGATIVE_INFINITY, 2, '00')).toBe('≤ 2');
    expect(numericBinLabel(2, 5, '01')).toBe('(2, 5]');
    expect(numericBinLabel(5, Number.POSITIVE_INFINITY, '02')).toBe('> 5');
    expect(numericBinLabel(undefined, undefined, '07')).toBe('bin 07');
  });

  it('shares, counts, ticks, durations and pseudo-feature names', () => {
    expect(formatShare(0.153)).toBe('15.3%');
    expect(formatShare(0.0031)).toBe('0.31%');
    expect(formatShare(0)).toBe('0%');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(960.4)).toBe('960.4');
    expect(formatTick(0.05, 'share')).toBe('5%');
    expect(formatTick(2500, 'count')).toBe('2.5k');
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('5x')).toBeNaN();
    expect(featureDisplayName('__prediction__')).toBe('prediction');
    expect(featureDisplayName('__label__')).toBe('label');
    expect(featureDisplayName('age')).toBe('age');
  });
});
