import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CardBindingService } from '@cardbind/core';
import type { FastifyInstance } from 'fastify';
import type { HostAppEnv } from './config.js';
import { allowsLoopbackHttp, createCardBindingService, type ProviderSettings } from './container.js';
import type { ClientConfig, HostAppContext } from './host-context.js';
import { buildApp } from './http/build-app.js';
import type { RequestLog } from './http/request-log.js';
import { CustomerSessions } from './http/customer-session.js';
import { SessionCookieSigner } from './http/session-cookie.js';
import { sessionKeysFrom } from './http/session-keys.js';
import { InMemorySessionStore, type SessionStore } from './http/session-store.js';
import { StartRateLimiter } from './http/start-rate-limiter.js';
import { loadPageAssets } from './page-assets.js';

export interface StartHostAppOptions {
  env: HostAppEnv;
  providers: ProviderSettings;
  /** The page's bundled script (see `bundleBrowserScript`). */
  script: string;
  /** Test cards to list on the page; only when the providers are emulators. */
  testCards?: ClientConfig['testCards'];
  logStream?: NodeJS.WritableStream;
  requestLog?: RequestLog;
  /**
   * Where sessions live; default: this process's memory. Instances behind one load balancer must share
   * one (a table in the host's database), or each refuses the sessions the others opened.
   */
  sessionStore?: SessionStore;
  now?: () => number;
}

export interface RunningHostApp {
  /** Where customers open the page, e.g. `http://localhost:3000/`. */
  readonly url: string;
  readonly service: CardBindingService;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

const PROVIDER_LABELS: Readonly<Record<string, string>> = {
  payture: 'Payture (card page at Payture)',
  payonline: 'PayOnline (card form on this page)',
};

/**
 * Listens first, so the public URL (and with it PayOnline's term_url and Payture's return URL) is known
 * even for port 0; then builds the container and the Fastify app on that server.
 */
export async function startHostApp(options: StartHostAppOptions): Promise<RunningHostApp> {
  const { env, providers } = options;
  const now = options.now ?? Date.now;
  const server = createServer();
  await listen(server, env.PORT, env.HOST);
  try {
    const { port } = addressOf(server);
    const publicUrl = new URL(env.PUBLIC_URL ?? `http://localhost:${port}/`);
    const loopback = allowsLoopbackHttp(publicUrl, providers.payture.baseUrl, providers.payonline.baseUrl);
    const emulatorOrigins = [providers.payture.baseUrl, providers.payonline.baseUrl]
      .map((url) => new URL(url))
      .filter((url) => url.protocol === 'http:')
      .map((url) => url.origin);
    const page = await loadPageAssets({
      script: options.script,
      connectOrigins: [new URL(providers.payonline.baseUrl).origin],
      formOrigins: emulatorOrigins,
    });

    const { app, context } = await buildApp(
      {
        server,
        logLevel: env.LOG_LEVEL,
        trustProxy: env.TRUST_PROXY ?? false,
        ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
        ...(options.requestLog === undefined ? {} : { requestLog: options.requestLog }),
      },
      (fastify): HostAppContext => {
        const service = createCardBindingService({
          providers,
          publicUrl,
          logger: fastify.log,
          deadlineMs: env.BINDING_DEADLINE_MS,
        });
        return {
          service,
          sessions: new CustomerSessions(
            new SessionCookieSigner(sessionKeysFrom(env)),
            options.sessionStore ?? new InMemorySessionStore({ now }),
            { now },
          ),
          startLimiter: new StartRateLimiter({
            perCustomer: env.START_RATE_LIMIT,
            perAddress: env.START_RATE_LIMIT_PER_ADDRESS,
            windowMs: env.START_RATE_WINDOW_MS,
            now,
          }),
          publicUrl,
          now,
          page,
          client: {
            providers: service.providerIds.map((id) => ({ id, label: PROVIDER_LABELS[id] ?? id })),
            pollIntervalMs: env.POLL_INTERVAL_MS,
            allowLoopbackHttp: loopback,
            ...(options.testCards === undefined ? {} : { testCards: options.testCards }),
          },
          returnUrlFor: (provider) =>
            provider === 'payture' ? new URL('/payture/return', publicUrl).toString() : undefined,
        };
      },
    );
    await app.ready();
    return {
      url: publicUrl.toString(),
      service: context.service,
      app,
      close: async () => {
        await app.close();
        await closeServer(server);
      },
    };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function addressOf(server: Server): AddressInfo {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  return address;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
