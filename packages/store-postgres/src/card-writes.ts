import { CardBindingError, type SavedCard } from '@cardbind/core';
import type { TokenCipher } from './keys/token-cipher.js';
import { jsonParam } from './rows/binding-row.js';
import { toSavedCard } from './rows/card-row.js';
import type { SqlSession } from './sql/sql-client.js';
import type { Tables } from './tables.js';

/**
 * Saves `card` unless the customer already has the same token at this provider, and returns the card
 * that is now stored. The unique constraint on (provider, customer, fingerprint) decides: a concurrent
 * insert of the same token waits for the other transaction and then finds its row.
 */
export async function saveCardOnce(
  tx: SqlSession,
  tables: Tables,
  cipher: TokenCipher,
  card: SavedCard,
): Promise<SavedCard> {
  const owner = { cardId: card.id, provider: card.provider, customerId: card.customerId };
  const sealed = cipher.encrypt(card.token, owner);
  const fingerprint = cipher.fingerprint(card.provider, card.token);
  // Two attempts: the existing card may be removed between our conflict and our read of it.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const inserted = await tx.query(
      `INSERT INTO ${tables.cards}
         (id, provider, customer_id, binding_id, token_key_id, token_ciphertext, token_fingerprint, display, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
       ON CONFLICT ON CONSTRAINT cards_token_fingerprint DO NOTHING
       RETURNING *`,
      [
        card.id,
        card.provider,
        card.customerId,
        card.bindingId,
        sealed.keyId,
        sealed.sealed,
        fingerprint,
        jsonParam(card.display),
        card.createdAt,
      ],
    );
    const row = inserted.rows[0] ?? (await findByFingerprint(tx, tables, card, fingerprint));
    if (row !== undefined) return toSavedCard(row, cipher);
  }
  throw new CardBindingError('STORE_UNAVAILABLE', 'The saved card changed while this binding saved it', {
    retryable: true,
  });
}

async function findByFingerprint(
  tx: SqlSession,
  tables: Tables,
  card: SavedCard,
  fingerprint: Buffer,
): Promise<unknown> {
  const existing = await tx.query(
    `SELECT * FROM ${tables.cards} WHERE provider = $1 AND customer_id = $2 AND token_fingerprint = $3`,
    [card.provider, card.customerId, fingerprint],
  );
  return existing.rows[0];
}
