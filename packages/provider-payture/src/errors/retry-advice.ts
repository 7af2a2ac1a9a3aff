import { CardBindingError, type RetryAdvice } from '@cardbind/core';
import { canonicalErrCode, paytureError } from './codes.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What a Payture decline means for the next attempt on the same card. Payture documents no retry
 * rules of its own, so its codes are sorted into PayOnline's classes (charging.md, "What a decline
 * means for the next attempt", from PayOnline's API doc, rebill section), by what each code says.
 */
type DeclineClass =
  'technical' | 'issuer-refused' | 'daily-limit' | 'insufficient-funds' | 'never' | 'merchant';

/** ErrCode (current names; legacy ones are read through canonicalErrCode) → class. */
const CLASSES: Readonly<Record<string, DeclineClass>> = {
  // PayOnline ErrorCode 1, "technical — retry later": nothing is wrong with the card, a system on the
  // way to the issuer did not answer or failed.
  ISSUER_TIMEOUT: 'technical',
  PROCESSING_TIME_OUT: 'technical',
  PROCESSING_ERROR: 'technical',
  INTERNAL_ERROR: 'technical',
  EMPTY_RESPONSE: 'technical',
  COMMUNICATE_ERROR: 'technical',
  PAYMENT_ENGINE_ERROR: 'technical',
  // PayOnline ErrorCode 3, "issuer refused — at most 5 attempts a day for 3 days": a refusal without a
  // lasting reason given (ISSUER_FAIL is the generic one), or a 3-D Secure step the customer failed.
  ISSUER_FAIL: 'issuer-refused',
  NOT_ALLOWED: 'issuer-refused',
  THREE_DS_FAIL: 'issuer-refused',
  THREE_DS_AUTH_ERROR: 'issuer-refused',
  THREE_DS_TIME_OUT: 'issuer-refused',
  // PayOnline ErrorCode 2, "retry after 24 h": the issuer's count limits, which run per day.
  ISSUER_LIMIT_COUNT_FAIL: 'daily-limit',
  ISSUER_LIMIT_FAIL: 'daily-limit',
  // PayOnline's codes 5205 (insufficient funds) and the other 52xx/53xx: "no new attempt on that card
  // earlier than 4 calendar days". Payture's insufficient funds and amount limits.
  AMOUNT_EXCEED: 'insufficient-funds',
  ISSUER_LIMIT_AMOUNT_FAIL: 'insufficient-funds',
  // PayOnline ErrorCode 4, "issuer refused — do not retry": the card is gone, expired, blocked, not
  // for internet payments, refused by anti-fraud, or needs a CVV that an off-session charge never has
  // (charging.md: a CVV demand is a typed decline).
  CARD_EXPIRED: 'never',
  CARD_NOT_FOUND: 'never',
  ISSUER_BLOCKED_CARD: 'never',
  ISSUER_CARD_FAIL: 'never',
  FRAUD_ERROR: 'never',
  FRAUD_ERROR_BIN_LIMIT: 'never',
  FRAUD_ERROR_CRITICAL_CARD: 'never',
  FRAUD_INTERNAL: 'never',
  GEO_CARD_RESTRICTION: 'never',
  WRONG_PAN: 'never',
  WRONG_CARD_INFO: 'never',
  WRONG_CVV: 'never',
  WRONG_EXPIRE_DATE: 'never',
  // Our request, terminal or customer account is wrong: the card is not at fault, so no advice about
  // it; the charge fails PROVIDER_REJECTED. Unknown codes land here too, their raw code kept.
  ACCESS_DENIED: 'merchant',
  AMOUNT_ERROR: 'merchant',
  API_NOT_ALLOWED: 'merchant',
  CURRENCY_NOT_ALLOWED: 'merchant',
  CUSTOMER_NOT_FOUND: 'merchant',
  ILLEGAL_ORDER_STATE: 'merchant',
  INVALID_SIGNATURE: 'merchant',
  MERCHANT_RESTRICTION: 'merchant',
  OPERATION_NOT_ALLOWED: 'merchant',
  WRONG_PARAMS: 'merchant',
  NONE: 'merchant',
};

function adviceFor(declineClass: DeclineClass, now: Date): RetryAdvice | undefined {
  const after = (days: number) => new Date(now.getTime() + days * DAY_MS);
  switch (declineClass) {
    case 'technical':
      return { retryable: true };
    case 'issuer-refused':
      return { retryable: true, maxAttemptsPerDay: 5, retryUntil: after(3) };
    case 'daily-limit':
      return { retryable: true, notBefore: after(1) };
    case 'insufficient-funds':
      return { retryable: true, notBefore: after(4) };
    case 'never':
      return { retryable: false };
    case 'merchant':
      return undefined;
  }
}

export interface ChargeDecline {
  error: CardBindingError;
  advice?: RetryAdvice;
}

/**
 * The failure of a charge Payture refused with `Success="False"`: CARD_DECLINED for what the card or
 * its issuer said, PROVIDER_REJECTED for what our side got wrong; the raw ErrCode in `providerCode`.
 */
export function chargeDecline(errCode: string, command: string, now: Date): ChargeDecline {
  const declineClass = CLASSES[canonicalErrCode(errCode)] ?? 'merchant';
  const advice = adviceFor(declineClass, now);
  // The wording of codes.ts, which names every code Payture documents.
  const { message } = paytureError(errCode, command);
  const error = new CardBindingError(
    declineClass === 'merchant' ? 'PROVIDER_REJECTED' : 'CARD_DECLINED',
    message,
    {
      providerCode: errCode,
      retryable: advice?.retryable ?? false,
    },
  );
  return advice === undefined ? { error } : { error, advice };
}
