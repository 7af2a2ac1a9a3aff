import { CardBindingError } from '@cardbind/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorBody, HostApiError, cardBindingErrorReply, hostErrorReply } from './api-error.js';
import { applyResponseHeaders } from './security-headers.js';

/** Messages for framework-level failures, written here so no parser or library text reaches a client. */
const GENERIC_MESSAGES: Readonly<Record<number, string>> = {
  400: 'The request is malformed',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'The request body is too large',
  414: 'The request URL is too long',
  415: 'Unsupported content type',
};

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof Reflect.get(error, 'statusCode') === 'number';
}

/**
 * Every error becomes `{ error: { code, message } }` with a mapped status. Unexpected errors are logged
 * (through the app's logger) and answered with a fixed message: a stack trace or library message could
 * name internals, and a provider's raw answer could hold anything.
 */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let statusCode: number;
  let body: ErrorBody;
  if (error instanceof HostApiError) {
    ({ statusCode, body } = hostErrorReply(error));
    void reply.headers(error.headers);
  } else if (CardBindingError.is(error)) {
    ({ statusCode, body } = cardBindingErrorReply(error));
    if (statusCode >= 500) {
      request.log.warn({ code: error.code, providerCode: error.providerCode }, 'card binding call failed');
    }
  } else if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode < 500) {
    statusCode = error.statusCode;
    // Fastify's messages quote what the client sent (a URL, a content type): never sent back.
    const message = GENERIC_MESSAGES[statusCode] ?? 'The request was refused';
    body = { error: { code: statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message } };
  } else {
    request.log.error({ err: error }, 'unexpected error');
    statusCode = 500;
    body = { error: { code: 'INTERNAL', message: 'Something went wrong on our side' } };
  }
  return reply.code(statusCode).type('application/json; charset=utf-8').send(body);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));

  app.setNotFoundHandler((_request, reply) => {
    const body: ErrorBody = { error: { code: 'NOT_FOUND', message: 'Not found' } };
    return reply.code(404).type('application/json; charset=utf-8').send(body);
  });
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route or hook runs (a URL that does
 * not decode, FST_ERR_BAD_URL; a path parameter over `maxParamLength`, FST_ERR_MAX_PARAM_LENGTH). The
 * same JSON answer as every other error; the headers are set here because this reply may not pass the
 * app's onSend hook. Logged by code, without the URL, which is what was wrong with the request.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  request.log.info({ code: error.code, statusCode: error.statusCode }, 'request refused by the router');
  applyResponseHeaders(request, reply);
  void sendError(error, request, reply);
}
