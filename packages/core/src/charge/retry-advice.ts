import { z } from 'zod';

/**
 * What a decline means for the next attempt on the same card, from the provider's codes (PayOnline's
 * rebill section: ErrorCode 1 retry later, 2 after 24 h, 3 at most 5 a day for 3 days, 4 never; codes
 * 52xx/53xx no new attempt for 4 days). The charge service refuses a new charge on the card that breaks
 * it, unless the host overrides.
 */
export const RetryAdvice = z.object({
  /** False: the issuer or the provider said never on this card. */
  retryable: z.boolean(),
  /** No new attempt on this card before this time. */
  notBefore: z.date().optional(),
  /** At most this many attempts on this card in any 24 hours. */
  maxAttemptsPerDay: z.number().int().positive().optional(),
  /** No attempt on this card after this time. */
  retryUntil: z.date().optional(),
});
export type RetryAdvice = z.infer<typeof RetryAdvice>;
