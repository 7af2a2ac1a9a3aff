import { randomBytes } from 'node:crypto';
import {
  type Binding,
  type BindingStore,
  CARD_BINDING_PROVIDER,
  cardBindingModule,
  type CardBindingProvider,
  CardBindingService,
  CHARGE_STORE_METHODS,
  ChargeService,
  type ChargeStore,
  type Customer,
  type HttpTimeouts,
  type IdGenerator,
  InMemoryBindingStore,
  InMemoryChargeStore,
  type ProviderContext,
  randomIdGenerator,
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
  ConformanceScenarios,
} from './options.js';

/** A scenario driver: one of `scenarios`, or another the options give (`charging.bindDecliningCard`). */
export type ScenarioDriver<B extends ConformanceBackend> = ConformanceScenarios<B>['succeed'];

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
  /** The container's ChargeService, on `chargeStore`. */
  readonly charges: ChargeService;
  readonly chargeStore: ChargeStore;
  readonly container: Container;
  /** A second container on the same store and clock: another host process. */
  otherProcess(): CardBindingService;
  /** The ChargeService of another host process (a second container on the same stores and clock). */
  otherCharges(): ChargeService;
  /**
   * The id the next charge created (by either process) gets, and so its order id: the service sets
   * the order id to the charge id. Lets a case arm the backend for an order before it is charged.
   */
  reserveChargeId(): string;
  /** The provider instance a container resolved. */
  provider(container?: Container): CardBindingProvider;
  /** The context the service would hand the provider for this binding now. */
  providerContext(bindingId: string, trigger: ProviderContext['trigger']): Promise<ProviderContext>;
  start(options?: { idempotencyKey?: string }): Promise<Binding>;
  /** The host learning the result the configured way (`finalise` or `checkOrder`). */
  complete(bindingId: string, service?: CardBindingService): Promise<Binding>;
  scenario(name: 'succeed' | 'decline' | 'abandon', binding: Binding): Promise<void>;
  /** Runs any scenario driver as `scenario` does (its return query kept for `complete`). */
  runScenario(driver: ScenarioDriver<B>, binding: Binding): Promise<void>;
  /** Arms `fault` on every configured fault route (`faultRoutes`, default `/`), from the `after`-th request on. */
  armFault(fault: FaultInput, after?: number): void;
  close(): Promise<void>;
}

interface SharedPorts {
  store: BindingStore;
  chargeStore: ChargeStore;
  clock: ManualClock;
  capture: CapturedFlow;
  ids: IdGenerator;
}

function containerFor<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
  env: ConformanceEnv<B>,
  shared: SharedPorts,
): Container {
  const container = new Container();
  container.load(
    cardBindingModule({
      store: shared.store,
      chargeStore: shared.chargeStore,
      clock: shared.clock,
      logger: shared.capture.logger,
      ids: shared.ids,
    }),
    ...options.createModules(env),
  );
  return container;
}

function isChargeStore(store: BindingStore): store is BindingStore & ChargeStore {
  return CHARGE_STORE_METHODS.every((method) => typeof Reflect.get(store, method) === 'function');
}

/** Random ids, except that a charge takes a reserved id first: see `Harness.reserveChargeId`. */
function reservingIds(reserved: string[]): IdGenerator {
  return {
    bindingId: () => randomIdGenerator.bindingId(),
    cardId: () => randomIdGenerator.cardId(),
    chargeId: () => reserved.shift() ?? newChargeId(),
    refundId: () => randomIdGenerator.refundId?.() ?? `re_${randomBytes(16).toString('base64url')}`,
  };
}

function newChargeId(): string {
  return randomIdGenerator.chargeId?.() ?? `ch_${randomBytes(16).toString('base64url')}`;
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
    const reservedChargeIds: string[] = [];
    const shared: SharedPorts = {
      store: opened.store,
      chargeStore:
        opened.chargeStore ?? (isChargeStore(opened.store) ? opened.store : new InMemoryChargeStore()),
      clock,
      capture: captureFlow(),
      ids: reservingIds(reservedChargeIds),
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

    const runScenario = async (driver: ScenarioDriver<B>, binding: Binding): Promise<void> => {
      const result = await driver({
        binding,
        service,
        backend,
        env,
        customer,
        callbacks,
        clock: shared.clock,
      });
      if (result?.returnQuery !== undefined) returnQueries.set(binding.id, result.returnQuery);
      await callbacks.settled();
    };

    const harness: Harness<B> = {
      options,
      env,
      backend,
      proxy,
      callbacks,
      customer,
      service,
      charges: container.get(ChargeService),
      container,
      store: shared.store,
      chargeStore: shared.chargeStore,
      clock: shared.clock,
      capture: shared.capture,
      otherProcess: () => containerFor(options, env, shared).get(CardBindingService),
      otherCharges: () => containerFor(options, env, shared).get(ChargeService),
      reserveChargeId: () => {
        const id = newChargeId();
        reservedChargeIds.push(id);
        return id;
      },
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
        if (name === 'succeed') return runScenario((ctx) => options.scenarios.succeed(ctx), binding);
        if (name === 'decline') {
          const decline = options.scenarios.decline;
          conform(
            conformanceCase,
            decline !== undefined,
            'scenarios.decline is missing: give one, or skip the "decline" case with the reason',
          );
          return runScenario((ctx) => decline(ctx), binding);
        }
        // The default abandon does nothing: the customer never opens the page.
        return runScenario(async (ctx) => options.scenarios.abandon?.(ctx), binding);
      },
      runScenario,
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
