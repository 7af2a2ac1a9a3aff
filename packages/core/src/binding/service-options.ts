import { z } from 'zod';
import { PollPolicy } from '../client/poll-policy.js';
import { WorkOptions } from '../work/work-options.js';

export const CardBindingServiceOptions = z.object({
  /** Lifetime of a binding whose provider names no expiry of its own. */
  defaultTtlMs: z
    .number()
    .int()
    .positive()
    .default(30 * 60_000),
  /**
   * The longest `waitForCompletion` waits when the caller gives no `timeoutMs`. Unset: until the
   * binding's own deadline (`expiresAt`), which is what a host usually wants.
   */
  completionTimeoutMs: z.number().int().positive().optional(),
  pollPolicy: PollPolicy.default(PollPolicy.parse({})),
  /** Leases, retries and deadlines of the background work transitions cause. */
  work: WorkOptions.default(WorkOptions.parse({})),
});
export type CardBindingServiceOptions = z.infer<typeof CardBindingServiceOptions>;
