import { CardBindingError, type CardBindingErrorCode } from '@cardbind/core';

/** Older terminals still answer with the first generation of names; both mean the same. */
const LEGACY_NAMES: Readonly<Record<string, string>> = {
  USER_NOT_FOUND: 'CUSTOMER_NOT_FOUND',
  DUPLICATE_USER: 'DUPLICATE_CUSTOMER',
  WRONG_USER_PARAMS: 'WRONG_PARAMS',
  WRONG_CARD_PAN: 'WRONG_PAN',
  WRONG_CARD_EXP: 'WRONG_EXPIRE_DATE',
};

/** The current name of an ErrCode, whichever generation the terminal speaks. */
export function canonicalErrCode(errCode: string): string {
  const upper = errCode.trim().toUpperCase();
  return LEGACY_NAMES[upper] ?? upper;
}

interface Mapping {
  code: CardBindingErrorCode;
  message: string;
  retryable?: boolean;
  field?: string;
}

const declined = (message: string): Mapping => ({ code: 'CARD_DECLINED', message });
const rejected = (message: string): Mapping => ({ code: 'PROVIDER_REJECTED', message, retryable: false });
const unavailable = (message: string): Mapping => ({
  code: 'PROVIDER_UNAVAILABLE',
  message,
  retryable: true,
});
const invalidCard = (field: string, message: string): Mapping => ({
  code: 'INVALID_CARD_DATA',
  message,
  field,
});

/** ErrCode (canonical name) → cardbind code. Sources: payture.com/en/docs/error-codes and SDKs. */
const MAPPINGS: Readonly<Record<string, Mapping>> = {
  // The customer, the card or the issuer said no.
  AMOUNT_EXCEED: declined('Insufficient funds for the verification amount'),
  CANCELED_BY_CLIENT: declined('The customer cancelled'),
  CARD_EXPIRED: declined('The card has expired'),
  FRAUD_ERROR: declined('Declined by the anti-fraud filter'),
  FRAUD_ERROR_BIN_LIMIT: declined('Declined by the anti-fraud filter'),
  FRAUD_ERROR_CRITICAL_CARD: declined('Declined by the anti-fraud filter'),
  FRAUD_INTERNAL: declined('Declined by the anti-fraud filter'),
  GEO_CARD_RESTRICTION: declined("Declined because of the issuer's country"),
  ISSUER_BLOCKED_CARD: declined('The issuer blocked the card'),
  ISSUER_CARD_FAIL: declined('The issuer does not allow internet transactions on this card'),
  ISSUER_FAIL: declined('The issuer declined'),
  ISSUER_LIMIT_FAIL: declined("Over the issuer's limits"),
  ISSUER_LIMIT_AMOUNT_FAIL: declined("Over the issuer's amount limit"),
  ISSUER_LIMIT_COUNT_FAIL: declined("Over the issuer's transaction count limit"),
  NOT_ALLOWED: declined('The issuer declined'),
  THREE_DS_FAIL: declined('3-D Secure authentication failed'),
  THREE_DS_AUTH_ERROR: declined('3-D Secure authentication failed'),
  THREE_DS_TIME_OUT: declined('3-D Secure authentication timed out'),
  LIMIT_EXCHAUST: declined('The time or attempts for entering the card ran out'),
  // The card data the customer typed was wrong.
  WRONG_PAN: invalidCard('cardNumber', 'The card number is wrong'),
  WRONG_CARD_INFO: invalidCard('card', 'The card data is wrong'),
  WRONG_CVV: invalidCard('cvv', 'The security code is wrong'),
  WRONG_EXPIRE_DATE: invalidCard('expiry', 'The expiry date is wrong'),
  // Our request or our terminal is wrong: asking again will not help.
  ACCESS_DENIED: rejected('Payture denied access for this terminal and customer'),
  AMOUNT_ERROR: rejected('Payture refused the amount'),
  API_NOT_ALLOWED: rejected('Payture does not allow API calls from this IP'),
  CURRENCY_NOT_ALLOWED: rejected('The currency is not allowed for the terminal'),
  CUSTOMER_NOT_FOUND: rejected('The customer is not registered at Payture'),
  DUPLICATE_CARD: rejected('The card is already registered'),
  DUPLICATE_CUSTOMER: rejected('The customer is already registered'),
  DUPLICATE_ORDER_ID: rejected('The order id was used before'),
  DUPLICATE_PROCESSING_ORDER_ID: rejected('The order id was used before'),
  ILLEGAL_ORDER_STATE: rejected('Not allowed in the order state'),
  INVALID_SIGNATURE: rejected('Payture refused the signature'),
  MERCHANT_RESTRICTION: rejected('Payture restricts this terminal'),
  OPERATION_NOT_ALLOWED: rejected('Payture does not allow the operation'),
  ORDER_NOT_FOUND: rejected('Payture knows no such order'),
  WRONG_PARAMS: rejected('Payture refused the request parameters'),
  NONE: rejected('Payture refused without a reason'),
  CARD_NOT_FOUND: { code: 'CARD_NOT_FOUND', message: 'Payture knows no such card', retryable: false },
  ORDER_TIME_OUT: { code: 'BINDING_EXPIRED', message: 'The Payture session timed out', retryable: false },
  // Passing trouble on Payture's side or beyond it.
  INTERNAL_ERROR: unavailable('Payture had an internal error'),
  PROCESSING_ERROR: unavailable('The processing system failed'),
  PROCESSING_TIME_OUT: unavailable('The processing system timed out'),
  ISSUER_TIMEOUT: unavailable('The issuer did not answer'),
  EMPTY_RESPONSE: unavailable('The processing system gave no answer'),
  COMMUNICATE_ERROR: unavailable('Payture could not reach the processing system'),
  PAYMENT_ENGINE_ERROR: unavailable('The processing system failed'),
};

/**
 * The CardBindingError for a Payture refusal. The raw ErrCode always stays in `providerCode`; an
 * unknown code is a generic rejection, not a guess.
 */
export function paytureError(errCode: string, command: string): CardBindingError {
  const mapping = MAPPINGS[canonicalErrCode(errCode)];
  if (!mapping) {
    return new CardBindingError('PROVIDER_REJECTED', `Payture refused ${command}`, {
      providerCode: errCode,
      retryable: false,
    });
  }
  return new CardBindingError(mapping.code, `${mapping.message} (Payture ${command})`, {
    providerCode: errCode,
    ...(mapping.retryable === undefined ? {} : { retryable: mapping.retryable }),
    ...(mapping.field === undefined ? {} : { field: mapping.field }),
  });
}

/** True when the ErrCode (either generation) is the given canonical name. */
export function isErrCode(errCode: string, canonical: string): boolean {
  return canonicalErrCode(errCode) === canonical;
}
