import { type CardToken, maskPan, maskPansInText } from '@cardbind/core';
import type { PaytureCard } from '../wire/payture-card.js';

/**
 * Payture's CardName is already masked (`411111xxxxxx1112`); cardbind shows masks with `*`. Should a
 * terminal ever send digits unmasked, they are masked here before anything stores them.
 */
export function normaliseMaskedPan(cardName: string): string {
  const starred = cardName.trim().replace(/[xX•]/g, '*');
  if (/^\d{13,19}$/.test(starred)) return maskPan(starred);
  return maskPansInText(starred);
}

function expiryOf(card: PaytureCard): string | undefined {
  const month = card.expMonth?.trim();
  const year = card.expYear?.trim();
  if (!month || !year || !/^\d{1,2}$/.test(month) || !/^(\d{2}|\d{4})$/.test(year)) return undefined;
  const mm = Number(month);
  if (mm < 1 || mm > 12) return undefined;
  return `${String(mm).padStart(2, '0')}/${year.slice(-2)}`;
}

/** The saved card: CardId stays the server-side token; clients see the mask, holder, expiry, brand. */
export function toCardToken(card: PaytureCard): CardToken {
  const expiry = expiryOf(card);
  return {
    token: card.cardId,
    display: {
      maskedPan: normaliseMaskedPan(card.cardName),
      ...(card.holder === undefined ? {} : { holder: card.holder }),
      ...(expiry === undefined ? {} : { expiry }),
      ...(card.paymentSystem === undefined ? {} : { brand: card.paymentSystem }),
    },
  };
}
