/** Median and spread of one series of samples (milliseconds, bytes, ratios...). */
export interface Summary {
  n: number;
  min: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Nearest-rank percentile of an ascending series: the smallest sample with at least `p` % of the samples
 * at or below it. No interpolation, so every figure reported is one that was actually measured.
 */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new RangeError('percentile of no samples');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0..100`);
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  const value = sortedAscending[rank - 1];
  if (value === undefined) throw new RangeError('percentile rank out of range');
  return value;
}

export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summary of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    min: percentile(sorted, 0),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    mean: sum / sorted.length,
  };
}

export function median(samples: readonly number[]): number {
  return summarise(samples).p50;
}
