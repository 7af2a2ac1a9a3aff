import { NextAction } from '@cardbind/core/client';
import { z } from 'zod';

/**
 * The JSON of the charge routes, as zod schemas shared by server and page (like api-types.ts). Dates
 * are ISO strings; no Node built-ins here: the page's bundle includes this file.
 */

/**
 * An amount as the API answers it: integer minor units and the currency, plus `major`, the decimal
 * string the server wrote from the digits (`1000 RUB` → `10.00`), so the page never does money
 * arithmetic in floating point.
 */
export const MoneyView = z.object({
  minor: z.number().int().nonnegative(),
  currency: z.string(),
  major: z.string(),
});
export type MoneyView = z.infer<typeof MoneyView>;

export const ChargeStatusView = z.enum(['processing', 'requires_action', 'succeeded', 'failed']);
export type ChargeStatusView = z.infer<typeof ChargeStatusView>;

/** What a decline means for the next attempt on the same card (core's RetryAdvice). */
export const RetryAdviceView = z.object({
  retryable: z.boolean(),
  notBefore: z.string().optional(),
  maxAttemptsPerDay: z.number().int().positive().optional(),
  retryUntil: z.string().optional(),
});
export type RetryAdviceView = z.infer<typeof RetryAdviceView>;

export const ChargeFailureView = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  providerCode: z.string().optional(),
  notBefore: z.string().optional(),
  advice: RetryAdviceView.optional(),
});
export type ChargeFailureView = z.infer<typeof ChargeFailureView>;

export const ChargeView = z.object({
  id: z.string(),
  provider: z.string(),
  status: ChargeStatusView,
  amount: MoneyView,
  refunded: MoneyView,
  /** The charged card's id and masked number: enough to show, nothing to charge with. */
  card: z.object({ id: z.string(), maskedPan: z.string() }),
  description: z.string().optional(),
  nextAction: NextAction.optional(),
  failure: ChargeFailureView.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChargeView = z.infer<typeof ChargeView>;

export const RefundView = z.object({
  id: z.string(),
  chargeId: z.string(),
  status: z.enum(['processing', 'succeeded', 'failed']),
  amount: MoneyView,
  failure: z
    .object({
      code: z.string(),
      message: z.string(),
      retryable: z.boolean(),
      providerCode: z.string().optional(),
    })
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RefundView = z.infer<typeof RefundView>;

export const ChargeEnvelope = z.object({ charge: ChargeView });
export const ChargesEnvelope = z.object({ charges: z.array(ChargeView) });
export const RefundEnvelope = z.object({ refund: RefundView });
export const RefundsEnvelope = z.object({ refunds: z.array(RefundView) });

/**
 * An amount as a request gives it: `{ minor, currency }`, or a decimal string such as `"10.00"` with
 * the currency beside it. Never a JSON number: `10.1` is not exactly representable, and a charge must
 * not depend on how a float was rounded.
 */
export const AmountInput = z.union([
  z.object({ minor: z.number().int().positive(), currency: z.string().regex(/^[A-Z]{3}$/) }),
  z.string().trim().min(1).max(30),
]);
export type AmountInput = z.infer<typeof AmountInput>;

export const ChargeRequestBody = z.object({
  amount: AmountInput,
  /** With a decimal-string amount only; default RUB (the demo's shop sells in rubles). */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  description: z.string().max(250).optional(),
});
export type ChargeRequestBody = z.infer<typeof ChargeRequestBody>;

export const RefundRequestBody = z.object({
  /** Absent: whatever is left of the charge. A decimal string is in the charge's currency. */
  amount: AmountInput.optional(),
});
export type RefundRequestBody = z.infer<typeof RefundRequestBody>;
