import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Money } from './money.js';

export const ChargeInput = z.object({
  customerId: z.string().min(1).max(200),
  cardId: z.string().min(1).max(200),
  amount: Money,
  /** Required: a charge without one could not be retried safely. Stripe's semantics (see docs/charging.md). */
  idempotencyKey: z.string().min(1).max(255),
  description: z.string().max(250).optional(),
  metadata: z.record(z.string(), z.string().max(500)).default({}),
  /**
   * The host's page the customer's browser comes back to after a 3-D Secure step; `{chargeId}` is
   * replaced by the charge's id, so the page knows which charge to complete.
   */
  returnUrl: z.string().url().optional(),
  /** Options the provider parses itself (PayOnline: `{ flow: 'relay' }` for LitRes's relayed rebill). */
  providerOptions: z.record(z.string(), z.string().max(200)).default({}),
  /** Charge even though the card's last decline advises against a new attempt yet: the host's decision. */
  ignoreRetryAdvice: z.boolean().default(false),
});
export type ChargeInput = z.input<typeof ChargeInput>;
export type ParsedChargeInput = z.output<typeof ChargeInput>;

export const RefundInput = z.object({
  /** Absent: whatever is left of the charge. */
  amount: Money.optional(),
  idempotencyKey: z.string().min(1).max(255),
});
export type RefundInput = z.input<typeof RefundInput>;

/**
 * A digest of what a request asks for, so that the same idempotency key with other parameters is
 * refused (Stripe compares the parameters too). Keys are sorted, so field order does not matter.
 */
export function requestHash(parameters: unknown): string {
  return createHash('sha256').update(canonicalJson(parameters)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
