import { describe, expect, it } from 'vitest';
import { judge, pairedRatios, ratioSummary } from '../src/measure/ratio.js';

describe('paired ratios', () => {
  it('divides each candidate round by the baseline round run next to it', () => {
    expect(pairedRatios([12, 30, 9], [10, 20, 9])).toEqual([1.2, 1.5, 1]);
  });

  it('cancels machine drift that a ratio of medians would keep', () => {
    // The machine slows down 3x half-way through; the candidate is always 10 % slower than its pair.
    const baseline = [10, 10, 10, 30, 30, 30];
    const candidate = baseline.map((value) => value * 1.1);
    const summary = ratioSummary(candidate, baseline);
    expect(summary.min).toBeCloseTo(1.1);
    expect(summary.max).toBeCloseTo(1.1);
  });

  it('refuses unpaired series and a baseline that is not positive', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatios([1], [0])).toThrow(RangeError);
    expect(() => pairedRatios([1], [Number.NaN])).toThrow(RangeError);
  });
});

describe('goals', () => {
  it('judges upper and lower bounds inclusively', () => {
    expect(judge(1.1, { metric: 'ratio', max: 1.1 })).toBe('met');
    expect(judge(1.11, { metric: 'ratio', max: 1.1 })).toBe('missed');
    expect(judge(5, { metric: 'ops', min: 5 })).toBe('met');
    expect(judge(4.9, { metric: 'ops', min: 5 })).toBe('missed');
    expect(judge(Number.POSITIVE_INFINITY, { metric: 'ms', max: 150 })).toBe('missed');
  });

  it('reports a figure without a goal as information', () => {
    expect(judge(123, undefined)).toBe('info');
  });
});
