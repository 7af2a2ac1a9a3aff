import type { FastifyReply, FastifyRequest } from 'fastify';

/** Headers every answer gets unless a route set its own (provider pages keep theirs as they are). */
export const BASELINE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  // Binding ids travel in the page's URL; no other site needs to see them.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/**
 * The headers every answer gets: the baseline, `cache-control: no-store` unless the route chose its
 * own, and the request's id (`x-request-id`), which the audit trail's lines carry.
 */
export function applyResponseHeaders(request: FastifyRequest, reply: FastifyReply): void {
  for (const [name, value] of Object.entries(BASELINE_HEADERS)) {
    if (!reply.hasHeader(name)) void reply.header(name, value);
  }
  if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  void reply.header('x-request-id', request.id);
}

/**
 * The page's Content-Security-Policy. Scripts and styles come only from the app itself. The browser
 * talks to the PayOnline processor directly (that is the point: the card never passes through the
 * host), so its origin is allowed for fetch and form posts. 3-D Secure pages live on whichever bank
 * issued the card, so form posts may go to any https origin, plus the emulators' loopback origins.
 */
export function pageContentSecurityPolicy(options: {
  connectOrigins: readonly string[];
  formOrigins: readonly string[];
}): string {
  const connect = ["'self'", ...options.connectOrigins].join(' ');
  const forms = ["'self'", 'https:', ...options.formOrigins].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    `form-action ${forms}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
