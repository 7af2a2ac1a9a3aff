import type { RequestInfo } from '@cardbind/core';
import type { FastifyRequest } from 'fastify';

/**
 * Who asked, for cardbind's audit trail (the `binding.transition` and `callback.rejected` lines): the
 * app's own request id, generated on the server and sent back as `x-request-id`, so an operator can go
 * from a customer's complaint to the line; and the source address, which is the socket's unless
 * TRUST_PROXY names the proxy in front of the app.
 */
export function requestInfoOf(request: FastifyRequest): RequestInfo {
  return { requestId: request.id, sourceAddress: request.ip };
}
