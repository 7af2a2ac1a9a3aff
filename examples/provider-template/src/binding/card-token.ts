import type { CardToken } from '@cardbind/core';
import type { ToyPayCard } from '../wire/answer.js';

/** What a client may see of the card: first six and last four digits, never the token. */
export function toCardToken(card: ToyPayCard): CardToken {
  const month = String(card.exp_month).padStart(2, '0');
  const year = String(card.exp_year % 100).padStart(2, '0');
  return {
    token: card.token,
    display: {
      maskedPan: `${card.bin}******${card.last4}`,
      expiry: `${month}/${year}`,
      ...(card.holder === undefined ? {} : { holder: card.holder }),
      ...(card.brand === undefined ? {} : { brand: card.brand }),
    },
  };
}
