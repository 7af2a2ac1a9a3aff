import { z } from 'zod';

const Ms = z.number().int().positive();

export const ChargeServiceOptions = z.object({
  /**
   * When a charge whose provider call has not answered is first asked about (Payture GetState,
   * PayOnline Search). Longer than any provider call can take, so the check never races the call.
   */
  reconcileAfterMs: Ms.default(60_000),
  /** Later checks back off from this, doubling, up to `reconcileMaxIntervalMs`. */
  reconcileIntervalMs: Ms.default(30_000),
  reconcileMaxIntervalMs: Ms.default(30 * 60_000),
  /** How long the reconciler holds a charge it is asking about (a reconciler that died lets go). */
  reconcileLeaseMs: Ms.default(60_000),
  /**
   * A provider that still has no payment for the order this long after the charge was created never
   * got the request: the charge fails with no money moved.
   */
  notFoundAfterMs: Ms.default(10 * 60_000),
  /** How long the customer has for a charge's action (3-D Secure) before it fails ACTION_EXPIRED. */
  actionTimeoutMs: Ms.default(30 * 60_000),
  /**
   * A call with the key of a charge another instance is still sending waits this long for its answer,
   * then returns the charge as it stands (`processing`).
   */
  inFlightWaitMs: Ms.default(10_000),
});
export type ChargeServiceOptions = z.infer<typeof ChargeServiceOptions>;
export type ChargeServiceOptionsInput = z.input<typeof ChargeServiceOptions>;

export function reconcileDelayMs(options: ChargeServiceOptions, attempts: number): number {
  return Math.min(
    options.reconcileMaxIntervalMs,
    options.reconcileIntervalMs * 2 ** Math.max(0, attempts - 1),
  );
}
