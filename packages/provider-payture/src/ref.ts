import { createHash } from 'node:crypto';
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
