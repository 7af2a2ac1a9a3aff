import { CardBindingError, type CardBindingErrorCode } from '@cardbind/core';

/**
 * ToyPay's codes, mapped to cardbind's stable ones. The raw code always travels in `providerCode`;
 * an unknown code is a generic rejection that keeps it, never a crash.
 */
const DECLINES: Readonly<Record<string, { code: CardBindingErrorCode; message: string }>> = {
  do_not_honor: { code: 'CARD_DECLINED', message: 'The issuer declined the card' },
  insufficient_funds: {
    code: 'CARD_DECLINED',
    message: 'The card has insufficient funds for the verification',
  },
  expired_card: { code: 'INVALID_CARD_DATA', message: 'The card has expired' },
  incorrect_cvc: { code: 'INVALID_CARD_DATA', message: 'The security code is wrong' },
};

const REFUSALS: Readonly<
  Record<string, { code: CardBindingErrorCode; message: string; retryable?: boolean }>
> = {
  invalid_api_key: { code: 'CONFIG_INVALID', message: 'ToyPay refused the API key' },
  session_not_found: { code: 'PROVIDER_REJECTED', message: 'ToyPay does not know this session' },
  card_not_found: { code: 'CARD_NOT_FOUND', message: 'ToyPay does not know this card' },
  rate_limited: { code: 'PROVIDER_UNAVAILABLE', message: 'ToyPay is rate limiting', retryable: true },
  charge_not_found: { code: 'CHARGE_NOT_FOUND', message: 'ToyPay has no charge for this order' },
  charge_not_refundable: { code: 'INVALID_STATE', message: 'ToyPay cannot refund this charge' },
  amount_exceeds_charge: {
    code: 'REFUND_EXCEEDS_CHARGE',
    message: 'ToyPay refused a refund larger than what is left of the charge',
  },
};

/** The failure a `declined` session ends with. */
export function declineFrom(declineCode: string): CardBindingError {
  const known = DECLINES[declineCode];
  return new CardBindingError(known?.code ?? 'CARD_DECLINED', known?.message ?? 'ToyPay declined the card', {
    providerCode: declineCode,
  });
}

/** The error a 4xx refusal becomes. */
export function rejectionFrom(errorCode: string): CardBindingError {
  const known = REFUSALS[errorCode];
  return new CardBindingError(
    known?.code ?? 'PROVIDER_REJECTED',
    known?.message ?? 'ToyPay refused the request',
    {
      providerCode: errorCode,
      ...(known?.retryable === undefined ? {} : { retryable: known.retryable }),
    },
  );
}
