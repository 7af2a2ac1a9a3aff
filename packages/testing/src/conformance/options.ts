import type {
  Binding,
  BindingStore,
  CardBindingErrorCode,
  CardBindingService,
  ChargeStore,
  Customer,
  HttpTimeouts,
  Money,
} from '@cardbind/core';
import type { ManualClock } from '@cardbind/core/testing-doubles';
import type { ContainerModule } from 'inversify';
import type { NamedSecret } from '../capture/expect-no-secrets.js';
import type { CallbackReceiver } from './callback-receiver.js';

/** The binding cases: every provider runs them. */
export const BINDING_CASES = [
  'init',
  'success',
  'decline',
  'abandon',
  'idempotency',
  'forgedCallback',
  'faults',
  'secrets',
  'transcript',
] as const;

/**
 * The charging cases: optional, run only when the provider declares `charging` (and, for some, a
 * part of it); otherwise each is registered as a skipped test saying what was not declared.
 */
export const CHARGING_CASES = [
  'chargeSuccess',
  'chargeDecline',
  'chargeIdempotency',
  'chargeFaults',
  'chargeLostAnswer',
  'chargeNotFound',
  'refunds',
  'chargeSecrets',
] as const;
export type ChargingCase = (typeof CHARGING_CASES)[number];

/** The cases of the contract suite, in the order they run. */
export const CONFORMANCE_CASES = [...BINDING_CASES, ...CHARGING_CASES] as const;
export type ConformanceCase = (typeof CONFORMANCE_CASES)[number];

