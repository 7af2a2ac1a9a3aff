import { randomBytes } from 'node:crypto';
import { Secret } from '@cardbind/core';
import { z } from 'zod';

/** A key id travels in every cookie, so it is short and plain; the secret never leaves the server. */
const KeyId = z.string().regex(/^[A-Za-z0-9_-]{1,16}$/);

/** One HMAC key of the session cookie, named so a cookie says which key signed it. */
export interface SessionKey {
  readonly id: string;
  readonly secret: Secret;
}

/** At least 32 characters: an HMAC-SHA-256 key shorter than that is guessable offline. */
export const SessionSecretText = z.string().min(32, 'must be at least 32 characters');

/**
 * `SESSION_SECRETS`: `id:secret,id:secret,...`, the first one current (new cookies are signed with it),
 * the others still accepted, so a key can be rotated without logging everyone out. Messages name the
 * entry's position, never its text: the text is a secret.
 */
export const SessionKeyList = z.string().transform((text, ctx): SessionKey[] => {
  const keys: SessionKey[] = [];
  const entries = text.split(',').map((entry) => entry.trim());
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = KeyId.safeParse(colon < 0 ? '' : entry.slice(0, colon));
    const secret = SessionSecretText.safeParse(colon < 0 ? '' : entry.slice(colon + 1));
    if (!id.success) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${index + 1} needs an id of 1 to 16 letters, digits, "-" or "_" before ":"`,
      });
    } else if (!secret.success) {
      ctx.addIssue({
        code: 'custom',
        message: `the secret of key ${id.data} must be at least 32 characters`,
      });
    } else if (keys.some((key) => key.id === id.data)) {
      ctx.addIssue({ code: 'custom', message: `key id ${id.data} appears twice` });
    } else {
      keys.push({ id: id.data, secret: new Secret(secret.data) });
    }
  }
  return keys;
});

/** The id a lone `SESSION_SECRET` is known by: rotate to `SESSION_SECRETS=new:…,main:<old secret>`. */
export const SINGLE_KEY_ID = 'main';

/**
 * The keys from the environment. Neither variable set (allowed outside production) → one random key
 * for this process: every session ends when it restarts, and no other instance can read its cookies.
 */
export function sessionKeysFrom(env: {
  SESSION_SECRET?: string | undefined;
  SESSION_SECRETS?: readonly SessionKey[] | undefined;
}): readonly SessionKey[] {
  if (env.SESSION_SECRETS !== undefined) return env.SESSION_SECRETS;
  if (env.SESSION_SECRET !== undefined)
    return [{ id: SINGLE_KEY_ID, secret: new Secret(env.SESSION_SECRET) }];
  return [{ id: 'ephemeral', secret: new Secret(randomBytes(32).toString('base64url')) }];
}
