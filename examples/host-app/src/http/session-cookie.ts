import { createHmac, timingSafeEqual } from 'node:crypto';
import { CardBindingError } from '@cardbind/core';
import { z } from 'zod';
import type { SessionKey } from './session-keys.js';

export const SESSION_COOKIE = 'cardbind_demo_session';

/** The customer a session belongs to. The demo lets anyone pick a name; a real host has real logins. */
export const CustomerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'use 1 to 40 letters, digits, "-" or "_"');

/** What a session cookie says: which server-side session, whose, and until when. */
export const SessionClaims = z.object({
  /** 128 random bits naming the server-side session record; logout deletes that record. */
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  customerId: CustomerName,
  expiresAt: z.number().int().positive(),
});
export type SessionClaims = z.infer<typeof SessionClaims>;

/**
 * The session cookie's signature: `keyId.payload.mac`, where the payload is base64url JSON and the mac
 * an HMAC-SHA-256 over the key id and the payload. Anyone can read it; nobody without a key can forge or
 * alter it. The key id says which key signed it, so several keys can be accepted at once: the first
 * signs, the others only verify, and a key is rotated by putting a new one first and dropping the old
 * one once its cookies have expired. A valid signature is necessary, not sufficient: the session must
 * also still exist on the server (`CustomerSessions`).
 */
export class SessionCookieSigner {
  readonly #current: SessionKey;
  readonly #keys: ReadonlyMap<string, SessionKey>;

  constructor(keys: readonly SessionKey[]) {
    const [current] = keys;
    if (current === undefined) throw new CardBindingError('CONFIG_INVALID', 'No session cookie key');
    this.#current = current;
    this.#keys = new Map(keys.map((key) => [key.id, key]));
  }

  sign(claims: SessionClaims): string {
    const encoded = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${this.#current.id}.${encoded}.${mac(this.#current, encoded)}`;
  }

  /** The claims of a cookie that one of the keys signed, unexpired at `now`; undefined otherwise. */
  verify(cookie: string | undefined, now: number): SessionClaims | undefined {
    if (!cookie) return undefined;
    const [keyId, encoded, signature, ...rest] = cookie.split('.');
    if (!keyId || !encoded || !signature || rest.length > 0) return undefined;
    const key = this.#keys.get(keyId);
    if (key === undefined) return undefined;
    const expected = Buffer.from(mac(key, encoded), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const claims = SessionClaims.safeParse(json);
    if (!claims.success || claims.data.expiresAt <= now) return undefined;
    return claims.data;
  }
}

/** The key id is signed too, so a cookie cannot be re-labelled to pick which key checks it. */
function mac(key: SessionKey, encoded: string): string {
  return createHmac('sha256', key.secret.reveal())
    .update(`session.v2.${key.id}.${encoded}`)
    .digest('base64url');
}
