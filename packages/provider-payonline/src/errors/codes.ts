import { CardBindingError, type CardBindingErrorCode, type CardField } from '@cardbind/core/client';

/**
 * PayOnline's result codes, mapped to cardbind's stable error codes. Sources: PayOnline's API doc
 * ("Response codes") and the public error lists. `Code` is the specific reason (4xxx request fields,
 * 5xxx issuer/processing, 6xxx extra authentication, 1xxx/3xxx technical, 2xxx blocked by the security
 * system); `ErrorCode` is the class the doc tells payers about (1 technical, try later; 2 card payment
 * impossible; 3 issuer declined; 4 issuer declined, 3-DS needed). The raw code always travels in
 * `providerCode`. No Node built-ins: the client uses the human messages.
 */
export interface PayOnlineCodes {
  readonly code?: string | undefined;
  readonly errorCode?: string | undefined;
}

interface CodeMeaning {
  readonly error: CardBindingErrorCode;
  readonly message: string;
  readonly field?: CardField;
}

/** 4xxx: the request's fields. Card fields point at the input to fix; the rest are the merchant's. */
const REQUEST_FIELD_CODES: Readonly<Record<string, CodeMeaning>> = {
  '4004': { error: 'INVALID_CARD_DATA', message: 'The card number is not valid', field: 'number' },
  '4005': { error: 'INVALID_CARD_DATA', message: 'The cardholder name is not valid', field: 'name' },
  '4006': { error: 'INVALID_CARD_DATA', message: 'The CVV is not valid', field: 'cvv' },
  '4007': { error: 'INVALID_CARD_DATA', message: 'The expiry date is not valid', field: 'expires' },
  '4008': { error: 'INVALID_CARD_DATA', message: 'The country is not valid', field: 'country' },
  '4009': { error: 'INVALID_CARD_DATA', message: 'The city is not valid', field: 'city' },
  '4010': { error: 'INVALID_CARD_DATA', message: 'The state is not valid', field: 'state' },
  '4011': { error: 'INVALID_CARD_DATA', message: 'The ZIP code is not valid', field: 'zip' },
  '4012': { error: 'INVALID_CARD_DATA', message: 'The address is not valid', field: 'address' },
  '4013': { error: 'INVALID_CARD_DATA', message: 'The issuing bank name is not valid', field: 'bank' },
  '4014': { error: 'INVALID_CARD_DATA', message: 'The card has expired', field: 'expires' },
  '4015': { error: 'CARD_DECLINED', message: 'This type of card is not accepted' },
  '4016': { error: 'PROVIDER_REJECTED', message: 'PayOnline says this order is already paid' },
  '4017': { error: 'INVALID_CARD_DATA', message: 'The e-mail address is not valid', field: 'mail' },
  '4019': { error: 'INVALID_CARD_DATA', message: 'The phone number is not valid', field: 'phone' },
  '4032': { error: 'INVALID_CARD_DATA', message: 'The phone number is not valid', field: 'phone' },
  '4033': { error: 'INVALID_CARD_DATA', message: 'The phone number format is not valid', field: 'phone' },
  '4024': {
    error: 'PROVIDER_REJECTED',
    message: 'PayOnline refused the SecurityKey (check merchantId and privateSecurityKey)',
  },
};

/** Issuer answers that are worth their own words. */
const ISSUER_CODES: Readonly<Record<string, string>> = {
  '5205': 'The card has insufficient funds',
  '5301': 'The card has expired or the date is wrong',
  '5305': 'The card is reported lost or stolen',
  '5410': 'The 3-D Secure data was not accepted',
  '5411': 'The CVV was not accepted',
};

/** 5xxx codes that describe the processing chain rather than the card: worth trying again later. */
const PROCESSING_FAULTS = new Set(['5333', '5334', '5396', '5809']);

const ERROR_CODE_CLASSES: Readonly<Record<string, CodeMeaning>> = {
  '1': { error: 'PROVIDER_UNAVAILABLE', message: 'PayOnline had a technical problem; try again later' },
  '2': { error: 'CARD_DECLINED', message: 'This card cannot be used for the payment' },
  '3': { error: 'CARD_DECLINED', message: 'The card issuer declined the payment' },
  '4': { error: 'CARD_DECLINED', message: 'The card issuer declined the payment' },
};

function meaningOf({ code, errorCode }: PayOnlineCodes): CodeMeaning {
  if (code !== undefined) {
    const request = REQUEST_FIELD_CODES[code];
    if (request) return request;
    if (code === '6000' || code === '6001') {
      return { error: 'CARD_DECLINED', message: 'The payment needs 3-D Secure, which was not completed' };
    }
    if (code === '6003') return { error: 'CARD_DECLINED', message: '3-D Secure authentication failed' };
    if (code === '6002' || code === '6004') {
      return { error: 'PROVIDER_UNAVAILABLE', message: '3-D Secure is unavailable; try again later' };
    }
    if (/^40\d\d$|^43\d\d$/.test(code)) {
      return { error: 'PROVIDER_REJECTED', message: 'PayOnline refused the request' };
    }
    if (PROCESSING_FAULTS.has(code)) {
      return { error: 'PROVIDER_UNAVAILABLE', message: 'The card processing failed; try again later' };
    }
    if (/^5\d{3}$/.test(code)) {
      return {
        error: 'CARD_DECLINED',
        message: ISSUER_CODES[code] ?? 'The card issuer declined the payment',
      };
    }
  }
  // A generic Code (1xxx, 2xxx, 3xxx): the ErrorCode class is the better guide. A recorded failure
  // callback carries Code=1999 with ErrorCode=3, which is an issuer decline, not an outage.
  const byClass = errorCode === undefined ? undefined : ERROR_CODE_CLASSES[errorCode];
  if (byClass) return byClass;
  if (code !== undefined && /^2\d{3}$/.test(code)) {
    return { error: 'CARD_DECLINED', message: "PayOnline's security checks blocked the payment" };
  }
  if (code !== undefined && /^[13]\d{3}$/.test(code)) {
    return { error: 'PROVIDER_UNAVAILABLE', message: 'PayOnline had a technical problem; try again later' };
  }
  return { error: 'PROVIDER_REJECTED', message: 'PayOnline did not accept the payment' };
}

/** The raw code for support: Code when given, else ErrorCode. */
export function providerCodeOf({ code, errorCode }: PayOnlineCodes): string | undefined {
  return code ?? errorCode;
}

/** A CardBindingError for a PayOnline refusal; the message names codes, never request values. */
export function errorForCodes(codes: PayOnlineCodes): CardBindingError {
  const meaning = meaningOf(codes);
  const detail = [
    codes.code === undefined ? undefined : `Code ${codes.code}`,
    codes.errorCode === undefined ? undefined : `ErrorCode ${codes.errorCode}`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  const providerCode = providerCodeOf(codes);
  return new CardBindingError(meaning.error, detail ? `${meaning.message} (${detail})` : meaning.message, {
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(meaning.field === undefined ? {} : { field: meaning.field }),
  });
}

/** A sentence for the payer: what happened and what to do, by code group. */
export function declineMessage(codes: PayOnlineCodes): string {
  const meaning = meaningOf(codes);
  switch (meaning.error) {
    case 'INVALID_CARD_DATA':
      return `${meaning.message}. Please check it and try again.`;
    case 'CARD_DECLINED':
      return `${meaning.message}. Please use another card or contact your bank.`;
    case 'PROVIDER_UNAVAILABLE':
      return 'The payment service is temporarily unavailable. Please try again in a few minutes.';
    default:
      return 'The payment could not be processed. Please try again later or contact support.';
  }
}
