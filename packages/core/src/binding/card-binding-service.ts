import { inject, injectable, multiInject, optional } from 'inversify';
import { z } from 'zod';
import { type SavedCard, type CardView, toCardView } from '../card.js';
import { Customer } from '../customer.js';
import { CardBindingError } from '../errors.js';
import { parseConfig } from '../config.js';
import { pollDelay, type PollPolicyInput, PollPolicy } from '../client/poll-policy.js';
import {
  CallbackRequest,
  type CallbackResponse,
  type CardBindingProvider,
  type ProviderContext,
  ProviderOutcome,
  type ProviderTrigger,
} from '../provider.js';
import type { BindingStore } from '../ports/binding-store.js';
import { guardBindingStore } from '../ports/guarded-binding-store.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { CardBindingListener } from '../ports/listener.js';
import type { Logger } from '../ports/logger.js';
import { toCardBindingError } from '../to-card-binding-error.js';
import type { AuditEntry, TransitionTrigger } from '../audit/audit-entry.js';
import { RequestInfo } from '../audit/request-info.js';
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
import type { CardBindingServiceOptions } from './service-options.js';
import { assertTransition, isTerminal, planExpiry, planTransition, type PlannedTransition } from './state.js';
import type { BindingStatus } from './status.js';

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

export interface RequestScope {
  requestInfo?: RequestInfo;
}

/** What caused a transition, as its audit row and log line record it. */
interface TransitionCause {
  trigger: TransitionTrigger;
  requestInfo: RequestInfo;
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

export interface CallbackOutcome {
  response: CallbackResponse;
  binding?: Binding;
  error?: CardBindingError;
}

const MAX_CAS_ATTEMPTS = 20;

/**
 * The one service a host calls. Every state change is a compare-and-set on the stored record's version,
 * so a customer's return, a notification and a poll racing on one binding save exactly one card.
 */
@injectable()
export class CardBindingService {
  readonly #providers = new Map<string, CardBindingProvider>();
  readonly #inFlight = new Map<string, Promise<Binding>>();
  readonly #background = new Set<Promise<void>>();
  readonly #listeners: readonly CardBindingListener[];
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
    this.store = guardBindingStore(store);
    for (const provider of providers ?? []) {
      if (this.#providers.has(provider.id)) {
        throw new CardBindingError(
          'CONFIG_INVALID',
          `Two card binding providers have the id "${provider.id}"`,
          {
            field: 'id',
          },
        );
      }
      this.#providers.set(provider.id, provider);
    }
    this.#listeners = listeners ?? [];
  }

