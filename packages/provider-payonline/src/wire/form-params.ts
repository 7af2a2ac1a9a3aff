import type { FormParam } from '@cardbind/core';
import type { PayOnlineConfig, RequestedField } from '../config.js';
import { authSecurityKey } from './security-key.js';

/**
 * PayOnline's Auth field for each card-form field the app fills (the substitute vocabulary of LitRes's
 * form-params spec).
 */
const CARD_PARAMS: readonly (readonly [name: string, substitute: string])[] = [
  ['CardHolderName', 'name'],
  ['CardNumber', 'number'],
  ['CardExpDate', 'expires'],
  ['CardCvv', 'cvv'],
  ['Email', 'mail'],
  ['Country', 'country'],
];

/** Optional fields, in the order they are listed when requested. */
const OPTIONAL_PARAMS: Readonly<Record<RequestedField, readonly [name: string, substitute: string]>> = {
  city: ['City', 'city'],
  address: ['Address', 'address'],
  zip: ['Zip', 'zip'],
  state: ['State', 'state'],
  phone: ['Phone', 'phone'],
  issuer: ['Issuer', 'bank'],
};
const OPTIONAL_ORDER: readonly RequestedField[] = ['city', 'address', 'zip', 'state', 'phone', 'issuer'];

export interface AuthParamsInput {
  readonly orderId: string;
  /** The customer's IP address, when the host knows it (PayOnline's `Ip`). */
  readonly ip?: string | undefined;
}

/**
 * The params of the Auth request the app sends to PayOnline: the signed order fields first, then the
 * card fields as substitutes the app fills from what the customer types, then the optional fields the
 * host asked for (and only those: LitRes's form-params spec forbids sending unlisted ones). What
 * depends on the configuration alone (the substitutes) is worked out once; each binding then only signs
 * its order (docs/performance.md, scenario 6).
 */
export function authParamsBuilder(config: PayOnlineConfig): (input: AuthParamsInput) => FormParam[] {
  const requested = new Set(config.requestedFields);
  const substitutes: readonly FormParam[] = [
    ...CARD_PARAMS.map(([name, substitute]) => ({ name, value: '', substitute })),
    ...OPTIONAL_ORDER.filter((field) => requested.has(field)).map((field) => {
      const [name, substitute] = OPTIONAL_PARAMS[field];
      return { name, value: '', substitute };
    }),
  ];
  const { merchantId, verificationAmount: amount, currency, contentType, privateSecurityKey } = config;
  return (input) => {
    const params: FormParam[] = [
      { name: 'MerchantId', value: merchantId },
      { name: 'OrderId', value: input.orderId },
      { name: 'Amount', value: amount },
      { name: 'Currency', value: currency },
      {
        name: 'SecurityKey',
        value: authSecurityKey({ merchantId, orderId: input.orderId, amount, currency }, privateSecurityKey),
      },
      { name: 'ContentType', value: contentType },
    ];
    if (input.ip !== undefined && input.ip !== '') params.push({ name: 'Ip', value: input.ip });
    // Copies: an outcome is the caller's to keep, and no caller may change the next binding's params.
    for (const param of substitutes) params.push({ ...param });
    return params;
  };
}
