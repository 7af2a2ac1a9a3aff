import { CardBindingError, type ProviderRef } from '@cardbind/core';
import { z } from 'zod';
import { Digits, Digits as TransactionId } from './wire/answer.js';

/** A keyed digest (hex) of what one message said, so a later one can be compared without keeping it. */
const Digest = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * What PayOnline's provider remembers about a binding (stored by the service as the binding's opaque
 * providerRef). Never the private key or card data, and nothing the customer's app reported: every field
 * comes from PayOnline's signed callback, PayOnline's answer to the host itself, or the host's own
 * checks of the term_url. Field names changed when app reports stopped counting, so a ref stored by an
 * older version (which could hold an app-reported anchor) is read without it.
 */
export const PayOnlineRef = z.object({
  orderId: z.string().min(1).max(50),
  /** The payment's TransactionId, once a callback, a 3-DS return or Search named it. */
  transactionId: TransactionId.optional(),
  /**
   * The RebillAnchor PayOnline's 3-DS endpoint answered the host (server mode), for that transaction,
   * sealed (sealed-anchor.ts): a providerRef is stored in the clear. It saves the card when PayOnline
   * confirms the payment and its callback cannot carry the anchor.
   */
  threeDsAnchor: z.object({ transactionId: TransactionId, sealed: z.string().min(1).max(400) }).optional(),
  /** The bank's return the term_url accepted: the one transaction, and the one PaRes/PD, it completes. */
  threeDsReturn: z.object({ transactionId: TransactionId, digest: Digest }).optional(),
  /**
   * What a verified callback without RebillAnchor said of the card (masked number, holder), kept for
   * the card saved later from PayOnline's 3-DS answer to the host: display only, nothing chargeable.
   */
  callbackDisplay: z
    .object({ maskedPan: z.string().max(32), holder: z.string().max(100).optional() })
    .optional(),
  /** The first verified callback: it decides the binding; a later one that differs changes nothing. */
  callback: z.object({ transactionId: TransactionId, digest: Digest }).optional(),
});
export type PayOnlineRef = z.infer<typeof PayOnlineRef>;

/**
 * The binding's stored ref, or INVALID_STATE: an unreadable ref is this binding's state gone wrong (a
 * damaged row, a ref of another provider), not PayOnline failing, and asking again will not mend it.
 * Every provider reports it so (Payture's ref.ts too).
 */
export function parseRef(ref: ProviderRef): PayOnlineRef {
  const parsed = PayOnlineRef.safeParse(ref);
  if (parsed.success) return parsed.data;
  throw new CardBindingError('INVALID_STATE', 'The stored PayOnline order reference is unreadable');
}

// --- Charges ------------------------------------------------------------------------------------

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
