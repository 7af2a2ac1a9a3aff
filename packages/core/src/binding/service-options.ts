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
  // `prefault`: the defaults are parsed with the host's options, not at import (zod compiles a schema
  // on its first parse), and each parse gets an object of its own.
  pollPolicy: PollPolicy.prefault({}),
  /** Leases, retries and deadlines of the background work transitions cause. */
  work: WorkOptions.prefault({}),
});
export type CardBindingServiceOptions = z.infer<typeof CardBindingServiceOptions>;
