import { CardBindingError, type ProviderRef } from '@cardbind/core';
import { z } from 'zod';
import { Digits } from './answer.js';

/**
 * What the provider remembers about a charge (the charge's opaque providerRef, patched by each
 * outcome). The order id is the charge's own (`ctx.orderId`), so it is not repeated here. Never the
 * RebillAnchor, a key or a signature.
 */
export const PayOnlineChargeRef = z.object({
  /** The Rebill's transaction `Id`, from its answer or from Search. */
  transactionId: Digits.optional(),
  /**
   * The merchant account PayOnline routed the payment to, when it named one (charging.md, "Rebill
   * answer"): Void and Refund must be signed with that account's id and key.
   */
  merchantId: Digits.optional(),
  /** `relay`: the app posted the signed Rebill itself (LitRes's form-params spec). */
  flow: z.enum(['direct', 'relay']).optional(),
  /** The payment was voided (a full refund while Pending): nothing is left to refund. */
  voided: z.boolean().optional(),
});
export type PayOnlineChargeRef = z.infer<typeof PayOnlineChargeRef>;

/** The charge's stored ref, or INVALID_STATE: asking PayOnline again would not mend a damaged ref. */
export function parseChargeRef(ref: ProviderRef): PayOnlineChargeRef {
  const parsed = PayOnlineChargeRef.safeParse(ref);
  if (parsed.success) return parsed.data;
  throw new CardBindingError('INVALID_STATE', 'The stored PayOnline charge reference is unreadable');
}

/** The ref patch for a payment PayOnline took: its transaction and, when routed, its merchant. */
export function paymentRef(transactionId: string, merchantId: string | undefined): PayOnlineChargeRef {
  return { transactionId, ...(merchantId === undefined ? {} : { merchantId }) };
}
