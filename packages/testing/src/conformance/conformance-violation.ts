import type { ConformanceCase } from './options.js';

/**
 * A provider broke the contract. The message starts with the case (`[faults] ...`) and says what was
 * expected, what happened and, where it helps, what to change.
 */
export class ConformanceViolation extends Error {
  override readonly name = 'ConformanceViolation';
  constructor(
    readonly conformanceCase: ConformanceCase,
    message: string,
  ) {
    super(`[${conformanceCase}] ${message}`);
  }
}

/** Throws a ConformanceViolation unless `condition` holds. */
export function conform(
  conformanceCase: ConformanceCase,
  condition: boolean,
  message: string | (() => string),
): asserts condition {
  if (!condition) {
    throw new ConformanceViolation(conformanceCase, typeof message === 'string' ? message : message());
  }
}
