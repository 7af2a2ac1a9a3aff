import { inject, injectable, multiInject, optional } from 'inversify';
import { z } from 'zod';
import { type CardView, toCardView } from '../card.js';
import type { AuditEntry, TransitionTrigger } from '../audit/audit-entry.js';
import { Customer } from '../customer.js';
import { CardBindingError } from '../errors.js';
import { parseConfig } from '../config.js';
import { pollBinding } from '../client/poll-binding.js';
import { PollPolicy, type PollPolicyInput } from '../client/poll-policy.js';
import {
  CallbackRequest,
  CallbackResponse,
  type CallbackResult,
  type CardBindingProvider,
  InitOutcome,
  ProviderOutcome,
  type ProviderTrigger,
} from '../provider.js';
import type { BindingStore } from '../ports/binding-store.js';
import { guardBindingStore } from '../ports/guarded-binding-store.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { CardBindingListener } from '../ports/listener.js';
import type { Logger } from '../ports/logger.js';
import { traceBinding, traceCallback, traceSweep } from '../telemetry/binding-spans.js';
import { meterBindingStore } from '../telemetry/metered-binding-store.js';
import { watchWorkQueue } from '../telemetry/work-gauge.js';
import { toCardBindingError } from '../to-card-binding-error.js';
import type { WorkItem, WorkStatus } from '../work/work-item.js';
import { BackgroundTasks } from '../work/background-tasks.js';
import { WorkRunner } from '../work/work-runner.js';
import {
  BINDING_STORE,
  CARD_BINDING_LISTENER,
  CARD_BINDING_OPTIONS,
  CARD_BINDING_PROVIDER,
  CLOCK,
  ID_GENERATOR,
  LOGGER,
} from '../tokens.js';
import { type Binding, type BindingRecord, toBinding } from './binding.js';
import { providerContext } from './provider-context.js';
import { ProviderRegistry, providerNotFound } from './provider-registry.js';
import type { CardBindingServiceOptions } from './service-options.js';
import { SingleFlight } from './single-flight.js';
import { isTerminal, planExpiry } from './state.js';
import { TransitionApplier } from './transition-applier.js';
import { auditEntry, causeOf, type RequestScope, type TransitionCause } from './transition-cause.js';

export type { RequestScope } from './transition-cause.js';

export const StartBindingInput = z.object({
  provider: z.string().min(1),
  customer: Customer,
  returnUrl: z.string().url().optional(),
  idempotencyKey: z.string().min(1).max(255).optional(),
  metadata: z.record(z.string(), z.string().max(500)).default({}),
});
export type StartBindingInput = z.input<typeof StartBindingInput>;

/**
 * Restricts a call to one customer's bindings (another customer's binding answers as missing), and
 * carries the host's request id and source address into the transition's log line and audit row.
 */
export interface CustomerScope extends RequestScope {
  customerId?: string;
}

export interface WaitOptions extends CustomerScope {
  timeoutMs?: number;
  signal?: AbortSignal;
  pollPolicy?: PollPolicyInput;
}

// A NaN or infinite timeout would make the deadline unreachable and the loop poll forever.
const WaitLimits = z.object({
  timeoutMs: z.number().int().positive().optional(),
  pollPolicy: PollPolicy.optional(),
});

/** Expired bindings a sweep asks about at once. */
const SWEEP_CONCURRENCY = 8;

export interface CallbackOutcome {
  response: CallbackResponse;
  binding?: Binding;
  error?: CardBindingError;
}

/**
 * The one service a host calls: a façade over the provider registry, the transition applier (plan,
 * compare-and-set with the card and the audit row, log line, listeners, after-steps) and the shared
 * poll loop. Every state change is a compare-and-set on the stored record's version, so a customer's
 * return, a notification and a poll racing on one binding save exactly one card.
 */
@injectable()
export class CardBindingService {
  readonly #providers: ProviderRegistry;
  readonly #flights = new SingleFlight<Binding>();
  readonly #work: WorkRunner;
  readonly #rechecks: BackgroundTasks;
  readonly #transitions: TransitionApplier;
  private readonly store: BindingStore;

