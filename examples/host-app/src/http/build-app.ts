import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { HostAppContext } from '../host-context.js';
import { bindingRoutes } from '../routes/bindings.js';
import { cardRoutes } from '../routes/cards.js';
import { chargeActionReturnRoute } from '../routes/charge-action-return.js';
import { chargeRoutes } from '../routes/charges.js';
import { pageRoutes } from '../routes/page.js';
import { paytureReturnRoute } from '../routes/payture-return.js';
import { providerCallbackRoutes } from '../routes/provider-callbacks.js';
import { sessionRoutes } from '../routes/session.js';
import { appLoggerOptions, hostRedactor, type LogLevel } from './app-logger.js';
import { frameworkErrorHandler, installErrorHandler } from './error-handler.js';
import type { RequestLog } from './request-log.js';
import { applyResponseHeaders } from './security-headers.js';

export interface BuildAppOptions {
  /** An http.Server that is already listening: its address is known before the container is built. */
  server: Server;
  logLevel: LogLevel;
  /** Proxies whose X-Forwarded-For sets `request.ip`; false: the socket's address, always. */
  trustProxy: false | readonly string[];
  logStream?: NodeJS.WritableStream;
  requestLog?: RequestLog;
}

/**
 * The Fastify app with every route. `createContext` gets the app first, so the card binding container can
 * log through the app's (redacting) logger. The caller owns the server and calls `app.ready()`.
 */
export async function buildApp(
  options: BuildAppOptions,
  createContext: (app: FastifyInstance) => HostAppContext,
): Promise<{ app: FastifyInstance; context: HostAppContext }> {
  const app = Fastify({
    serverFactory: (handler) => options.server.on('request', handler),
    logger: appLoggerOptions(options.logLevel, options.logStream),
    // One line per request, written below with the URL redacted, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: options.trustProxy === false ? false : [...options.trustProxy],
    // Request ids end up in the audit trail: random, so they are unique across restarts and instances,
    // and never taken from a request header, so a caller cannot write someone else's id into the log.
    genReqId: () => randomUUID(),
    // The router's own refusals (a malformed or overlong URL) would otherwise answer with Fastify's
    // JSON, which quotes the URL, and skip the app's headers.
    frameworkErrors: frameworkErrorHandler,
  });
  const context = createContext(app);

  installErrorHandler(app);
  await app.register(cookie);

  app.addHook('onSend', async (request, reply, payload) => {
    applyResponseHeaders(request, reply);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: hostRedactor.redactText(request.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  const { requestLog } = options;
  if (requestLog) {
    // The raw bytes, before any parser: even a body the app would refuse is on the record.
    app.addHook('preParsing', async (request, _reply, payload) => {
      const chunks: Buffer[] = [];
      for await (const chunk of payload)
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      const raw = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      requestLog.add({ method: request.method, url: request.url, headers, body: raw.toString('utf8') });
      return Readable.from([raw]);
    });
  }

  pageRoutes(app, context);
  sessionRoutes(app, context);
  bindingRoutes(app, context);
  cardRoutes(app, context);
  chargeRoutes(app, context);
  paytureReturnRoute(app, context);
  await providerCallbackRoutes(app, context);
  await chargeActionReturnRoute(app, context);
  return { app, context };
}
