import {
  CardBindingError,
  type CardToken,
  maskPan,
  type ProviderCallbackContext,
  type Secret,
} from '@cardbind/core';
import { z } from 'zod';
import { Digits } from './answer.js';
import { callbackSecurityKey, securityKeysMatch } from './security-key.js';

/**
 * PayOnline's server-to-server callback (the "CallbackUrl" set in the merchant account): a payment's
 * outcome, signed with MD5 over `DateTime&TransactionID&OrderId&Amount&Currency&PrivateSecurityKey`.
 * The key is compared in constant time; a callback that fails it is CALLBACK_REJECTED and changes
 * nothing. Note the signature does not cover RebillAnchor, CardNumber or Code/ErrorCode: PayOnline's
 * protocol trusts its own https delivery for those (see the README's security notes).
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

/** A callback reports a failure when it carries a Code other than 200 or any ErrorCode but 0. */
export function isFailureNotification(notification: Notification): boolean {
  return (
    (notification.code !== undefined && notification.code !== '200') ||
    (notification.errorCode !== undefined && notification.errorCode !== '0')
  );
}

/**
 * The card to save, with the RebillAnchor as its token. PayOnline sends the number already masked
 * (`************1111`); it is masked again defensively in case a full number ever arrives.
 */
export function cardOfNotification(notification: Notification): CardToken | undefined {
  if (notification.rebillAnchor === undefined) return undefined;
  return {
    token: notification.rebillAnchor,
    display: {
      maskedPan: safeMaskedPan(notification.cardNumber),
      ...(notification.cardHolder === undefined ? {} : { holder: notification.cardHolder }),
    },
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
