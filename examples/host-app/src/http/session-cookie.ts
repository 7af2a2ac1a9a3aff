import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const SESSION_COOKIE = 'cardbind_demo_session';

/** The customer a session belongs to. The demo lets anyone pick a name; a real host has real logins. */
export const CustomerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'use 1 to 40 letters, digits, "-" or "_"');

const Payload = z.object({ customerId: CustomerName, expiresAt: z.number().int().positive() });
type Payload = z.infer<typeof Payload>;

/**
 * A session cookie that needs no server-side storage: `payload.signature`, where the payload is
 * base64url JSON and the signature an HMAC-SHA-256 over it. Anyone can read the customer id, nobody
 * without the secret can forge or alter it, and an expiry inside the payload bounds a stolen cookie.
 */
export class SessionCookieSigner {
  readonly #secret: Buffer;
  readonly #lifetimeMs: number;
  readonly #now: () => number;

  constructor(secret: string, options: { lifetimeMs?: number; now?: () => number } = {}) {
    this.#secret = Buffer.from(secret, 'utf8');
    this.#lifetimeMs = options.lifetimeMs ?? 8 * 60 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  get lifetimeMs(): number {
    return this.#lifetimeMs;
  }

  sign(customerId: string): string {
    const payload: Payload = { customerId, expiresAt: this.#now() + this.#lifetimeMs };
    const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${encoded}.${this.#mac(encoded)}`;
  }

  /** The customer id of a valid, unexpired cookie; undefined for anything else. */
  verify(cookie: string | undefined): string | undefined {
    if (!cookie) return undefined;
    const [encoded, signature, ...rest] = cookie.split('.');
    if (!encoded || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.#mac(encoded), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const payload = Payload.safeParse(json);
    if (!payload.success || payload.data.expiresAt <= this.#now()) return undefined;
    return payload.data.customerId;
  }

  #mac(encoded: string): string {
    return createHmac('sha256', this.#secret).update(`session.v1.${encoded}`).digest('base64url');
  }
}
