import { z } from 'zod';

export const WorkOptions = z.object({
  /** How long a claimed item is held before another worker may take it (a holder that died). */
  leaseMs: z.number().int().positive().default(60_000),
  /** First retry delay; doubles per attempt up to `retryMaxMs`. */
  retryBaseMs: z.number().int().positive().default(1_000),
  retryMaxMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  /**
   * How long an after-step (void, release) is tried before it fails for good. PayOnline voids only
   * within 24 h of the payment (its docs), so the default stops an hour short of that.
   */
  afterStepDeadlineMs: z
    .number()
    .int()
    .positive()
    .default(23 * 60 * 60_000),
  /** How long a listener event is redelivered. */
  eventDeadlineMs: z
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60_000),
});
export type WorkOptions = z.infer<typeof WorkOptions>;

export function retryDelayMs(options: WorkOptions, attempts: number): number {
  return Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}
