import type { FormParam } from '@cardbind/core';
import type { PayOnlineConfig } from '../config.js';
import { rebillSecurityKey } from './security-key.js';

/** A Rebill ready to sign: every value exactly as it goes on the wire. */
export interface RebillOrder {
  readonly rebillAnchor: string;
  readonly orderId: string;
  /** `1500.99`: a dot and two digits (charging.md, "Rebill"). */
  readonly amount: string;
  readonly currency: string;
  readonly description?: string;
}

/**
 * The Rebill's fields in the documented order, signed with lowercase hex MD5 of
 * `MerchantId&RebillAnchor&OrderId&Amount&Currency&PrivateSecurityKey` (charging.md, "Rebill"; an
 * older Ruby gem left RebillAnchor out of it). OrderDescription is sent unsigned: the Rebill key does
 * not name it. The same list is the relayed form's params (charging/relay.ts), none with a substitute.
 */
export function rebillParams(
  config: PayOnlineConfig,
  order: RebillOrder,
  contentType: PayOnlineConfig['contentType'],
): FormParam[] {
  const signed = {
    merchantId: config.merchantId,
    rebillAnchor: order.rebillAnchor,
    orderId: order.orderId,
    amount: order.amount,
    currency: order.currency,
  };
  return [
    { name: 'MerchantId', value: signed.merchantId },
    { name: 'RebillAnchor', value: signed.rebillAnchor },
    { name: 'OrderId', value: signed.orderId },
    { name: 'Amount', value: signed.amount },
    { name: 'Currency', value: signed.currency },
    { name: 'SecurityKey', value: rebillSecurityKey(signed, config.privateSecurityKey) },
    ...(order.description === undefined ? [] : [{ name: 'OrderDescription', value: order.description }]),
    { name: 'ContentType', value: contentType },
  ];
}
