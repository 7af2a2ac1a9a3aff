import { createSecretKey, type KeyObject } from 'node:crypto';
import { Secret } from '@cardbind/core';
import { z } from 'zod';

const KEY_BYTES = 32;

/** A key id is stored with every card row, so it is short, printable and never a secret. */
export const KeyId = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1-32 letters, digits, _ . or -');

/**
 * 32 random bytes, base64-encoded, held in a core Secret (`openssl rand -base64 32`). Becomes a Node
 * KeyObject, which prints no key material. Issues name the rule, never the value.
 */
const KeyMaterial = z
  .instanceof(Secret, { message: 'must be a Secret' })
  .transform((secret, ctx): KeyObject => {
    const text = secret.reveal();
    const bytes = Buffer.from(text, 'base64');
    // Buffer.from ignores characters that are not base64; re-encoding catches a truncated or mangled key.
    if (bytes.length !== KEY_BYTES || bytes.toString('base64') !== text) {
      ctx.addIssue({ code: 'custom', message: `must be ${KEY_BYTES} bytes, base64-encoded` });
      return z.NEVER;
    }
    return createSecretKey(bytes);
  });

/**
 * How card tokens are protected at rest. `keys` may hold several AES-256 keys by id: new tokens are
 * encrypted under `currentKeyId`, rows under the others stay readable until `reencryptTokens` moves
 * them. `fingerprintKey` keys the HMAC that makes (provider, customer, token) unique without the token;
 * it cannot be rotated without recomputing every fingerprint, so it is kept apart from the AES keys.
 */
export const TokenKeys = z
  .object({
    currentKeyId: KeyId,
    keys: z.record(KeyId, KeyMaterial),
    fingerprintKey: KeyMaterial,
  })
  .refine((config) => Object.hasOwn(config.keys, config.currentKeyId), {
    path: ['currentKeyId'],
    message: 'must name one of keys',
  });
export type TokenKeys = z.output<typeof TokenKeys>;
export type TokenKeysInput = z.input<typeof TokenKeys>;
