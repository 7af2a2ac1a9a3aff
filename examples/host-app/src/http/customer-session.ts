import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HostApiError } from './api-error.js';
import { SESSION_COOKIE, type SessionCookieSigner } from './session-cookie.js';
import type { SessionStore } from './session-store.js';

/**
 * Logged-in customers: a signed cookie that names a server-side session. The signature stops forgery;
 * the server-side record is what logout deletes, so a cookie stops working the moment its customer
 * logs out, not when it expires. Both carry the expiry, so neither outlives it.
 */
export class CustomerSessions {
  readonly lifetimeMs: number;
  readonly #signer: SessionCookieSigner;
  readonly #store: SessionStore;
  readonly #now: () => number;

  constructor(
    signer: SessionCookieSigner,
    store: SessionStore,
    options: { lifetimeMs?: number; now?: () => number } = {},
  ) {
    this.#signer = signer;
    this.#store = store;
    this.lifetimeMs = options.lifetimeMs ?? 8 * 60 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Opens a session for the customer and answers the cookie value that names it. */
  async open(customerId: string): Promise<string> {
    const session = {
      sessionId: randomBytes(16).toString('base64url'),
      customerId,
      expiresAt: this.#now() + this.lifetimeMs,
    };
    await this.#store.add(session);
    return this.#signer.sign(session);
  }

  /** The customer of a validly signed cookie whose session is still open; undefined for anything else. */
  async customerOf(cookie: string | undefined): Promise<string | undefined> {
    const claims = this.#signer.verify(cookie, this.#now());
    if (claims === undefined) return undefined;
    const session = await this.#store.find(claims.sessionId);
    if (session === undefined || session.customerId !== claims.customerId) return undefined;
    return session.customerId;
  }

  /** Ends the cookie's session on the server. A cookie that names no valid session changes nothing. */
  async close(cookie: string | undefined): Promise<void> {
    const claims = this.#signer.verify(cookie, this.#now());
    if (claims !== undefined) await this.#store.remove(claims.sessionId);
  }
}

/** The customer the request's session cookie names, or undefined when there is no valid session. */
export function currentCustomer(
  request: FastifyRequest,
  sessions: CustomerSessions,
): Promise<string | undefined> {
  return sessions.customerOf(request.cookies[SESSION_COOKIE]);
}

/** The logged-in customer; 401 otherwise. Every customer-facing route starts here. */
export async function requireCustomer(request: FastifyRequest, sessions: CustomerSessions): Promise<string> {
  const customerId = await currentCustomer(request, sessions);
  if (customerId === undefined) throw new HostApiError(401, 'UNAUTHENTICATED', 'Log in first');
  return customerId;
}

export async function logIn(
  reply: FastifyReply,
  sessions: CustomerSessions,
  customerId: string,
  secure: boolean,
): Promise<void> {
  void reply.setCookie(SESSION_COOKIE, await sessions.open(customerId), {
    path: '/',
    httpOnly: true,
    // Lax: the cookie rides along when Payture sends the customer back (a top-level GET), but not on
    // cross-site POSTs. The 3-D Secure return is such a POST and needs no session (it is found by MD).
    sameSite: 'lax',
    secure,
    maxAge: Math.floor(sessions.lifetimeMs / 1000),
  });
}

/** Deletes the session on the server first, then asks the browser to forget the cookie. */
export async function logOut(
  request: FastifyRequest,
  reply: FastifyReply,
  sessions: CustomerSessions,
  secure: boolean,
): Promise<void> {
  await sessions.close(request.cookies[SESSION_COOKIE]);
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