  constructor(
    @inject(BINDING_STORE) store: BindingStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(CARD_BINDING_OPTIONS) private readonly options: CardBindingServiceOptions,
    @multiInject(CARD_BINDING_PROVIDER) @optional() providers: CardBindingProvider[] | undefined,
    @multiInject(CARD_BINDING_LISTENER) @optional() listeners: CardBindingListener[] | undefined,
  ) {
    this.store = meterBindingStore(guardBindingStore(store));
    watchWorkQueue(store);
    this.#providers = new ProviderRegistry(providers ?? []);
    this.#rechecks = new BackgroundTasks(logger);
    this.#work = new WorkRunner({
      store: this.store,
      providers: this.#providers,
      listeners: listeners ?? [],
      clock,
      logger,
      options: options.work,
    });
    this.#transitions = new TransitionApplier({
      store: this.store,
      clock,
      ids,
      logger,
      hasListeners: (listeners ?? []).length > 0,
      work: this.#work,
      workOptions: options.work,
    });
  }

  /** The ids of the registered providers. */
  get providerIds(): string[] {
    return this.#providers.ids;
  }

  async start(input: StartBindingInput, scope: RequestScope = {}): Promise<Binding> {
    return traceBinding(
      'CardBindingService.start',
      () => this.#start(input, scope),
      undefined,
      input.provider,
    );
  }

  async #start(input: StartBindingInput, scope: RequestScope): Promise<Binding> {
    const request = parseConfig(StartBindingInput, input, 'start');
    const cause = causeOf('start', scope);
    const provider = this.#providers.get(request.provider);
    const { idempotencyKey } = request;
    if (idempotencyKey === undefined) return this.#startFresh(provider, request, cause);
    const key = `start\u0000${request.customer.id}\u0000${idempotencyKey}`;
    const binding = await this.#flights.run(key, async () => {
      const existing = await this.store.findByIdempotencyKey(request.customer.id, idempotencyKey);
      if (existing) return toBinding(existing);
      return this.#startFresh(provider, request, cause);
    });
    // A concurrent call with the same key may have joined a flight started for another provider.
    return replay(binding, request.provider);
  }

  /** The customer came back from the provider's page. The return URL's own claims are never trusted. */
  async finalise(
    bindingId: string,
    options: CustomerScope & { query?: Record<string, string> } = {},
  ): Promise<Binding> {
    return traceBinding(
      'CardBindingService.finalise',
      () => this.#ask(bindingId, options, 'return', options.query),
      bindingId,
    );
  }

  /** One poll of the order's state. */
  async checkOrder(bindingId: string, options: CustomerScope = {}): Promise<Binding> {
    return traceBinding(
      'CardBindingService.checkOrder',
      () => this.#ask(bindingId, options, 'poll'),
      bindingId,
    );
  }

  /**
   * Polls with the backoff policy (the same loop as the client's `pollBinding`) until the binding ends
   * or the wait's own limit passes. The binding's deadline is its `expiresAt`, which covers the
   * provider's session (Payture's Add page lives 60 minutes; PayOnline's order `orderDeadlineMs`):
   * there a last poll expires it. A caller's shorter `timeoutMs` only ends the wait and returns the
   * binding still open, since the customer may still finish on the provider's page; the sweeper or a
   * later call expires it on time. Passing provider outages are ridden out; an abort rejects with
   * ABORTED. Its sleeps hold no timer that keeps the process alive.
   */
  async waitForCompletion(bindingId: string, options: WaitOptions = {}): Promise<Binding> {
    const limits = parseConfig(
      WaitLimits,
      { timeoutMs: options.timeoutMs, pollPolicy: options.pollPolicy },
      'waitForCompletion',
    );
    const record = await this.#load(bindingId, options);
    if (isTerminal(record.status)) return toBinding(record);
    const untilExpiry = record.expiresAt.getTime() - this.clock.now().getTime();
    // Past its deadline already: the poll below expires it (or saves what the provider has).
    if (untilExpiry <= 0) return this.checkOrder(bindingId, options);
    const callerLimit = limits.timeoutMs ?? this.options.completionTimeoutMs;
    const result = await pollBinding(() => this.checkOrder(bindingId, options), {
      timeoutMs: callerLimit === undefined ? untilExpiry : Math.min(callerLimit, untilExpiry),
      policy: limits.pollPolicy ?? this.options.pollPolicy,
      clock: { now: () => this.clock.now().getTime(), sleep: (ms, signal) => this.clock.sleep(ms, signal) },
      isTransientError: (error) => {
        if (!CardBindingError.is(error) || !error.retryable) return false;
        this.logger.warn(
          { bindingId, code: error.code, providerCode: error.providerCode },
          'poll failed; will retry',
        );
        return true;
      },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    // At the binding's deadline the last poll has expired it; otherwise the caller's wait ran out.
    return result.timedOut ? this.get(bindingId, options) : result.last;
  }

  /** A 3-DS term_url page or a provider notification. Never throws for a bad request: it answers it. */
  async handleCallback(
    providerId: string,
    request: CallbackRequest,
    scope: RequestScope = {},
  ): Promise<CallbackOutcome> {
    return traceCallback(providerId, () => this.#handleCallback(providerId, request, scope));
  }

  async #handleCallback(
    providerId: string,
    request: CallbackRequest,
    scope: RequestScope,
  ): Promise<CallbackOutcome> {
    const cause = causeOf('callback', scope);
    // What the provider looked up while handling the callback, so a rejection can name the order.
    let lookupKey: string | undefined;
    let bindingId: string | undefined;
    // The version the provider judged the callback against: a binding another request moved meanwhile
    // (a 3-D Secure return that stored what this callback needed) is asked about once more.
    let seenVersion: number | undefined;
    const reject = (error: CardBindingError, response: CallbackResponse): CallbackOutcome => {
      this.logger.warn(
        {
          event: 'callback.rejected',
          provider: providerId,
          code: error.code,
          providerCode: error.providerCode,
          lookupKey,
          bindingId,
          ...cause.requestInfo,
        },
        'callback not accepted',
      );
      return { response, error };
    };
    // The id usually comes from the callback route's path, so an unknown one is a bad request too.
    const provider = this.#providers.find(providerId);
    if (!provider) return reject(providerNotFound(providerId), plainResponse(404, 'not found'));
    if (!provider.handleCallback) {
      const error = new CardBindingError('CALLBACK_REJECTED', `Provider ${providerId} takes no callbacks`);
      return reject(error, plainResponse(404, 'not found'));
    }
    const parsed = CallbackRequest.safeParse(request);
    if (!parsed.success) {
      const error = new CardBindingError('CALLBACK_REJECTED', 'The callback request is malformed');
      return reject(error, plainResponse(400, 'bad request'));
    }
    try {
      const result = validateCallbackResult(
        provider,
        await provider.handleCallback({
          request: parsed.data,
          now: this.clock.now(),
          findBinding: async (key) => {
            lookupKey = key;
            const record = await this.store.findByLookupKey(providerId, key);
            if (record) {
              bindingId = record.id;
              seenVersion = record.version;
            }
            return record ? providerContext(record, this.clock.now(), 'callback') : undefined;
          },
        }),
      );
      if (!result.update) return { response: result.response };
      bindingId = result.update.bindingId;
      const record = await this.store.get(result.update.bindingId);
      if (!record || record.provider !== providerId) {
        throw new CardBindingError('CALLBACK_REJECTED', 'The callback names no binding of this provider');
      }
      let raced = seenVersion !== undefined && seenVersion !== record.version;
      const binding = await this.#transitions.apply(provider, record, result.update.outcome, false, cause, {
        onLostRace: () => {
          raced = true;
        },
      });
      if (raced && !isTerminal(binding.status)) this.#recheckAfterRace(binding.id, cause);
      return { response: result.response, binding };
    } catch (thrown) {
      const error = toCardBindingError(thrown, `Provider ${providerId} failed to handle a callback`);
      const status = error.code === 'CALLBACK_REJECTED' ? 400 : 503;
      return reject(error, plainResponse(status, status === 400 ? 'rejected' : 'try again later'));
    }
  }

  async get(bindingId: string, scope: CustomerScope = {}): Promise<Binding> {
    return toBinding(await this.#load(bindingId, scope));
  }

  /** The binding's transitions, oldest first, as the store's audit rows recorded them. */
  async history(bindingId: string, scope: CustomerScope = {}): Promise<AuditEntry[]> {
    await this.#load(bindingId, scope);
    return this.store.listAudit(bindingId);
  }

  async listCards(customerId: string): Promise<CardView[]> {
    const cards = await this.store.listCards(customerId);
    return cards.map(toCardView);
  }

  async removeCard(customerId: string, cardId: string): Promise<void> {
    const card = await this.store.getCard(cardId);
    if (!card || card.customerId !== customerId) {
      throw new CardBindingError('CARD_NOT_FOUND', 'No such card for this customer');
    }
    const provider = this.#providers.get(card.provider);
    if (provider.removeCard) {
      try {
        await provider.removeCard({ customer: { id: customerId }, card });
      } catch (error) {
        throw toCardBindingError(error, `Provider ${card.provider} failed to remove the card`);
      }
    }
    await this.store.removeCard(cardId);
    this.logger.info({ event: 'card.removed', provider: card.provider, customerId, cardId }, 'card removed');
  }

  /** Resolves when the background work this process started at once (e.g. voids) has finished. */
  async settled(): Promise<void> {
    await this.#rechecks.settled();
    await this.#work.settled();
  }

  /**
   * Claims and runs up to `limit` due background items (what a transition wrote and its process could
   * not finish: a crash, a provider outage). `CardBindingWorker` calls this in a loop; returns the count.
   */
  async runDueWork(limit = 20): Promise<number> {
    return this.#work.runDue(limit);
  }

  /** Background items, e.g. `{ status: 'failed' }` for what an operator must look at. */
  async listWork(
    filter: { status?: WorkStatus; bindingId?: string; limit?: number } = {},
  ): Promise<WorkItem[]> {
    return this.store.listWork(filter);
  }

  /**
   * Ends open bindings past their `expiresAt` without anyone polling: each provider is asked one last
   * time (a payment that went through is saved, or released by its after-failure step), then what is
   * still open expires. Bounded by `limit` per call; returns how many bindings it looked at.
   */
  async sweepExpired(limit = 100): Promise<number> {
    return traceSweep(() => this.#sweepExpired(limit));
  }

  async #sweepExpired(limit: number): Promise<number> {
    const expired = await this.store.listExpiredBindings(this.clock.now(), limit);
    // A few at a time: each is a provider round trip and a compare-and-set, so one after another the
    // sweep's rate is one over that latency (docs/performance.md, scenario 8).
    let next = 0;
    const sweepOne = async (): Promise<void> => {
      for (let index = next++; index < expired.length; index = next++) {
        const record = expired[index];
        if (!record) continue;
        try {
          await this.#ask(record.id, {}, 'poll', undefined, 'sweep');
        } catch (error) {
          const failure = toCardBindingError(error);
          this.logger.warn(
            { event: 'sweep.failed', bindingId: record.id, provider: record.provider, code: failure.code },
            'an expired binding could not be swept; the next sweep tries again',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SWEEP_CONCURRENCY, expired.length) }, sweepOne));
    return expired.length;
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A callback was judged against a binding that another request changed before the callback's write
   * landed, and the binding is still open: its verdict may be stale (PayOnline saves a card only when
   * the anchor its 3-D Secure answer gave the host is stored, and that answer may have been stored just
   * then). One poll, in the background, lets the provider judge the binding as it is now.
   */
  #recheckAfterRace(bindingId: string, cause: TransitionCause): void {
    this.#rechecks.run({ bindingId, step: 'recheck_after_race' }, async () => {
      await this.#ask(bindingId, { requestInfo: cause.requestInfo }, 'poll');
    });
  }

  async #load(bindingId: string, scope: CustomerScope): Promise<BindingRecord> {
    const record = await this.store.get(bindingId);
    if (!record || (scope.customerId !== undefined && record.customer.id !== scope.customerId)) {
      // The same answer for "missing" and "someone else's": ids cannot be probed.
      throw new CardBindingError('BINDING_NOT_FOUND', 'No binding with this id');
    }
    return record;
  }

  async #startFresh(
    provider: CardBindingProvider,
    request: z.output<typeof StartBindingInput>,
    cause: TransitionCause,
  ): Promise<Binding> {
    const id = this.ids.bindingId();
    const now = this.clock.now();
    let outcome: InitOutcome;
    try {
      outcome = validateInitOutcome(
        provider,
        await provider.init({
          bindingId: id,
          customer: request.customer,
          metadata: request.metadata,
          now,
          ...(request.returnUrl === undefined ? {} : { returnUrl: request.returnUrl }),
        }),
      );
    } catch (error) {
      const failure = toCardBindingError(error, `Provider ${provider.id} failed to start a binding`);
      this.logger.warn(
        {
          event: 'binding.start_failed',
          provider: provider.id,
          customerId: request.customer.id,
          code: failure.code,
          providerCode: failure.providerCode,
          ...cause.requestInfo,
        },
        'binding not started',
      );
      throw failure;
    }
    if (outcome.status === 'failed') throw outcome.error;

    const record: BindingRecord = {
      id,
      version: 0,
      provider: provider.id,
      customer: request.customer,
      status: outcome.status === 'requires_action' ? 'requires_action' : 'processing',
      providerRef: outcome.providerRef ?? {},
      lookupKeys: 'lookupKeys' in outcome ? (outcome.lookupKeys ?? []) : [],
      metadata: request.metadata,
      createdAt: now,
      updatedAt: now,
      expiresAt:
        outcome.status === 'requires_action' && outcome.expiresAt
          ? outcome.expiresAt
          : new Date(now.getTime() + this.options.defaultTtlMs),
      ...(outcome.status === 'requires_action' ? { nextAction: outcome.action } : {}),
      ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
      ...(request.returnUrl === undefined ? {} : { returnUrl: request.returnUrl }),
    };
    const work = this.#transitions.workFor(provider, null, record);
    const created = await this.store.create(record, auditEntry(null, record, cause), work.items);
    if (!created.created) {
      // Another process started the same idempotent binding first; ours is discarded.
      this.logger.warn(
        { event: 'binding.duplicate_start', provider: provider.id, bindingId: created.record.id },
        'idempotent start raced',
      );
      return replay(toBinding(created.record), provider.id);
    }
    this.#transitions.log(null, created.record, cause);
    await this.#work.runNow(work);
    // A pending outcome is fully recorded by the insert (status, ref); re-applying it would only write
    // a processing → processing audit event.
    if (outcome.status === 'succeeded') {
      return this.#transitions.apply(provider, created.record, outcome, false, cause);
    }
    return toBinding(created.record);
  }

  async #ask(
    bindingId: string,
    scope: CustomerScope,
    trigger: ProviderTrigger,
    query?: Record<string, string>,
    recordAs: TransitionTrigger = trigger,
  ): Promise<Binding> {
    const cause = causeOf(recordAs, scope);
    const record = await this.#load(bindingId, scope);
    if (isTerminal(record.status)) return toBinding(record);
    // The flight asks about the record just read, not a second read of it: a flight that ended while
    // this read was in the air may have moved the binding, and the compare-and-set below finds that out
    // (a stale version loses, and the plan runs again on the winner's record).
    return this.#flights.run(`${trigger}\u0000${bindingId}`, async () => {
      const provider = this.#providers.get(record.provider);
      const expire = (current: BindingRecord) => planExpiry(current, this.clock.now());
      const ask =
        trigger === 'return'
          ? (provider.finalise ?? provider.checkOrder)
          : (provider.checkOrder ?? provider.finalise);
      if (!ask) return this.#transitions.applyPlan(record, expire, provider, cause);
      let outcome: ProviderOutcome;
      try {
        outcome = validateOutcome(
          provider,
          await ask.call(provider, providerContext(record, this.clock.now(), trigger, query)),
        );
      } catch (error) {
        const failure = toCardBindingError(
          error,
          `Provider ${provider.id} could not be asked about the binding`,
        );
        // A provider outage never loses the binding; past its deadline it still expires.
        const expired = await this.#transitions.applyPlan(record, expire, provider, cause);
        if (isTerminal(expired.status)) return expired;
        throw failure;
      }
      // The provider call took time: a callback or another process may have moved the binding since.
      return this.#transitions.apply(provider, record, outcome, trigger === 'return', cause, {
        readBeforeProviderCall: true,
      });
    });
  }
}

