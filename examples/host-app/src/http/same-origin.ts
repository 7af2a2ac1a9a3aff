import type { FastifyRequest } from 'fastify';
import { HostApiError } from './api-error.js';

/**
 * Refuses a state-changing API call that a browser made from another origin. The API only takes JSON
 * (which a cross-site form cannot send) and the cookie is SameSite=Lax; this is the third fence, for
 * same-site neighbours such as another port on the same host. Clients that are not browsers send
 * neither header and pass.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const fetchSite = request.headers['sec-fetch-site'];
  const fromOtherSite = fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = request.headers.origin;
  if (fromOtherSite || (origin !== undefined && hostOf(origin) !== request.headers.host)) {
    throw new HostApiError(403, 'FORBIDDEN', 'Cross-origin requests are not accepted');
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
