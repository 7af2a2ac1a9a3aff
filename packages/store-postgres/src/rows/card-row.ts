import { SavedCard } from '@cardbind/core';
import { z } from 'zod';
import type { TokenCipher } from '../keys/token-cipher.js';
import { corruptRow } from './row-error.js';

const CardRow = z.object({
  id: z.string(),
  provider: z.string(),
  customer_id: z.string(),
  binding_id: z.string(),
  token_key_id: z.string(),
  token_ciphertext: z.instanceof(Uint8Array),
  display: z.unknown(),
  created_at: z.date(),
});

/** Parses a `cards` row and decrypts its token with the key its row names. */
export function toSavedCard(row: unknown, cipher: TokenCipher): SavedCard {
  const parsedRow = CardRow.safeParse(row);
  if (!parsedRow.success) throw corruptRow('card', '(unknown id)', parsedRow.error);
  const r = parsedRow.data;
  const token = cipher.decrypt(
    { keyId: r.token_key_id, sealed: Buffer.from(r.token_ciphertext) },
    { cardId: r.id, provider: r.provider, customerId: r.customer_id },
  );
  const card = SavedCard.safeParse({
    id: r.id,
    provider: r.provider,
    customerId: r.customer_id,
    bindingId: r.binding_id,
    token,
    display: r.display,
    createdAt: r.created_at,
  });
  if (!card.success) throw corruptRow('card', r.id, card.error);
  return card.data;
}