function validateInitOutcome(provider: CardBindingProvider, outcome: unknown): InitOutcome {
  const parsed = InitOutcome.safeParse(outcome);
  if (parsed.success) return parsed.data;
  throw invalidAnswer(provider, 'outcome', parsed.error.issues);
}

function validateOutcome(provider: CardBindingProvider, outcome: unknown): ProviderOutcome {
  const parsed = ProviderOutcome.safeParse(outcome);
  if (parsed.success) return parsed.data;
  throw invalidAnswer(provider, 'outcome', parsed.error.issues);
}

function validateCallbackResult(provider: CardBindingProvider, result: CallbackResult): CallbackResult {
  const response = CallbackResponse.safeParse(result.response);
  if (!response.success) throw invalidAnswer(provider, 'callback response', response.error.issues);
  if (!result.update) return { response: response.data };
  return {
    response: response.data,
    update: { bindingId: result.update.bindingId, outcome: validateOutcome(provider, result.update.outcome) },
  };
}

function invalidAnswer(
  provider: CardBindingProvider,
  what: string,
  issues: readonly { path: readonly PropertyKey[]; code: string; keys?: readonly string[] }[],
): CardBindingError {
  // Names where the answer is wrong (and an unexpected key's name), never its values.
  const where = issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      return issue.keys ? `${path}: unexpected ${issue.keys.join(', ')}` : path;
    })
    .join(', ');
  return new CardBindingError(
    'PROVIDER_UNAVAILABLE',
    `Provider ${provider.id} returned an invalid ${what} (${where})`,
    {
      retryable: false,
    },
  );
}

function replay(existing: Binding, providerId: string): Binding {
  if (existing.provider !== providerId) {
    throw new CardBindingError(
      'INVALID_STATE',
      'This idempotency key was used to start a binding with another provider',
    );
  }
  return existing;
}

function plainResponse(status: number, body: string): CallbackResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
