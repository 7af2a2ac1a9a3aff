import { createHash, timingSafeEqual } from 'node:crypto';
import { CardBindingError, type ProviderRef } from '@cardbind/core';
import { z } from 'zod';

/**
 * What the Payture provider remembers about a binding between calls (the service stores it). Never a
 * password. The cards the customer had before are kept as fingerprints, not CardIds: a CardId is a
 * charge token, and the binding only needs to recognise them.
 */
export const PaytureRef = z.object({
  login: z.string().min(1),
  sessionId: z.string().min(1),
  cardsBeforeInit: z.array(z.string()),
  orderId: z.string().optional(),
  /** The ErrCode of the last CustomerAddFail: the failure to report if the session then ends without a card. */
  lastFailureCode: z.string().optional(),
});
export type PaytureRef = z.infer<typeof PaytureRef>;

export function parseRef(ref: ProviderRef): PaytureRef {
  const parsed = PaytureRef.safeParse(ref);
  if (parsed.success) return parsed.data;
  throw new CardBindingError('INVALID_STATE', 'The stored Payture reference of this binding is unreadable');
}

/** Builds the ref as plain JSON (what ProviderRef holds). */
export function toProviderRef(ref: PaytureRef): ProviderRef {
  const out: ProviderRef = {
    login: ref.login,
    sessionId: ref.sessionId,
    cardsBeforeInit: [...ref.cardsBeforeInit],
  };
  if (ref.orderId !== undefined) out['orderId'] = ref.orderId;
  if (ref.lastFailureCode !== undefined) out['lastFailureCode'] = ref.lastFailureCode;
  return out;
}

/** A one-way fingerprint of a CardId: enough to tell "was there before", useless for charging. */
export function cardFingerprint(cardId: string): string {
  return createHash('sha256').update(`payture-card:${cardId}`, 'utf8').digest('hex').slice(0, 32);
}

// --- Charges ------------------------------------------------------------------------------------

/**
 * What the Payture provider remembers about a charge (the service stores it beside the order id).
 * Small on purpose, and never a secret: the 3-D Secure key (MD) is kept as a digest, enough to
 * recognise the ACS's post as this charge's, useless to anyone reading the store.
 */
export const PaytureChargeRef = z.object({
  /** SHA-256 of the ThreeDSKey Pay answered with, when it asked for 3-D Secure. */
  threeDSKeyDigest: z.string().optional(),
  /** Payture's own id of the payment (`MerchantOrderId` in Pay's answer), for support requests. */
  merchantOrderId: z.string().optional(),
});
export type PaytureChargeRef = z.infer<typeof PaytureChargeRef>;

export function parseChargeRef(ref: ProviderRef): PaytureChargeRef {
  const parsed = PaytureChargeRef.safeParse(ref);
  if (parsed.success) return parsed.data;
  throw new CardBindingError('INVALID_STATE', 'The stored Payture reference of this charge is unreadable');
}

export function threeDSKeyDigest(threeDSKey: string): string {
  return createHash('sha256').update(`payture-3ds:${threeDSKey}`, 'utf8').digest('hex');
}

/** Whether the MD the customer's browser posted is the one Pay gave this charge. */
export function isThisChargesThreeDSKey(ref: PaytureChargeRef, md: string): boolean {
  if (ref.threeDSKeyDigest === undefined) return false;
  const expected = Buffer.from(ref.threeDSKeyDigest, 'utf8');
  const actual = Buffer.from(threeDSKeyDigest(md), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
