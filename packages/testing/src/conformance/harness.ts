import {
  type Binding,
  type BindingStore,
  CARD_BINDING_PROVIDER,
  cardBindingModule,
  type CardBindingProvider,
  CardBindingService,
  type Customer,
  type HttpTimeouts,
  InMemoryBindingStore,
  type ProviderContext,
} from '@cardbind/core';
import { ManualClock } from '@cardbind/core/testing-doubles';
import { Container } from 'inversify';
import { type CapturedFlow, captureFlow } from '../capture/capture-flow.js';
import { type FaultProxy, startFaultProxy } from '../fault-proxy/start-fault-proxy.js';
import type { FaultInput } from '../faults/fault.js';
import { type CallbackReceiver, startCallbackReceiver } from './callback-receiver.js';
import { conform } from './conformance-violation.js';
import type {
  ConformanceBackend,
  ConformanceCase,
  ConformanceEnv,
  ConformanceOptions,
  ScenarioContext,
  ScenarioResult,
} from './options.js';

export const DEFAULT_CUSTOMER: Customer = {
  id: 'conformance-customer-1',
  email: 'customer@example.test',
  phone: '79001234567',
  ip: '127.0.0.1',
};

/** Short enough that a hung backend is noticed in seconds, long enough for a loaded CI machine. */
export const DEFAULT_CONFORMANCE_TIMEOUTS: HttpTimeouts = {
  connectMs: 2_000,
  responseMs: 1_000,
  totalMs: 4_000,
};

/** One case's world: a backend, the fault proxy in front of it, a receiver, and a real container. */
export interface Harness<B extends ConformanceBackend> {
  readonly options: ConformanceOptions<B>;
  readonly env: ConformanceEnv<B>;
  readonly backend: B;
  readonly proxy: FaultProxy;
  readonly callbacks: CallbackReceiver;
  readonly store: BindingStore;
  readonly clock: ManualClock;
  readonly capture: CapturedFlow;
  readonly customer: Customer;
  readonly service: CardBindingService;
  readonly container: Container;
  /** A second container on the same store and clock: another host process. */
  otherProcess(): CardBindingService;
  /** The provider instance a container resolved. */
  provider(container?: Container): CardBindingProvider;
  /** The context the service would hand the provider for this binding now. */
  providerContext(bindingId: string, trigger: ProviderContext['trigger']): Promise<ProviderContext>;
  start(options?: { idempotencyKey?: string }): Promise<Binding>;
  /** The host learning the result the configured way (`finalise` or `checkOrder`). */
  complete(bindingId: string, service?: CardBindingService): Promise<Binding>;
  scenario(name: 'succeed' | 'decline' | 'abandon', binding: Binding): Promise<void>;
  /** Arms `fault` on every configured fault route (`faultRoutes`, default `/`), from the `after`-th request on. */
  armFault(fault: FaultInput, after?: number): void;
  close(): Promise<void>;
}

function containerFor<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
  env: ConformanceEnv<B>,
  shared: { store: BindingStore; clock: ManualClock; capture: CapturedFlow },
): Container {
  const container = new Container();
  container.load(
    cardBindingModule({ store: shared.store, clock: shared.clock, logger: shared.capture.logger }),
    ...options.createModules(env),
  );
  return container;
}

