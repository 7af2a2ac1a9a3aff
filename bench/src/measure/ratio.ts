import { summarise, type Summary } from './stats.js';

/**
 * Ratios of paired samples: round i of the candidate against round i of the baseline, measured back to
 * back, so a noisy stretch of the machine slows both sides of a pair rather than one side of the table.
 */
export function pairedRatios(candidate: readonly number[], baseline: readonly number[]): number[] {
  if (candidate.length !== baseline.length) {
    throw new RangeError(`unpaired samples: ${candidate.length} candidate vs ${baseline.length} baseline`);
  }
  return candidate.map((value, index) => {
    const base = baseline[index];
    if (base === undefined || !(base > 0)) throw new RangeError(`baseline sample ${index} is not positive`);
    return value / base;
  });
}

export function ratioSummary(candidate: readonly number[], baseline: readonly number[]): Summary {
  return summarise(pairedRatios(candidate, baseline));
}

/** A goal is an upper (or lower) bound on one reported figure. */
export interface Goal {
  /** What the bound applies to, as printed: `ratio p50`, `ms p50`, `bytes/binding`... */
  metric: string;
  max?: number;
  min?: number;
}

/** `skipped`: the row could not be measured here (no PostgreSQL server); its candidate cell says why. */
export type Verdict = 'met' | 'missed' | 'info' | 'skipped';

export function judge(value: number, goal: Goal | undefined): Verdict {
  if (!goal) return 'info';
  if (goal.max !== undefined && value > goal.max) return 'missed';
  if (goal.min !== undefined && value < goal.min) return 'missed';
  return 'met';
}