/** Whatever the provider talks to (usually its emulator), as `startBackend` returns it. */
export interface ConformanceBackend {
  /** Where the backend listens; the suite puts its fault proxy in front of it. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** What `startBackend` is told before the provider exists. */
export interface BackendStartContext {
  /**
   * The suite's callback receiver (`http://127.0.0.1:{port}`). A backend that sends server-to-server
   * notifications or 3-DS returns should send them here; any path is accepted and handed to
   * `service.handleCallback(providerId, ...)` of the container under test.
   */
  readonly callbackUrl: string;
  /**
   * The suite's clock (a ManualClock with autoAdvance, also the container's). A backend that judges
   * lifetimes by a clock can share it, so that simulated minutes pass for both.
   */
  readonly clock: ManualClock;
}

/** What `createModules` gets to configure the provider under test. */
export interface ConformanceEnv<B extends ConformanceBackend> {
  /** The fault proxy in front of the backend: configure the provider's gateway URL with THIS. */
  readonly baseUrl: string;
  readonly backend: B;
  /** Same as BackendStartContext.callbackUrl: use it for term URLs and notification URLs. */
  readonly callbackUrl: string;
  /** Where a customer returns to (the receiver answers any GET under `/return` with 200). */
  readonly returnUrl: string;
  /**
   * Short phase timeouts for the provider's HTTP client (pass them to createHttpClient): the fault
   * case makes the backend hang and expects the provider to give up within `guardMs`.
   */
  readonly httpTimeouts: HttpTimeouts;
  /** The `allowLoopbackHttp` option, for providers that check their own URLs. */
  readonly allowLoopbackHttp: boolean;
}

/** What a scenario driver gets: the started binding and everything needed to act as the customer. */
export interface ScenarioContext<B extends ConformanceBackend> {
  /** The binding as `start` returned it: `requires_action` with its `nextAction`. */
  readonly binding: Binding;
  readonly service: CardBindingService;
  readonly backend: B;
  readonly env: ConformanceEnv<B>;
  readonly customer: Customer;
  /** The callbacks the backend sent so far; `settled()` waits for deliveries still in progress. */
  readonly callbacks: CallbackReceiver;
  readonly clock: ManualClock;
}

/** What a scenario may report: the return URL's query, for a provider whose host learns by `finalise`. */
// `void` on purpose: most scenarios are plain async functions that return nothing.
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type
export type ScenarioResult = void | { returnQuery?: Record<string, string> };

/**
 * How to make the customer act at the provider, e.g. by following `binding.nextAction` to the
 * emulator's hosted page over real HTTP and submitting a test card, or by posting the form params to
 * the processor as an app would. A scenario returns once the provider side is done, including any
 * callback the backend sends (the suite then asks the service for the result with `complete`).
 * A redirect-style scenario may return the query the customer's browser came back with: the suite
 * then passes it to `finalise`, as a host's return route does.
 */
export interface ConformanceScenarios<B extends ConformanceBackend> {
  /** The customer binds a card successfully (e.g. with TEST_CARDS.success). */
  succeed(ctx: ScenarioContext<B>): Promise<ScenarioResult>;
  /** The issuer declines (e.g. TEST_CARDS.decline). Required unless the `decline` case is skipped. */
  decline?(ctx: ScenarioContext<B>): Promise<ScenarioResult>;
  /** The customer leaves without finishing. Default: does nothing (never opens the page). */
  abandon?(ctx: ScenarioContext<B>): Promise<ScenarioResult>;
  /**
   * How many cards the backend itself holds for this customer, when it can tell. With it, the
   * idempotency case also proves that a race saved one card at the provider, not only in the store.
   */
  cardsAtProvider?(ctx: { backend: B; customer: Customer }): Promise<number>;
}

export interface ConformanceOptions<B extends ConformanceBackend> {
  /** Shown in the describe() title. */
  readonly name: string;
  /** The id the provider registers under (`CardBindingProvider.id`). */
  readonly providerId: string;
  /** Starts a fresh backend for one case; the suite closes it after the case. */
  startBackend(ctx: BackendStartContext): Promise<B>;
  /**
   * Container modules that register the provider under test, configured from `env` (use
   * `env.baseUrl`, the fault proxy, as the gateway URL). The suite loads them next to its own
   * `cardBindingModule({ store, logger, clock })` in a fresh container per case (twice in the race).
   */
  createModules(env: ConformanceEnv<B>): ContainerModule[];
  readonly scenarios: ConformanceScenarios<B>;
  /** How the host learns the result: `finalise` (the customer came back) or `checkOrder` (a poll). */
  readonly complete: 'finalise' | 'checkOrder';
  /**
   * Values that must never appear in logs, errors, bindings or the transcript: passwords, keys,
   * customer secrets. Every TEST_CARDS number and CVV is added by the suite.
   */
  readonly secrets: readonly NamedSecret[];
  /** Accept plain http URLs for loopback hosts (an emulator); https is required everywhere else. */
  readonly allowLoopbackHttp: boolean;
  /** Cases this provider cannot support, each with the reason (printed with the skip). */
  readonly skip?: Partial<Record<ConformanceCase, string>>;
  /** What the forged-callback case may expect of the provider's callback signature. */
  readonly forgedCallback?: ForgedCallbackOptions;
  /** Path prefixes the fault case injects faults into, all at once. Default `['/']`: everything. */
  readonly faultRoutes?: readonly string[];
  /** Error codes a decline may end with. Default: CARD_DECLINED, PROVIDER_REJECTED, INVALID_CARD_DATA, NO_ELIGIBLE_CARD. */
  readonly declineCodes?: readonly CardBindingErrorCode[];
  /** The customer every case binds for. */
  readonly customer?: Customer;
  /** Concurrent completions in the race. Default 25. */
  readonly concurrency?: number;
  /** Longest a faulted call may take (real time) before the provider counts as hanging. Default 15 s. */
  readonly guardMs?: number;
  /** Phase timeouts suggested to the provider through `env.httpTimeouts`. */
  readonly httpTimeouts?: Partial<HttpTimeouts>;
  /**
   * A fresh store for one case (both containers of the race share it). Default: an InMemoryBindingStore.
   * Run the suite on a database store to prove the provider's flows through it too.
   */
  createStore?(): Promise<ConformanceStore>;
  /**
   * Declares that the provider charges saved cards (`charge` and `checkCharge`, optionally `refund`):
   * the charging cases run the real ChargeService against it. Absent: they are skipped as not declared.
   */
  readonly charging?: ChargingOptions<B>;
}

/**
 * What the charging cases need to know. Each case binds a card through `scenarios.succeed` first,
 * then charges it with the container's ChargeService; the gateway's own ledger, not the provider's
 * answers, says how much money moved.
 */
export interface ChargingOptions<B extends ConformanceBackend> {
  /**
   * What every charge asks for, in the gateway's currency. Default `{ minor: 1000, currency: 'RUB' }`.
   * At least 2 minor units: the refund case refunds it in two parts.
   */
  readonly amount?: Money;
  /** Each charge's `providerOptions` (what the provider parses with its own schema). Default none. */
  readonly providerOptions?: Readonly<Record<string, string>>;
  /**
   * The order id of every debit the backend made in this case so far, one entry per debit (an order
   * debited twice appears twice), read from the backend's own ledger. A fresh backend per case, so
   * it starts empty. From it the suite counts the debits of one charge (its order id is the charge
   * id: the service fixes it) and every debit at all, which is how a provider that re-sends a debit
   * under an order id of its own is caught.
   */
  debits(ctx: { backend: B }): readonly string[] | Promise<readonly string[]>;
  /**
   * Acts as a customer binding a card that binds but whose charges the gateway declines (a scenario
   * like `scenarios.succeed`, with another magic card). Without it the `chargeDecline` case is skipped
   * as not declared.
   */
  bindDecliningCard?(ctx: ScenarioContext<B>): Promise<ScenarioResult>;
  /**
   * Arms the backend so that the charge request for `orderId` takes effect (the card is debited) and
   * its answer is lost: the connection is dropped after the debit, or a balancer answers 502. The
   * suite fixes the charge's id, and so its order id, before charging. Without it the
   * `chargeLostAnswer` case is skipped as not declared.
   */
  loseChargeAnswer?(ctx: { backend: B; orderId: string }): void | Promise<void>;
  /** True when the provider refunds (`refund`): the `refunds` case runs. */
  readonly refunds?: boolean;
  /** Error codes a declined charge may end with. Default: the binding decline codes. */
  readonly declineCodes?: readonly CardBindingErrorCode[];
}

/**
 * Where a provider's callback signature stops. By default the forged-callback case expects every
 * change to a callback (any body or query field changed or removed, a field added, any non-standard
 * header changed or removed) to be rejected, as an HMAC over the raw body would. A gateway that signs
 * only some fields (PayOnline's MD5 over DateTime, TransactionID, OrderId, Amount and Currency) cannot
 * tell a change elsewhere; the provider's rule must then be that the first verified callback decides.
 * The case tampers the fields named here only after the genuine callback was accepted, and expects
 * those copies to change nothing. Names are matched case-insensitively.
 */
export interface ForgedCallbackOptions {
  /** Body or query fields the signature does not cover. */
  readonly unsignedFields?: readonly string[];
  /** Headers the signature does not cover (standard ones such as user-agent are never tampered). */
  readonly unsignedHeaders?: readonly string[];
  /** True when a field added to the body goes unnoticed (the signature covers named fields only). */
  readonly unsignedAddedFields?: boolean;
}

/** A store the suite opened for one case and closes after it. */
export interface ConformanceStore {
  readonly store: BindingStore;
  /**
   * Where the charging cases keep charges. Default: `store` itself when it implements ChargeStore,
   * otherwise an InMemoryChargeStore.
   */
  readonly chargeStore?: ChargeStore;
  close(): Promise<void>;
}
