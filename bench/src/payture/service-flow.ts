import 'reflect-metadata/lite';
import { Container } from 'inversify';
import {
  type BindingStore,
  type CardBindingListener,
  cardBindingModule,
  CardBindingService,
  InMemoryBindingStore,
} from '@cardbind/core';
import { paytureModule } from '@cardbind/provider-payture';
import type { PaytureEmulator } from '@cardbind/testing/emulators';
import { directBinding, paytureCustomerPassword, paytureLogin } from './direct-flow.js';
import type { FormPoster } from './form-poster.js';

export const BENCH_SECRET = 'bench-customer-secret-0123456789';
export const BENCH_IP = '203.0.113.7';
/** Loopback http is allowed for emulators only, as the provider's config says. */
export const BENCH_RETURN_URL = 'http://127.0.0.1:9/cards/return';

export interface PaytureService {
  service: CardBindingService;
  store: InMemoryBindingStore;
}

/** A host's container: core with the default in-memory store and the Payture provider on the emulator. */
export function paytureService(emulator: PaytureEmulator): PaytureService {
  const store = new InMemoryBindingStore();
  return { service: paytureServiceOn(emulator, store), store };
}

/** The same host on any store, with the host's listeners (each transition then writes an event item). */
export function paytureServiceOn(
  emulator: PaytureEmulator,
  store: BindingStore,
  listeners: readonly CardBindingListener[] = [],
): CardBindingService {
  const container = new Container();
  container.load(
    cardBindingModule({ store, listeners: [...listeners] }),
    paytureModule({
      baseUrl: emulator.baseUrl,
      allowLoopbackHttp: true,
      addTerminal: emulator.addTerminal,
      customerCredentials: { secret: BENCH_SECRET },
    }),
  );
  return container.get(CardBindingService);
}

/** The framework-free binding with the bench's secret, IP and return URL (`cardsBefore`: GetList before Init). */
export function directFlow(
  emulator: PaytureEmulator,
  poster: FormPoster,
  cardsBefore = true,
): (customerId: string) => Promise<string> {
  const options = {
    emulator,
    poster,
    secret: BENCH_SECRET,
    returnUrl: BENCH_RETURN_URL,
    ip: BENCH_IP,
    cardsBefore,
  };
  return (customerId) => directBinding(options, customerId);
}

/** Start → the customer fills the hosted page → return → finalise; resolves with the binding's id. */
export async function serviceBinding(
  { service }: { service: CardBindingService },
  emulator: PaytureEmulator,
  customerId: string,
): Promise<string> {
  const started = await service.start({
    provider: 'payture',
    customer: { id: customerId, ip: BENCH_IP },
    returnUrl: BENCH_RETURN_URL,
  });
  const action = started.nextAction;
  const sessionId = action?.type === 'redirect' ? new URL(action.url).searchParams.get('SessionId') : null;
  if (!sessionId) throw new Error('start() gave no Payture session');
  const page = await emulator.completeAddSession(sessionId, { number: '4111111111111111' });
  if (page.status !== 302 || page.location === undefined)
    throw new Error(`the Add page answered ${page.status}`);
  const query = Object.fromEntries(new URL(page.location).searchParams);
  const done = await service.finalise(started.id, { query });
  if (done.status !== 'succeeded') throw new Error(`binding ended ${done.status}`);
  return started.id;
}

/** Customers that already exist at Payture (the flow starts with a successful Check). */
export class CustomerPool {
  #next = 0;
  constructor(
    private readonly emulator: PaytureEmulator,
    private readonly prefix: string,
  ) {}

  take(count: number): string[] {
    return Array.from({ length: count }, () => {
      const id = `${this.prefix}${++this.#next}`;
      this.emulator.customers.register(paytureLogin(id), paytureCustomerPassword(BENCH_SECRET, id));
      return id;
    });
  }
}
