import { parseConfig } from '@cardbind/core';
import { z } from 'zod';
import type { TokenCipher } from '../keys/token-cipher.js';
import type { SqlClient } from '../sql/sql-client.js';
import type { Tables } from '../tables.js';

export const ReencryptOptions = z.object({
  /** Rows per transaction: each batch locks only its own rows, and only briefly. */
  batchSize: z.number().int().min(1).max(10_000).default(500),
  /** Stop after this many batches (to spread a large rotation over several runs); default: until done. */
  maxBatches: z.number().int().min(1).optional(),
});
export type ReencryptOptions = z.input<typeof ReencryptOptions>;

export const ReencryptResult = z.object({
  reencrypted: z.number().int(),
  batches: z.number().int(),
  /** No row under a retired (configured, not current) key is left. */
  done: z.boolean(),
});
export type ReencryptResult = z.infer<typeof ReencryptResult>;

const SealedRow = z.object({
  id: z.string(),
  provider: z.string(),
  customer_id: z.string(),
  token_key_id: z.string(),
  token_ciphertext: z.instanceof(Uint8Array),
});

/**
 * Re-encrypts the tokens of cards under retired keys with the current key, a batch per transaction.
 * `FOR UPDATE SKIP LOCKED` lets several instances run it at once without doing a row twice, and a
 * card being saved or removed meanwhile is simply skipped until the next batch.
 */
export async function reencryptTokens(
  client: SqlClient,
  tables: Tables,
  cipher: TokenCipher,
  input: ReencryptOptions,
): Promise<ReencryptResult> {
  const options = parseConfig(ReencryptOptions, input, 'reencryptTokens');
  const retired = cipher.retiredKeyIds;
  let reencrypted = 0;
  let batches = 0;
  if (retired.length === 0) return { reencrypted, batches, done: true };
  for (;;) {
    const moved = await client.transaction(async (tx) => {
      const rows = (
        await tx.query(
          `SELECT id, provider, customer_id, token_key_id, token_ciphertext FROM ${tables.cards}
            WHERE token_key_id = ANY($1::text[])
            LIMIT $2
            FOR UPDATE SKIP LOCKED`,
          [retired, options.batchSize],
        )
      ).rows.map((row) => SealedRow.parse(row));
      if (rows.length === 0) return 0;
      const ids: string[] = [];
      const sealedHex: string[] = [];
      for (const row of rows) {
        const owner = { cardId: row.id, provider: row.provider, customerId: row.customer_id };
        const token = cipher.decrypt(
          { keyId: row.token_key_id, sealed: Buffer.from(row.token_ciphertext) },
          owner,
        );
        ids.push(row.id);
        sealedHex.push(cipher.encrypt(token, owner).sealed.toString('hex'));
      }
      // One statement for the batch; hex text arrays travel the same way through both drivers.
      await tx.query(
        `UPDATE ${tables.cards} AS c
            SET token_key_id = $1, token_ciphertext = decode(v.sealed_hex, 'hex')
           FROM unnest($2::text[], $3::text[]) AS v(id, sealed_hex)
          WHERE c.id = v.id`,
        [cipher.currentKeyId, ids, sealedHex],
      );
      return rows.length;
    });
    if (moved > 0) batches += 1;
    reencrypted += moved;
    if (moved < options.batchSize) return { reencrypted, batches, done: true };
    if (options.maxBatches !== undefined && batches >= options.maxBatches) {
      return { reencrypted, batches, done: false };
    }
  }
}