  /** The ids of the registered providers. */
  get providerIds(): string[] {
    return [...this.#providers.keys()];
  }

  async start(input: StartBindingInput, scope: RequestScope = {}): Promise<Binding> {
    const request = parseConfig(StartBindingInput, input, 'start');
    const cause: TransitionCause = { trigger: 'start', requestInfo: requestInfoOf(scope) };
    const provider = this.#provider(request.provider);
    const { idempotencyKey } = request;
    if (idempotencyKey === undefined) return this.#startFresh(provider, request, cause);
    const key = `start\u0000${request.customer.id}\u0000${idempotencyKey}`;
    const binding = await this.#singleFlight(key, async () => {
      const existing = await this.store.findByIdempotencyKey(request.customer.id, idempotencyKey);
      if (existing) return toBinding(existing);
      return this.#startFresh(provider, request, cause);
    });
    // A concurrent call with the same key may have joined a flight started for another provider.
    return this.#replay(binding, request.provider);
  }

  /** The customer came back from the provider's page. The return URL's own claims are never trusted. */
  async finalise(
    bindingId: string,
    options: CustomerScope & { query?: Record<string, string> } = {},
  ): Promise<Binding> {
    return this.#ask(bindingId, options, 'return', options.query);
  }

  /** One poll of the order's state. */
  async checkOrder(bindingId: string, options: CustomerScope = {}): Promise<Binding> {
    return this.#ask(bindingId, options, 'poll');
  }

  /**
   * Polls with the backoff policy until the binding ends. Still open at the deadline (5 minutes by
   * default) → `expired`. Passing provider outages are ridden out; an abort rejects with ABORTED.
   */
  async waitForCompletion(bindingId: string, options: WaitOptions = {}): Promise<Binding> {
    const limits = parseConfig(
      WaitLimits,
      { timeoutMs: options.timeoutMs, pollPolicy: options.pollPolicy },
      'waitForCompletion',
    );
    const policy = limits.pollPolicy ?? this.options.pollPolicy;
    const timeoutMs = limits.timeoutMs ?? this.options.completionTimeoutMs;
    const startedAt = this.clock.now().getTime();
    const deadline = startedAt + timeoutMs;
    const requestInfo = requestInfoOf(options);
    let binding = await this.get(bindingId, options);
    let previousDelay = 0;
    for (let attempt = 0; !isTerminal(binding.status); attempt++) {
      const now = this.clock.now().getTime();
      if (now >= deadline) return this.#expireAtDeadline(bindingId, requestInfo);
      const delay = Math.min(pollDelay(policy, attempt, now - startedAt, previousDelay), deadline - now);
      previousDelay = delay;
      await this.clock.sleep(delay, options.signal);
      try {
        binding = await this.checkOrder(bindingId, options);
      } catch (error) {
        if (!CardBindingError.is(error) || !error.retryable) throw error;
        this.logger.warn(
          { bindingId, code: error.code, providerCode: error.providerCode },
          'poll failed; will retry',
        );
      }
    }
    return binding;
  }

  /** A 3-DS term_url page or a provider notification. Never throws for a bad request: it answers it. */
  async handleCallback(
    providerId: string,
    request: CallbackRequest,
    scope: RequestScope = {},
  ): Promise<CallbackOutcome> {
    const requestInfo = requestInfoOf(scope);
    // What the provider looked up while handling the callback, so a rejection can name the order.
    let lookupKey: string | undefined;
    let bindingId: string | undefined;
    const reject = (error: CardBindingError, response: CallbackResponse): CallbackOutcome => {
      this.logger.warn(
        {
          event: 'callback.rejected',
          provider: providerId,
          code: error.code,
          providerCode: error.providerCode,
          lookupKey,
          bindingId,
          ...requestInfo,
        },
        'callback not accepted',
      );
      return { response, error };
    };
    // The id usually comes from the callback route's path, so an unknown one is a bad request too.
    const provider = this.#providers.get(providerId);
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
      const result = await provider.handleCallback({
        request: parsed.data,
        now: this.clock.now(),
        findBinding: async (key) => {
          lookupKey = key;
          const record = await this.store.findByLookupKey(providerId, key);
          if (record) bindingId = record.id;
          return record ? this.#context(record, 'callback') : undefined;
        },
      });
      if (!result.update) return { response: result.response };
      bindingId = result.update.bindingId;
      const record = await this.store.get(result.update.bindingId);
      if (!record || record.provider !== providerId) {
        throw new CardBindingError('CALLBACK_REJECTED', 'The callback names no binding of this provider');
      }
      const outcome = this.#validateOutcome(provider, result.update.outcome);
      const binding = await this.#apply(provider, record, outcome, false, {
        trigger: 'callback',
        requestInfo,
      });
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
    const provider = this.#provider(card.provider);
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

  /** Resolves when background work (e.g. voiding verification payments) has finished. */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  // ---------------------------------------------------------------------------------------------

  #provider(id: string): CardBindingProvider {
    const provider = this.#providers.get(id);
    if (!provider) throw providerNotFound(id);
    return provider;
  }

  async #load(bindingId: string, scope: CustomerScope): Promise<BindingRecord> {
    const record = await this.store.get(bindingId);
    if (!record || (scope.customerId !== undefined && record.customer.id !== scope.customerId)) {
      // The same answer for "missing" and "someone else's": ids cannot be probed.
      throw new CardBindingError('BINDING_NOT_FOUND', 'No binding with this id');
    }
    return record;
  }

  #replay(existing: Binding, providerId: string): Binding {
    if (existing.provider !== providerId) {
      throw new CardBindingError(
        'INVALID_STATE',
        'This idempotency key was used to start a binding with another provider',
      );
    }
    return existing;
  }

  async #startFresh(
    provider: CardBindingProvider,
    request: z.output<typeof StartBindingInput>,
    cause: TransitionCause,
  ): Promise<Binding> {
    const id = this.ids.bindingId();
    const now = this.clock.now();
    let outcome: ProviderOutcome;
    try {
      outcome = this.#validateOutcome(
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
      lookupKeys: outcome.status === 'requires_action' ? (outcome.lookupKeys ?? []) : [],
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
    const created = await this.store.create(record, auditEntry(null, record, cause));
    if (!created.created) {
      // Another process started the same idempotent binding first; ours is discarded.
      this.logger.warn(
        { event: 'binding.duplicate_start', provider: provider.id, bindingId: created.record.id },
        'idempotent start raced',
      );
      return this.#replay(toBinding(created.record), provider.id);
    }
    await this.#notify(null, created.record, cause);
    // A pending outcome is fully recorded by the insert (status, ref); re-applying it would only write
    // a processing → processing audit event.
    if (outcome.status === 'succeeded') return this.#apply(provider, created.record, outcome, false, cause);
    return toBinding(created.record);
  }

  async #ask(
    bindingId: string,
    scope: CustomerScope,
    trigger: ProviderTrigger,
    query?: Record<string, string>,
  ): Promise<Binding> {
    const cause: TransitionCause = { trigger, requestInfo: requestInfoOf(scope) };
    const record = await this.#load(bindingId, scope);
    if (isTerminal(record.status)) return toBinding(record);
    return this.#singleFlight(`${trigger}\u0000${bindingId}`, async () => {
      const fresh = await this.#load(bindingId, scope);
      if (isTerminal(fresh.status)) return toBinding(fresh);
      const provider = this.#provider(fresh.provider);
      const ask =
        trigger === 'return'
          ? (provider.finalise ?? provider.checkOrder)
          : (provider.checkOrder ?? provider.finalise);
      if (!ask) {
        return this.#applyPlan(fresh, (current) => planExpiry(current, this.clock.now()), provider, cause);
      }
      let outcome: ProviderOutcome;
      try {
        outcome = this.#validateOutcome(
          provider,
          await ask.call(provider, this.#context(fresh, trigger, query)),
        );
      } catch (error) {
        const failure = toCardBindingError(
          error,
          `Provider ${provider.id} could not be asked about the binding`,
        );
        // A provider outage never loses the binding; past its deadline it still expires.
        const expired = await this.#applyPlan(
          fresh,
          (current) => planExpiry(current, this.clock.now()),
          provider,
          cause,
        );
        if (isTerminal(expired.status)) return expired;
        throw failure;
      }
      // The provider call took time: plan against the record as it is now, so an answer that changes
      // nothing never hands back a state another caller (a callback, another process) moved past.
      const current = (await this.store.get(bindingId)) ?? fresh;
      return this.#apply(provider, current, outcome, trigger === 'return', cause);
    });
  }

  #context(record: BindingRecord, trigger: ProviderTrigger, query?: Record<string, string>): ProviderContext {
    return {
      bindingId: record.id,
      customer: record.customer,
      status: record.status,
      providerRef: record.providerRef,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      now: this.clock.now(),
      trigger,
      ...(query === undefined ? {} : { query }),
    };
  }

  #validateOutcome(provider: CardBindingProvider, outcome: unknown): ProviderOutcome {
    const parsed = ProviderOutcome.safeParse(outcome);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new CardBindingError(
      'PROVIDER_UNAVAILABLE',
      `Provider ${provider.id} returned an invalid outcome (${where})`,
      {
        retryable: false,
      },
    );
  }

  async #apply(
    provider: CardBindingProvider,
    record: BindingRecord,
    outcome: ProviderOutcome,
    customerReturned: boolean,
    cause: TransitionCause,
  ): Promise<Binding> {
    return this.#applyPlan(
      record,
      (current) => planTransition({ record: current, outcome, now: this.clock.now(), customerReturned }),
      provider,
      cause,
    );
  }

  /**
   * Compare-and-set loop: plan against the latest record, write with its version, and on a lost race
   * re-plan against the winner's record (which is usually terminal by then, ending the loop).
   */
  async #applyPlan(
    initial: BindingRecord,
    plan: (record: BindingRecord) => PlannedTransition,
    provider: CardBindingProvider,
    cause: TransitionCause,
  ): Promise<Binding> {
    let record = initial;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const planned = plan(record);
      if (planned.kind === 'none') return toBinding(record);
      // The state machine's table is the last word: a planner bug must not move a terminal binding.
      assertTransition(record.status, planned.patch.status);
      const card: SavedCard | undefined =
        planned.kind === 'succeed'
          ? {
              id: this.ids.cardId(),
              provider: record.provider,
              customerId: record.customer.id,
              bindingId: record.id,
              token: planned.outcome.card.token,
              display: planned.outcome.card.display,
              createdAt: this.clock.now(),
            }
          : undefined;
      const patch = card ? { ...planned.patch, card: toCardView(card) } : planned.patch;
      // A binding that runs out of time expires because of its deadline, whoever happened to notice.
      const recorded: TransitionCause =
        patch.status === 'expired' && cause.trigger !== 'sweep' ? { ...cause, trigger: 'deadline' } : cause;
      const audit = auditEntry(record.status, { ...record, ...patch, version: record.version + 1 }, recorded);
      const result = await this.store.update(
        record.id,
        record.version,
        patch,
        card ? { card, audit } : { audit },
      );
      if (result.ok) {
        await this.#notify(record.status, result.record, recorded);
        const { card: savedCard } = result;
        if (savedCard && provider.afterSuccess) {
          this.#inBackground(provider, result.record, 'after_success', (ctx) =>
            provider.afterSuccess?.({ ...ctx, card: savedCard }),
          );
        } else if (
          (result.record.status === 'failed' || result.record.status === 'expired') &&
          provider.afterFailure
        ) {
          this.#inBackground(provider, result.record, 'after_failure', (ctx) => provider.afterFailure?.(ctx));
        }
        return toBinding(result.record);
      }
      if (!result.current) throw new CardBindingError('BINDING_NOT_FOUND', 'No binding with this id');
      record = result.current;
    }
    throw new CardBindingError('INVALID_STATE', 'The binding is changing too fast to update; try again', {
      retryable: true,
    });
  }

  async #expireAtDeadline(bindingId: string, requestInfo: RequestInfo): Promise<Binding> {
    const record = await this.#load(bindingId, {});
    const provider = this.#provider(record.provider);
    const deadline = this.clock.now();
    // The deadline is the caller's, not the record's: expire even if the record's own expiresAt is later.
    return this.#applyPlan(
      record,
      (current) => planExpiry({ ...current, expiresAt: deadline }, deadline),
      provider,
      { trigger: 'deadline', requestInfo },
    );
  }

  /**
   * Runs a provider's after-transition step without holding up the caller (a callback must be answered
   * quickly); `settled()` waits for it. Its failure is logged and never touches the binding.
   */
  #inBackground(
    provider: CardBindingProvider,
    record: BindingRecord,
    step: 'after_success' | 'after_failure',
    run: (ctx: ProviderContext) => Promise<void> | undefined,
  ): void {
    const task = (async () => {
      try {
        await run(this.#context(record, 'callback'));
      } catch (error) {
        const failure = toCardBindingError(error);
        this.logger.error(
          {
            event: `binding.${step}_failed`,
            provider: provider.id,
            bindingId: record.id,
            code: failure.code,
          },
          `${step.replace('_', '-')} step failed`,
        );
      }
    })();
    this.#background.add(task);
    void task.finally(() => this.#background.delete(task));
  }

  async #notify(from: BindingStatus | null, record: BindingRecord, cause: TransitionCause): Promise<void> {
    const binding = toBinding(record);
    this.logger.info(
      {
        event: 'binding.transition',
        bindingId: record.id,
        provider: record.provider,
        customerId: record.customer.id,
        from,
        to: record.status,
        version: record.version,
        trigger: cause.trigger,
        ...cause.requestInfo,
        ...(record.failure
          ? { failureCode: record.failure.code, providerCode: record.failure.providerCode }
          : {}),
      },
      `binding ${from ?? 'created'} → ${record.status}`,
    );
    const terminal = isTerminal(record.status) && from !== record.status;
    for (const listener of this.#listeners) {
      await this.#safely(listener, 'onTransition', () =>
        listener.onTransition?.({ binding, from, to: record.status }),
      );
      if (terminal) await this.#safely(listener, 'onTerminal', () => listener.onTerminal?.(binding));
    }
  }

  async #safely(listener: CardBindingListener, hook: string, call: () => unknown): Promise<void> {
    try {
      await call();
    } catch (error) {
      const name = listener.constructor.name;
      this.logger.error(
        { event: 'listener.failed', listener: name, hook, error },
        'a binding listener threw',
      );
    }
  }

  #singleFlight(key: string, run: () => Promise<Binding>): Promise<Binding> {
    const existing = this.#inFlight.get(key);
    if (existing) return existing;
    const promise = run().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }
}

function plainResponse(status: number, body: string): CallbackResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

function providerNotFound(id: string): CardBindingError {
  return new CardBindingError('PROVIDER_NOT_FOUND', `No card binding provider with id "${id}"`);
}

function requestInfoOf(scope: RequestScope): RequestInfo {
  return scope.requestInfo === undefined ? {} : parseConfig(RequestInfo, scope.requestInfo, 'requestInfo');
}

function auditEntry(from: BindingStatus | null, record: BindingRecord, cause: TransitionCause): AuditEntry {
  return {
    bindingId: record.id,
    version: record.version,
    from,
    to: record.status,
    trigger: cause.trigger,
    at: record.updatedAt,
    ...cause.requestInfo,
    ...(record.failure
      ? {
          failureCode: record.failure.code,
          ...(record.failure.providerCode === undefined ? {} : { providerCode: record.failure.providerCode }),
        }
      : {}),
  };
}
