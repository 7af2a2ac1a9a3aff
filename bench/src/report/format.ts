import type { Summary } from '../measure/stats.js';

export function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}

export function ms(value: number): string {
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

export function seconds(valueMs: number): string {
  return `${(valueMs / 1000).toFixed(2)} s`;
}

/** Seconds, or minutes past two of them (an extrapolated sweep). */
export function duration(valueMs: number): string {
  if (valueMs >= 120_000) return `${(valueMs / 60_000).toFixed(1)} min`;
  return seconds(valueMs);
}

export function bytes(value: number): string {
  if (Math.abs(value) >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(value) >= 1024) return `${(value / 1024).toFixed(2)} KiB`;
  return `${value.toFixed(0)} B`;
}

export function opsPerSecond(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(2)} M ops/s`;
  if (value >= 1_000) return `${(value / 1_000).toFixed(1)} k ops/s`;
  return `${value.toFixed(0)} ops/s`;
}

/** `p50 [min–max]` of a summary, each figure through `unit`. */
export function spread(summary: Summary, unit: (value: number) => string): string {
  return `${unit(summary.p50)} [${unit(summary.min)}–${unit(summary.max)}]`;
}

export function ratio(summary: Summary): string {
  return `${summary.p50.toFixed(2)}× [${summary.min.toFixed(2)}–${summary.max.toFixed(2)}]`;
}
