import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Secret } from '@cardbind/core';

/**
 * PayOnline's SecurityKey: the lowercase hex MD5 of `Name=value&...&PrivateSecurityKey={key}` over raw
 * (not URL-encoded) values, names in the documented order and case. Each formula below is one
 * documented method; the doc's vectors are tests. The joined string holds the private key, so it
 * lives only inside `sign` and is never returned, logged or thrown.
 */
type Pairs = readonly (readonly [name: string, value: string])[];

function sign(pairs: Pairs, key: Secret): string {
  const text = [...pairs, ['PrivateSecurityKey', key.reveal()] as const]
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export interface AuthKeyFields {
  merchantId: string;
  orderId: string;
  amount: string;
  currency: string;
  orderDescription?: string;
}

/** Auth (and the form the app posts): `MerchantId&OrderId&Amount&Currency[&OrderDescription]`. */
export function authSecurityKey(fields: AuthKeyFields, key: Secret): string {
  return sign(
    [
      ['MerchantId', fields.merchantId],
      ['OrderId', fields.orderId],
      ['Amount', fields.amount],
      ['Currency', fields.currency],
      ...(fields.orderDescription === undefined
        ? []
        : [['OrderDescription', fields.orderDescription] as const]),
    ],
    key,
  );
}

/** 3-DS completion: `MerchantId&TransactionId&PARes&PD`. */
export function threeDsSecurityKey(
  fields: { merchantId: string; transactionId: string; paRes: string; pd: string },
  key: Secret,
): string {
  return sign(
    [
      ['MerchantId', fields.merchantId],
      ['TransactionId', fields.transactionId],
      ['PARes', fields.paRes],
      ['PD', fields.pd],
    ],
    key,
  );
}

/** Search, by OrderId or by TransactionId. */
export function searchSecurityKey(
  fields: { merchantId: string } & ({ orderId: string } | { transactionId: string }),
  key: Secret,
): string {
  const by: readonly [string, string] =
    'orderId' in fields ? ['OrderId', fields.orderId] : ['TransactionId', fields.transactionId];
  return sign([['MerchantId', fields.merchantId], by], key);
}

export interface CallbackKeyFields {
  dateTime: string;
  transactionId: string;
  orderId: string;
  amount: string;
  currency: string;
}

/** Server-to-server callback: `DateTime&TransactionID&OrderId&Amount&Currency` (note the capital D). */
export function callbackSecurityKey(fields: CallbackKeyFields, key: Secret): string {
  return sign(
    [
      ['DateTime', fields.dateTime],
      ['TransactionID', fields.transactionId],
      ['OrderId', fields.orderId],
      ['Amount', fields.amount],
      ['Currency', fields.currency],
    ],
    key,
  );
}

/** Rebill (charging a saved card): `MerchantId&RebillAnchor&OrderId&Amount&Currency`. */
export function rebillSecurityKey(
  fields: { merchantId: string; rebillAnchor: string; orderId: string; amount: string; currency: string },
  key: Secret,
): string {
  return sign(
    [
      ['MerchantId', fields.merchantId],
      ['RebillAnchor', fields.rebillAnchor],
      ['OrderId', fields.orderId],
      ['Amount', fields.amount],
      ['Currency', fields.currency],
    ],
    key,
  );
}

/** Void: `MerchantId&TransactionId`. */
export function voidSecurityKey(fields: { merchantId: string; transactionId: string }, key: Secret): string {
  return sign(
    [
      ['MerchantId', fields.merchantId],
      ['TransactionId', fields.transactionId],
    ],
    key,
  );
}

/** Refund: `MerchantId&TransactionId&Amount`. */
export function refundSecurityKey(
  fields: { merchantId: string; transactionId: string; amount: string },
  key: Secret,
): string {
  return sign(
    [
      ['MerchantId', fields.merchantId],
      ['TransactionId', fields.transactionId],
      ['Amount', fields.amount],
    ],
    key,
  );
}

/**
 * Compares a received SecurityKey with the expected one in constant time, so a forger cannot learn the
 * key byte by byte from response timings. The doc defines keys as lowercase; case is folded anyway.
 */
export function securityKeysMatch(expected: string, received: string): boolean {
  return constantTimeEqual(expected.toLowerCase(), received.toLowerCase());
}

/** Equal strings, compared in a time that does not depend on where they differ. */
export function constantTimeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of `b`.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * HMAC-SHA256 under the private key over values cardbind issues or remembers itself (not a PayOnline
 * formula). The purpose is hashed in with the values, so a digest made for one use never passes for
 * another; the values are JSON-encoded so no choice of values can shift the boundary between them.
 */
function keyedDigest(purpose: string, values: readonly string[], key: Secret): Buffer {
  return createHmac('sha256', key.reveal())
    .update(JSON.stringify([purpose, ...values]), 'utf8')
    .digest();
}

/**
 * The token the term_url carries beside its order: only the host can make it, so a term_url built from
 * an order id alone (order ids travel in callbacks and logs) or moved to another order is refused.
 */
export function termUrlToken(orderId: string, key: Secret): string {
  return keyedDigest('payonline.term_url', [orderId], key).toString('base64url');
}

/**
 * A digest of what a message said (hex), stored in the binding's ref instead of the message itself:
 * its fields include the RebillAnchor, a card token, which has no place there.
 */
export function messageDigest(purpose: string, values: readonly string[], key: Secret): string {
  return keyedDigest(purpose, values, key).toString('hex');
}
