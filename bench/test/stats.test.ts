import { describe, expect, it } from 'vitest';
import { median, percentile, summarise } from '../src/measure/stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, index) => index + 1);

  it('returns a sample that was measured, never an interpolation', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20, 30, 40], 75)).toBe(30);
  });

  it('takes the smallest sample for p0 and the only sample of one', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
  });

  it('refuses no samples and percentiles outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarise', () => {
  it('sorts a copy and reports min, p50, p99, max and mean', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(summarise(samples)).toEqual({ n: 5, min: 1, p50: 3, p99: 5, max: 5, mean: 3 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });

  it('keeps an outlier out of the median but in p99 and max', () => {
    const samples = [...Array.from({ length: 99 }, () => 10), 1_000];
    const summary = summarise(samples);
    expect(summary.p50).toBe(10);
    expect(summary.p99).toBe(10);
    expect(summary.max).toBe(1_000);
    expect(median(samples)).toBe(10);
  });

  it('refuses an empty series', () => {
    expect(() => summarise([])).toThrow(RangeError);
  });
});
