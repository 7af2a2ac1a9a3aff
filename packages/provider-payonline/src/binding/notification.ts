import {
  type CardDisplay,
  CardBindingError,
  type CardToken,
  maskPan,
  type ProviderCallbackContext,
  type Secret,
} from '@cardbind/core';
import { z } from 'zod';
import { Digits } from '../wire/answer.js';
import type { PayOnlineConfig } from '../config.js';
import { callbackSecurityKey, messageDigest, securityKeysMatch } from '../wire/security-key.js';

/**
 * PayOnline's server-to-server callback (the "CallbackUrl" set in the merchant account): a payment's
 * outcome, signed with MD5 over `DateTime&TransactionID&OrderId&Amount&Currency&PrivateSecurityKey`.
 * The key is compared in constant time; a callback that fails it is CALLBACK_REJECTED and changes
 * nothing. The signature does not cover RebillAnchor, CardNumber or Code/ErrorCode: PayOnline's
 * protocol trusts its own https delivery for those. So a replay of a genuine callback may carry other
 * values; the provider lets the first verified callback for a binding decide (`callbackDigest`) and
 * refuses callbacks whose DateTime is outside `callbackWindow` (`assertCallbackFresh`).
 */

/** The request's fields, names case-folded; the body wins over the query (PayOnline may use either). */
export function requestFields(request: ProviderCallbackContext['request']): ReadonlyMap<string, string> {
  const fields = new Map<string, string>();
  for (const source of [request.query, request.body]) {
    for (const [name, value] of Object.entries(source)) fields.set(name.toLowerCase(), value);
  }
  return fields;
}

const present = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

export const Notification = z.object({
  dateTime: z.string().min(1).max(40),
  transactionId: Digits,
  orderId: z.string().min(1).max(50),
  amount: z.string().min(1).max(20),
  currency: z.string().min(1).max(3),
  securityKey: z.string().regex(/^[0-9a-fA-F]{32}$/),
  rebillAnchor: z.string().min(1).max(200).optional(),
  cardNumber: z.string().max(32).optional(),
  cardHolder: z.string().max(100).optional(),
  code: Digits.optional(),
  errorCode: Digits.optional(),
});
export type Notification = z.infer<typeof Notification>;

function rejected(message: string): CardBindingError {
  return new CardBindingError('CALLBACK_REJECTED', message);
}

/** Reads and verifies a callback. Throws CALLBACK_REJECTED for anything malformed or unsigned. */
export function verifyNotification(fields: ReadonlyMap<string, string>, key: Secret): Notification {
  const get = (name: string): string | undefined => present(fields.get(name));
  const parsed = Notification.safeParse({
    dateTime: fields.get('datetime'),
    transactionId: get('transactionid'),
    orderId: fields.get('orderid'),
    amount: fields.get('amount'),
    currency: fields.get('currency'),
    securityKey: get('securitykey'),
    rebillAnchor: get('rebillanchor'),
    cardNumber: get('cardnumber'),
    cardHolder: get('cardholder'),
    code: get('code'),
    errorCode: get('errorcode'),
  });
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw rejected(`The PayOnline callback is malformed (${where})`);
  }
  const notification = parsed.data;
  // Signed over the values exactly as received (decoded), as PayOnline computes them.
  const expected = callbackSecurityKey(notification, key);
  if (!securityKeysMatch(expected, notification.securityKey)) {
    throw rejected('The PayOnline callback SecurityKey does not match');
  }
  return notification;
}

/** PayOnline's DateTime, `yyyy-MM-dd HH:mm:ss` in UTC; undefined when it is not one. */
export function parsePayOnlineDateTime(value: string): Date | undefined {
  const text = value.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year = 0, month = 0, day = 0, hours = 0, minutes = 0, seconds = 0] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
  // Date.UTC rolls 2026-02-30 into March (and reads years below 100 as 19xx): such text is no date.
  return date.toISOString().replace('T', ' ').slice(0, 19) === text ? date : undefined;
}

/**
 * Refuses a verified callback whose DateTime (the payment's time, signed) lies outside the window
 * around `now`: an old callback replayed, or one signed for a time that has not come.
 */
export function assertCallbackFresh(
  notification: Notification,
  now: Date,
  window: PayOnlineConfig['callbackWindow'],
): void {
  const paidAt = parsePayOnlineDateTime(notification.dateTime);
  if (!paidAt) throw rejected('The PayOnline callback DateTime is not yyyy-MM-dd HH:mm:ss');
  const age = now.getTime() - paidAt.getTime();
  if (age > window.maxAgeMs) throw rejected('The PayOnline callback is older than callbackWindow allows');
  if (-age > window.maxAheadMs) {
    throw rejected('The PayOnline callback is dated later than callbackWindow allows');
  }
}

/**
 * What a callback said, as a keyed digest: a redelivery of the same callback matches it, a replay with
 * another RebillAnchor, CardNumber, CardHolder or Code does not. (Custom fields are left out: they are
 * the merchant's own and decide nothing.)
 */
export function callbackDigest(notification: Notification, key: Secret): string {
  return messageDigest(
    'payonline.callback',
    [
      notification.dateTime,
      notification.transactionId,
      notification.orderId,
      notification.amount,
      notification.currency,
      notification.rebillAnchor ?? '',
      notification.cardNumber ?? '',
      notification.cardHolder ?? '',
      notification.code ?? '',
      notification.errorCode ?? '',
    ],
    key,
  );
}

/** A callback reports a failure when it carries a Code other than 200 or any ErrorCode but 0. */
export function isFailureNotification(notification: Notification): boolean {
  return (
    (notification.code !== undefined && notification.code !== '200') ||
    (notification.errorCode !== undefined && notification.errorCode !== '0')
  );
}

/**
 * The card to save: the RebillAnchor as its token, the masked number and holder for display. PayOnline
 * sends the number already masked (`************1111`); it is masked again defensively in case a full
 * number ever arrives. When PayOnline's 3-DS endpoint gave the host an anchor for this very transaction,
 * that one is used: the host fetched it itself, while a callback's RebillAnchor is unsigned.
 */
export function cardOfNotification(
  notification: Notification,
  threeDsAnchor?: { readonly transactionId: string; readonly rebillAnchor: string },
): CardToken | undefined {
  const token =
    threeDsAnchor?.transactionId === notification.transactionId
      ? threeDsAnchor.rebillAnchor
      : notification.rebillAnchor;
  if (token === undefined) return undefined;
  return { token, display: displayOfNotification(notification) };
}

/** What a verified callback says of the card for display: the masked number and the holder. */
export function displayOfNotification(notification: Notification): CardDisplay {
  return {
    maskedPan: safeMaskedPan(notification.cardNumber),
    ...(notification.cardHolder === undefined ? {} : { holder: notification.cardHolder }),
  };
}

/** Masked-number text fit for display: at most 10 digits (6 + 4) survive, the rest become `*`. */
export function safeMaskedPan(value: string | undefined): string {
  if (value === undefined) return UNKNOWN_PAN;
  const cleaned = value.replace(/[^\d*Xx•]/g, '').replace(/[Xx•]/g, '*');
  const digits = cleaned.replace(/\D/g, '');
  if (digits.length > 10) return maskPan(digits);
  return cleaned === '' ? UNKNOWN_PAN : cleaned;
}

/** Shown when no masked number was reported: the card is saved, its digits are just not known. */
export const UNKNOWN_PAN = '****';
