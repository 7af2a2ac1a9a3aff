import { z } from 'zod';
import { CardBindingError } from '../errors.js';

/**
 * ISO 4217 currencies whose minor unit is not 2 digits (ISO 4217 list one, "minor unit" column).
 * Every other well-formed code is taken as 2 digits, the common case.
 */
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/**
 * An amount as integer minor units (kopecks, cents, fils) and an ISO 4217 currency. Integers only, so
 * no amount ever passes through floating point on its way to a provider.
 */
export const Money = z.object({
  minor: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as RUB'),
});
export type Money = z.infer<typeof Money>;

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/**
 * The amount in major units with exactly the currency's digits, computed on the decimal string:
 * `{ minor: 150099, currency: 'RUB' }` → `1500.99`, `{ minor: 5, currency: 'KWD' }` → `0.005`,
 * `{ minor: 700, currency: 'JPY' }` → `700`.
 */
export function toMajorString(money: Money): string {
  const digits = minorDigits(money.currency);
  const text = String(money.minor);
  if (digits === 0) return text;
  const padded = text.padStart(digits + 1, '0');
  return `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/**
 * The inverse of `toMajorString`, for a provider's answer (`Amount="1500.99"`). Refuses what is not a
 * plain decimal with at most the currency's digits, rather than rounding it.
 */
export function fromMajorString(text: string, currency: string): Money {
  const digits = minorDigits(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  const fraction = match?.[2] ?? '';
  if (!match?.[1] || fraction.length > digits) {
    throw new CardBindingError('AMOUNT_INVALID', `Not an amount in ${currency}`, { field: 'amount' });
  }
  const minor = Number(`${match[1]}${fraction.padEnd(digits, '0')}`);
  if (!Number.isSafeInteger(minor)) {
    throw new CardBindingError('AMOUNT_INVALID', `Amount out of range`, { field: 'amount' });
  }
  return { minor, currency };
}
