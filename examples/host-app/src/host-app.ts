import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BindingStore, CardBindingService, ChargeService, ChargeStore } from '@cardbind/core';
import type { FastifyInstance } from 'fastify';
import type { HostAppEnv } from './config.js';
import {
  allowsLoopbackHttp,
  type CardBinding,
  createCardBinding,
  type ProviderSettings,
} from './container.js';
import type { ClientConfig, HostAppContext } from './host-context.js';
import { buildApp } from './http/build-app.js';
import type { RequestLog } from './http/request-log.js';
import { CustomerSessions } from './http/customer-session.js';
import { SessionCookieSigner } from './http/session-cookie.js';
import { sessionKeysFrom } from './http/session-keys.js';
import { InMemorySessionStore, type SessionStore } from './http/session-store.js';
import { StartRateLimiter } from './http/start-rate-limiter.js';
import { loadPageAssets } from './page-assets.js';
import { chargeReturnUrl } from './routes/charge-action-return.js';

export interface StartHostAppOptions {
  env: HostAppEnv;
  providers: ProviderSettings;
  /** The page's bundled script (see `bundleBrowserScript`). */
  script: string;
  /** Test cards to list on the page; only when the providers are emulators. */
  testCards?: ClientConfig['testCards'];
  logStream?: NodeJS.WritableStream;
  requestLog?: RequestLog;
  /** Where bindings and cards live; default: core's in-memory store (this process only). */
  store?: BindingStore;
  /** Where charges live when `store` does not keep them itself (see `CardBindingSetup.chargeStore`). */
  chargeStore?: ChargeStore;
  /**
   * Where sessions live; default: this process's memory. Instances behind one load balancer must share
   * one (a table in the host's database: `SqlSessionStore`), or each refuses the sessions the others opened.
   */
  sessionStore?: SessionStore;
  now?: () => number;
}

export interface RunningHostApp {
  /** Where customers open the page, e.g. `http://localhost:3000/`. */
  readonly url: string;
  /** Where this process itself listens, e.g. `http://127.0.0.1:41234/`: behind a proxy, not `url`. */
  readonly listeningUrl: string;
  readonly service: CardBindingService;
  readonly charges: ChargeService;
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

    let cardBinding: CardBinding | undefined;
    const { app, context } = await buildApp(
      {
        server,
        logLevel: env.LOG_LEVEL,
        trustProxy: env.TRUST_PROXY ?? false,
        ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
        ...(options.requestLog === undefined ? {} : { requestLog: options.requestLog }),
      },
      (fastify): HostAppContext => {
        cardBinding = createCardBinding({
          providers,
          publicUrl,
          logger: fastify.log,
          deadlineMs: env.BINDING_DEADLINE_MS,
          workLeaseMs: env.WORK_LEASE_MS,
          afterStepDelayMs: env.AFTER_STEP_DELAY_MS,
          charges: { reconcileAfterMs: env.CHARGE_RECONCILE_AFTER_MS },
          ...(options.store === undefined ? {} : { store: options.store }),
          ...(options.chargeStore === undefined ? {} : { chargeStore: options.chargeStore }),
        });
        const { service, charges } = cardBinding;
        return {
          service,
          charges,
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
          chargeReturnUrl: chargeReturnUrl(publicUrl),
        };
      },
    );
    await app.ready();
    // In this process, next to the routes: it runs the background work a crash left behind (a void, a
    // listener event), retries what failed, expires bindings nobody polls, and asks the providers about
    // charges whose answer was lost. Any number of instances
    // may run one: items are claimed under a lease. A host may run it in a process of its own instead.
    const worker = cardBinding?.worker;
    worker?.start({ idleMs: env.WORKER_IDLE_MS, sweepEveryMs: env.WORKER_SWEEP_MS });
    return {
      url: publicUrl.toString(),
      listeningUrl: `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}/`,
      service: context.service,
      charges: context.charges,
      app,
      close: async () => {
        // Requests first (no new work), then the worker's round in progress and the after-steps this
        // process started, so nothing it claimed is left half-done; the caller closes the store after.
        await app.close();
        await worker?.stop();
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
    const fail = (error: Error): void => reject(listenError(error, port, host));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

/**
 * A busy port is the commonest first-run failure (another demo, another app on 3000), and Node's own
 * `listen EADDRINUSE` says nothing about what to do: name the port and the way out.
 */
function listenError(error: Error, port: number, host: string): Error {
  if (!('code' in error) || error.code !== 'EADDRINUSE') return error;
  return new Error(
    `port ${port} on ${host} is already in use: stop what is using it, or set PORT=0 to take any free port (or PORT=<another port>)`,
    { cause: error },
  );
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
