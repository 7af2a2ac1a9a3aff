import { z } from 'zod';

/**
 * How often to ask about an order that is still open. Orders usually close 5-30 s after the customer
 * submits (LitRes's form-params spec's figure), so the policy polls briskly for `fastPhaseMs`, then backs off
 * geometrically up to `maxIntervalMs` until the deadline.
 */
export const PollPolicy = z.object({
  initialDelayMs: z.number().int().nonnegative().default(2_500),
  intervalMs: z.number().int().positive().default(2_500),
  fastPhaseMs: z.number().int().nonnegative().default(30_000),
  backoffFactor: z.number().min(1).default(1.5),
  maxIntervalMs: z.number().int().positive().default(20_000),
});
export type PollPolicy = z.infer<typeof PollPolicy>;
export type PollPolicyInput = z.input<typeof PollPolicy>;

export const DEFAULT_POLL_POLICY: PollPolicy = PollPolicy.parse({});

/** The delay before poll number `attempt` (0-based), given the time already spent. */
export function pollDelay(
  policy: PollPolicy,
  attempt: number,
  elapsedMs: number,
  previousDelayMs: number,
): number {
  if (attempt === 0) return policy.initialDelayMs;
  if (elapsedMs < policy.fastPhaseMs) return policy.intervalMs;
  // Whole milliseconds: Date has no finer resolution, and fractional sleeps drift against deadlines.
  return Math.round(
    Math.min(policy.maxIntervalMs, Math.max(policy.intervalMs, previousDelayMs * policy.backoffFactor)),
  );
}