export async function openHarness<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
  conformanceCase: ConformanceCase,
): Promise<Harness<B>> {
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const callbacks = await startCallbackReceiver(options.providerId);
    closers.push(() => callbacks.close());
    const clock = new ManualClock(Date.now(), { autoAdvance: true });
    const backend = await options.startBackend({ callbackUrl: callbacks.baseUrl, clock });
    closers.push(() => backend.close());
    const proxy = await startFaultProxy({ target: backend.baseUrl });
    closers.push(() => proxy.close());
    const env: ConformanceEnv<B> = {
      baseUrl: proxy.baseUrl,
      backend,
      callbackUrl: callbacks.baseUrl,
      returnUrl: `${callbacks.baseUrl}/return`,
      httpTimeouts: { ...DEFAULT_CONFORMANCE_TIMEOUTS, ...options.httpTimeouts },
      allowLoopbackHttp: options.allowLoopbackHttp,
    };
    // The query each binding's customer came back with, handed to `finalise` like a return route does.
    const returnQueries = new Map<string, Record<string, string>>();
    const opened = options.createStore
      ? await options.createStore()
      : { store: new InMemoryBindingStore(), close: async () => undefined };
    closers.push(() => opened.close());
    const shared = {
      store: opened.store,
      clock,
      capture: captureFlow(),
    };
    const container = containerFor(options, env, shared);
    const service = container.get(CardBindingService);
    conform(
      conformanceCase,
      service.providerIds.includes(options.providerId),
      () =>
        `createModules registered providers [${service.providerIds.join(', ')}], not "${options.providerId}"`,
    );
    callbacks.attach(service, (outcome) => shared.capture.record('callback outcome', outcome));
    const customer = options.customer ?? DEFAULT_CUSTOMER;

    const harness: Harness<B> = {
      options,
      env,
      backend,
      proxy,
      callbacks,
      customer,
      service,
      container,
      ...shared,
      otherProcess: () => containerFor(options, env, shared).get(CardBindingService),
      provider: (from = container) => {
        const provider = from.getAll(CARD_BINDING_PROVIDER).find((p) => p.id === options.providerId);
        conform(
          conformanceCase,
          provider !== undefined,
          `no provider "${options.providerId}" in the container`,
        );
        return provider;
      },
      providerContext: async (bindingId, trigger) => {
        const record = await shared.store.get(bindingId);
        conform(conformanceCase, record !== undefined, `binding ${bindingId} vanished from the store`);
        return {
          bindingId,
          customer: record.customer,
          status: record.status,
          providerRef: record.providerRef,
          createdAt: record.createdAt,
          expiresAt: record.expiresAt,
          now: shared.clock.now(),
          trigger,
        };
      },
      start: ({ idempotencyKey } = {}) =>
        shared.capture.track('binding after start', () =>
          service.start({
            provider: options.providerId,
            customer,
            returnUrl: env.returnUrl,
            ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
          }),
        ),
      complete: (bindingId, via = service) => {
        const query = returnQueries.get(bindingId);
        return shared.capture.track(`binding after ${options.complete}`, () =>
          options.complete === 'finalise'
            ? via.finalise(bindingId, query === undefined ? {} : { query })
            : via.checkOrder(bindingId),
        );
      },
      scenario: async (name, binding) => {
        const ctx: ScenarioContext<B> = {
          binding,
          service,
          backend,
          env,
          customer,
          callbacks,
          clock: shared.clock,
        };
        let result: ScenarioResult;
        if (name === 'succeed') result = await options.scenarios.succeed(ctx);
        else if (name === 'decline') {
          const decline = options.scenarios.decline;
          conform(
            conformanceCase,
            decline !== undefined,
            'scenarios.decline is missing: give one, or skip the "decline" case with the reason',
          );
          result = await decline(ctx);
        } else result = await options.scenarios.abandon?.(ctx);
        if (result?.returnQuery !== undefined) returnQueries.set(binding.id, result.returnQuery);
        await callbacks.settled();
      },
      armFault: (fault, after = 0) => {
        for (const route of options.faultRoutes ?? ['/']) proxy.arm(route, fault, { after });
      },
      close: closeAll,
    };
    return harness;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Runs `body` in a fresh harness and always tears it down. */
export async function withHarness<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
  conformanceCase: ConformanceCase,
  body: (harness: Harness<B>) => Promise<void>,
): Promise<void> {
  const harness = await openHarness(options, conformanceCase);
  try {
    await body(harness);
  } finally {
    await harness.close();
  }
}
