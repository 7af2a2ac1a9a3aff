import { createHash } from 'node:crypto';

/**
 * PayOnline's SecurityKey, computed by the emulator itself (the testing package knows the wire, never
 * the provider's code): lowercase hex MD5 of `Name=value&...&PrivateSecurityKey={key}` over raw values.
 */
export function payOnlineSecurityKey(
  pairs: readonly (readonly [string, string])[],
  privateKey: string,
): string {
  const text = [...pairs, ['PrivateSecurityKey', privateKey] as const]
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** The documented field list of each signed request, in order. */
export const SIGNED_FIELDS = {
  auth: ['MerchantId', 'OrderId', 'Amount', 'Currency'],
  auth3ds: ['MerchantId', 'TransactionId', 'PARes', 'PD'],
  searchByOrder: ['MerchantId', 'OrderId'],
  searchByTransaction: ['MerchantId', 'TransactionId'],
  void: ['MerchantId', 'TransactionId'],
  /** Amount is mandatory on Refund and signed after TransactionId (design/charging.md, "Refund"). */
  refund: ['MerchantId', 'TransactionId', 'Amount'],
  rebill: ['MerchantId', 'RebillAnchor', 'OrderId', 'Amount', 'Currency'],
  /** Complete without an Amount; with one, `Amount` follows TransactionId (PayOnline's API doc). */
  complete: ['MerchantId', 'TransactionId'],
  callback: ['DateTime', 'TransactionID', 'OrderId', 'Amount', 'Currency'],
} as const;

/** The key for `fields` under one of the documented formulas (missing fields count as empty). */
export function signFields(
  names: readonly string[],
  fields: Readonly<Record<string, string | undefined>>,
  privateKey: string,
): string {
  return payOnlineSecurityKey(
    names.map((name) => [name, fields[name] ?? ''] as const),
    privateKey,
  );
}
