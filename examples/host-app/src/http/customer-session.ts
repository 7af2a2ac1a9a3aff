import type { FastifyReply, FastifyRequest } from 'fastify';
import { HostApiError } from './api-error.js';
import { SESSION_COOKIE, type SessionCookieSigner } from './session-cookie.js';

/** The customer the request's session cookie names, or undefined when there is no valid session. */
export function currentCustomer(request: FastifyRequest, sessions: SessionCookieSigner): string | undefined {
  return sessions.verify(request.cookies[SESSION_COOKIE]);
}

/** The logged-in customer; 401 otherwise. Every customer-facing route starts here. */
export function requireCustomer(request: FastifyRequest, sessions: SessionCookieSigner): string {
  const customerId = currentCustomer(request, sessions);
  if (customerId === undefined) throw new HostApiError(401, 'UNAUTHENTICATED', 'Log in first');
  return customerId;
}

export function setSessionCookie(
  reply: FastifyReply,
  sessions: SessionCookieSigner,
  customerId: string,
  secure: boolean,
): void {
  void reply.setCookie(SESSION_COOKIE, sessions.sign(customerId), {
    path: '/',
    httpOnly: true,
    // Lax: the cookie rides along when Payture sends the customer back (a top-level GET), but not on
    // cross-site POSTs. The 3-D Secure return is such a POST and needs no session (it is found by MD).
    sameSite: 'lax',
    secure,
    maxAge: Math.floor(sessions.lifetimeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
