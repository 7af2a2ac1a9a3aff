import { CardBindingError, type Money } from '@cardbind/core';

/**
 * The amount as Payture sends it: kopecks, a whole number (charging.md, "Amount in kopecks"). Only
 * RUB: the terminals take roubles, and a RUB amount's minor units ARE kopecks, so the conversion is
 * the integer itself and never passes through floating point (medusajs/medusa#13091, charging.md
 * "Rules"). A zero amount is no payment. Answers the error instead of throwing: the caller fails the
 * charge or refund before any request, when no money can have moved.
 */
export function toKopecks(amount: Money): { kopecks: string } | { error: CardBindingError } {
  if (amount.currency !== 'RUB') {
    return {
      error: new CardBindingError('AMOUNT_INVALID', 'Payture takes amounts in RUB only', {
        field: 'amount.currency',
        retryable: false,
      }),
    };
  }
  if (!Number.isSafeInteger(amount.minor) || amount.minor <= 0) {
    return {
      error: new CardBindingError('AMOUNT_INVALID', 'The amount must be a positive number of kopecks', {
        field: 'amount.minor',
        retryable: false,
      }),
    };
  }
  return { kopecks: String(amount.minor) };
}

/** A kopeck amount in an answer (`Amount="12611"`, `NewAmount="2000"`); undefined when unreadable. */
export function readKopecks(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
