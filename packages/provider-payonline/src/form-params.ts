import type { FormParam } from '@cardbind/core';
import type { PayOnlineConfig, RequestedField } from './config.js';
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
 * host asked for (and only those: LitRes's form-params spec forbids sending unlisted ones).
 */
export function buildAuthParams(config: PayOnlineConfig, input: AuthParamsInput): FormParam[] {
  const order = {
    merchantId: config.merchantId,
    orderId: input.orderId,
    amount: config.verificationAmount,
    currency: config.currency,
  };
  const params: FormParam[] = [
    { name: 'MerchantId', value: order.merchantId },
    { name: 'OrderId', value: order.orderId },
    { name: 'Amount', value: order.amount },
    { name: 'Currency', value: order.currency },
    { name: 'SecurityKey', value: authSecurityKey(order, config.privateSecurityKey) },
    { name: 'ContentType', value: config.contentType },
  ];
  if (input.ip !== undefined && input.ip !== '') params.push({ name: 'Ip', value: input.ip });
  for (const [name, substitute] of CARD_PARAMS) params.push({ name, value: '', substitute });
  const requested = new Set(config.requestedFields);
  for (const field of OPTIONAL_ORDER) {
    if (!requested.has(field)) continue;
    const [name, substitute] = OPTIONAL_PARAMS[field];
    params.push({ name, value: '', substitute });
  }
  return params;
}
