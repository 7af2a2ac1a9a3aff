import { z } from 'zod';

/**
 * `processing`: the provider was called (or is being called) and has given no verdict yet — a lost
 * answer, a timeout or a crash leaves a charge here until the reconciler asks the provider about its order.
 * `requires_action`: the customer must act (3-D Secure) or the app must relay a request.
 */
export const ChargeStatus = z.enum(['processing', 'requires_action', 'succeeded', 'failed']);
export type ChargeStatus = z.infer<typeof ChargeStatus>;

export const RefundStatus = z.enum(['processing', 'succeeded', 'failed']);
export type RefundStatus = z.infer<typeof RefundStatus>;
