import type { CallbackRequest, CallbackResponse } from '@cardbind/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Flattens repeated fields the way form handlers usually read them: the first value wins. */
function flatten(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [key, item] of Object.entries(value)) {
    const first: unknown = Array.isArray(item) ? item[0] : item;
    if (typeof first === 'string') out[key] = first;
    else if (typeof first === 'number' || typeof first === 'boolean') out[key] = String(first);
  }
  return out;
}

/** The request as core's CallbackRequest. The session cookie is the host's business, not the provider's. */
export function toCallbackRequest(request: FastifyRequest): CallbackRequest {
  const headers = flatten(request.headers);
  delete headers.cookie;
  return {
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    headers,
    query: flatten(request.query),
    body: flatten(request.body),
  };
}

/** Sends the provider's answer exactly as it wrote it: status, headers (its CSP included) and body. */
export function sendCallbackResponse(reply: FastifyReply, response: CallbackResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}
