import {
  type BindingStore,
  cardBindingModule,
  CardBindingService,
  type Clock,
  type Logger,
} from '@cardbind/core';
import {
  startHttpServer,
  readFields,
  startPaytureEmulator,
  type PaytureEmulator,
  type PaytureEmulatorOptions,
  type RunningServer,
  SequentialIdGenerator,
} from '@cardbind/testing';
import { createHmac } from 'node:crypto';
import { Container } from 'inversify';
import { paytureModule, type PaytureConfigInput } from '../src/index.js';
import { openStore, type StoreKind, type TestStore } from './stores.js';

export const CUSTOMER_SECRET = 'customer-secret-for-tests-0123456789';
export const RETURN_URL = 'https://shop.example.test/cards/return';

/** The password Payture should have for a customer: computed here independently of the provider. */
export function expectedPassword(customerId: string, secret = CUSTOMER_SECRET): string {
  return createHmac('sha256', secret).update(customerId).digest('hex').slice(0, 50);
}

export interface WorldOptions {
  emulator?: PaytureEmulatorOptions;
  config?: Partial<PaytureConfigInput>;
  clock?: Clock & { now(): Date };
  logger?: Logger;
  /** The store the world runs on (default: a fresh in-memory one); closed with the world. */
  storeKind?: StoreKind;
}

export interface World {
  emulator: PaytureEmulator;
  service: CardBindingService;
  container: Container;
  store: BindingStore;
  /** The store with its kind and, on PostgreSQL, a dump of what it wrote. */
  testStore: TestStore<BindingStore>;
  config: PaytureConfigInput;
  close(): Promise<void>;
}

/** The emulator plus a real container with core's module and paytureModule pointed at it. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const emulator = await startPaytureEmulator({
    ...options.emulator,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const config: PaytureConfigInput = {
    baseUrl: emulator.baseUrl,
    allowLoopbackHttp: true,
    addTerminal: emulator.addTerminal,
    terminalPassword: emulator.terminalPassword,
    customerCredentials: { secret: CUSTOMER_SECRET },
    returnUrl: RETURN_URL,
    retries: 0,
    timeouts: { connectMs: 1_000, responseMs: 1_000, totalMs: 2_000 },
    ...options.config,
  };
  const testStore = await openStore(options.storeKind ?? 'memory');
  const { store } = testStore;
  const container = new Container();
  container.load(
    cardBindingModule({
      store,
      ids: new SequentialIdGenerator(),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    }),
    paytureModule(config),
  );
  const service = container.get(CardBindingService);
  return {
    emulator,
    service,
    container,
    store,
    testStore,
    config,
    close: async () => {
      // Background work still running must not meet a closed store.
      await service.settled();
      await emulator.close();
      await testStore.close();
    },
  };
}

/** The query string of a redirect Location, as the host's return route would read it. */
export function queryOf(location: string | undefined): Record<string, string> {
  if (location === undefined) throw new Error('no Location');
  return Object.fromEntries(new URL(location).searchParams);
}

/** The SessionId in a binding's redirect URL. */
export function sessionIdOf(url: string | undefined): string {
  const id = url === undefined ? null : new URL(url).searchParams.get('SessionId');
  if (!id) throw new Error('no SessionId in the next action');
  return id;
}

/** The host's notification route over real HTTP: every POST goes to service.handleCallback('payture'). */
export async function startNotificationRoute(
  service: CardBindingService,
): Promise<RunningServer & { url: string }> {
  const server = await startHttpServer(async (req, res) => {
    const { path, fields } = await readFields(req);
    const outcome = await service.handleCallback('payture', {
      method: req.method ?? 'POST',
      path,
      headers: { 'content-type': String(req.headers['content-type'] ?? '') },
      body: fields,
    });
    res.writeHead(outcome.response.status, outcome.response.headers).end(outcome.response.body);
  });
  return Object.assign(server, { url: `${server.baseUrl}/payture/notifications` });
}
