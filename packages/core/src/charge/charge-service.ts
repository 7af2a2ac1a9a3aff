import { inject, injectable, multiInject, optional } from 'inversify';
import { RequestInfo } from '../audit/request-info.js';
import type { RequestScope } from '../binding/transition-cause.js';
import { ProviderRegistry } from '../binding/provider-registry.js';
import { SingleFlight } from '../binding/single-flight.js';
import { parseConfig } from '../config.js';
import { CardBindingError } from '../errors.js';
import { CallbackRequest, type CardBindingProvider } from '../provider.js';
import type { BindingStore } from '../ports/binding-store.js';
import type { ChargeStore } from '../ports/charge-store.js';
import type { Clock } from '../ports/clock.js';
import { guardBindingStore } from '../ports/guarded-binding-store.js';
import { guardChargeStore } from '../ports/guarded-charge-store.js';
import { type IdGenerator, randomId } from '../ports/id-generator.js';
import type { Logger } from '../ports/logger.js';
import { traceCharge, traceReconcile, traceRefund } from '../telemetry/charge-spans.js';
import { meterChargeStore } from '../telemetry/metered-charge-store.js';
import { toCardBindingError } from '../to-card-binding-error.js';
import {
  BINDING_STORE,
  CARD_BINDING_PROVIDER,
  CHARGE_OPTIONS,
  CHARGE_STORE,
  CLOCK,
  ID_GENERATOR,
  LOGGER,
} from '../tokens.js';
import { applyChargePatch, applyRefundPatch } from './apply-patch.js';
import type { ChargeAuditEntry } from './charge-audit.js';
import { type ChargeCause, chargeAudit, refundAudit } from './charge-audit-entry.js';
import { chargeContext, chargeStateContext } from './charge-context.js';
import { ChargeInput, type ParsedChargeInput, RefundInput, requestHash } from './charge-input.js';
import { type ChargeServiceOptions, reconcileDelayMs } from './charge-options.js';
import { ChargeCheckOutcome, ChargeOutcome, RefundCheckOutcome, RefundOutcome } from './charge-provider.js';
import { isChargeSettled, planChargeTransition, type RefundPatch } from './charge-state.js';
import { type Charge, type ChargeRecord, toCharge } from './charge.js';
import { type Refund, type RefundRecord, toRefund } from './refund.js';
import { assertRetryAllowed } from './retry-guard.js';

export interface ChargeScope extends RequestScope {
  /** Restricts the call to this customer's charges (another customer's answers as missing). */
  customerId?: string;
}

/** Charges a reconciliation round asks about at once. */
const RECONCILE_CONCURRENCY = 8;
/** Compare-and-set rounds before a step gives up on a charge many callers are changing at once. */
const CAS_ATTEMPTS = 5;
/** How often a call waits for the first answer of a charge another instance is sending. */
const IN_FLIGHT_POLL_MS = 50;
/** The card's recent charges the retry advice is read from. */
const RETRY_HISTORY = 20;

export interface ReconcileRound {
  charges: number;
  refunds: number;
}

/**
 * Charges saved cards and refunds the charges. Exactly once: the provider's order id is fixed and
 * stored with the charge before the provider is called; a timeout, a 5xx or a crash after the call
 * leaves the charge `processing`, and the reconciler (run by `CardBindingWorker`) asks the provider
 * about that same order — it never sends a second debit. Idempotency keys follow Stripe: the same key
 * returns the first result, a failure too; the same key with other parameters is refused; concurrent
 * calls with one key, in one process or several, make one provider call (the store's unique key
 * decides which).
 */
@injectable()
export class ChargeService {
  readonly #providers: ProviderRegistry;
  readonly #chargeFlights = new SingleFlight<ChargeRecord>();
  readonly #refundFlights = new SingleFlight<RefundRecord>();
  readonly #store: ChargeStore | undefined;
  readonly #cards: BindingStore;

  constructor(
    @inject(CHARGE_STORE) @optional() store: ChargeStore | undefined,
    @inject(BINDING_STORE) cards: BindingStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(CHARGE_OPTIONS) private readonly options: ChargeServiceOptions,
    @multiInject(CARD_BINDING_PROVIDER) @optional() providers: CardBindingProvider[] | undefined,
  ) {
    this.#store = store === undefined ? undefined : meterChargeStore(guardChargeStore(store));
    this.#cards = guardBindingStore(cards);
    this.#providers = new ProviderRegistry(providers ?? []);
  }

  /** Charges a saved card once per idempotency key. */
  async charge(input: ChargeInput, scope: RequestScope = {}): Promise<Charge> {
    return traceCharge('ChargeService.charge', () => this.#charge(input, scope));
  }

  async #charge(input: ChargeInput, scope: RequestScope): Promise<Charge> {
    const request = parseConfig(ChargeInput, input, 'charge');
    if (request.amount.minor <= 0) {
      throw new CardBindingError('AMOUNT_INVALID', 'A charge must be for more than zero', {
        field: 'amount',
      });
    }
    const cause = chargeCause('charge', scope);
    const hash = requestHash({
      cardId: request.cardId,
      amount: request.amount,
      description: request.description,
      metadata: request.metadata,
      // Not the return URL: each instance of a host builds it from its own address, and a retry that
      // reached another instance must still get the first charge, never a refusal after the debit.
      providerOptions: request.providerOptions,
    });
    const store = this.#chargeStore();
    const record = await this.#chargeFlights.run(
      `${request.customerId}\u0000${request.idempotencyKey}`,
      async () => {
        const existing = await store.findChargeByIdempotencyKey(request.customerId, request.idempotencyKey);
        if (existing) return this.#replay(existing, hash);
        return this.#chargeFresh(request, hash, cause);
      },
    );
    // A concurrent call with the same key but other parameters may have joined this flight.
    assertSameRequest(record.requestHash, hash);
    return toCharge(record);
  }

  async get(chargeId: string, scope: ChargeScope = {}): Promise<Charge> {
    return toCharge(await this.#load(chargeId, scope));
  }

  /** A customer's charges, newest first. */
  async list(customerId: string, options: { limit?: number } = {}): Promise<Charge[]> {
    const records = await this.#chargeStore().listCharges({
      customerId,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    return records.map(toCharge);
  }

  /** A charge's and its refunds' transitions, oldest first. */
  async history(chargeId: string, scope: ChargeScope = {}): Promise<ChargeAuditEntry[]> {
    await this.#load(chargeId, scope);
    return this.#chargeStore().listChargeAudit(chargeId);
  }

  /**
   * The customer's browser came back to the host's return page after the charge's action (3-D Secure):
   * `request` is what it posted (PaRes, MD). A charge no longer waiting for the action is returned as
   * it is, so a repeated post sends nothing.
   */
  async completeAction(chargeId: string, request: CallbackRequest, scope: ChargeScope = {}): Promise<Charge> {
    return traceCharge(
      'ChargeService.completeAction',
      () => this.#completeAction(chargeId, request, scope),
      chargeId,
    );
  }

  async #completeAction(chargeId: string, request: CallbackRequest, scope: ChargeScope): Promise<Charge> {
    const cause = chargeCause('action', scope);
    const record = await this.#load(chargeId, scope);
    if (record.status !== 'requires_action') return toCharge(record);
    const provider = this.#providers.get(record.provider);
    if (!provider.completeChargeAction) throw notSupported(record.provider, 'completing a charge action');
    const parsed = CallbackRequest.safeParse(request);
    if (!parsed.success) throw new CardBindingError('CALLBACK_REJECTED', 'The action request is malformed');
    const complete = provider.completeChargeAction.bind(provider);
    const settled = await this.#chargeFlights.run(`action\u0000${chargeId}`, async () => {
      const card = await this.#cards.getCard(record.card.id);
      const now = this.clock.now();
      let outcome: ChargeOutcome;
      try {
        outcome = ChargeOutcome.parse(
          await complete({ ...chargeStateContext(record, card, now), request: parsed.data }),
        );
      } catch (error) {
        if (CardBindingError.is(error, 'CALLBACK_REJECTED')) throw error;
        // The provider may have completed the payment: the reconciler asks about the order soon.
        this.#outcomeUnknown(record, error);
        return this.#applyPatch(record, cause, () => ({
          status: 'processing',
          nextAction: null,
          reconcileAt: new Date(now.getTime() + this.options.reconcileAfterMs),
          updatedAt: now,
        }));
      }
      return this.#apply(record, outcome, cause);
    });
    return toCharge(settled);
  }

  /** Asks the provider about an open charge now (after the app relayed a rebill, or from a support tool). */
  async refresh(chargeId: string, scope: ChargeScope = {}): Promise<Charge> {
    return traceCharge('ChargeService.refresh', () => this.#refresh(chargeId, scope), chargeId);
  }

  async #refresh(chargeId: string, scope: ChargeScope): Promise<Charge> {
    const record = await this.#load(chargeId, scope);
    if (isChargeSettled(record.status)) return toCharge(record);
    return toCharge(await this.#check(record, chargeCause('refresh', scope)));
  }

  /** Refunds part or (without `amount`) the rest of a succeeded charge, once per idempotency key. */
  async refund(chargeId: string, input: RefundInput, scope: ChargeScope = {}): Promise<Refund> {
    return traceRefund(chargeId, () => this.#refund(chargeId, input, scope));
  }

  async #refund(chargeId: string, input: RefundInput, scope: ChargeScope): Promise<Refund> {
    const request = parseConfig(RefundInput, input, 'refund');
    const cause = chargeCause('refund', scope);
    const charge = await this.#load(chargeId, scope);
    const hash = requestHash({ amount: request.amount ?? 'rest' });
    const refund = await this.#refundFlights.run(`${chargeId}\u0000${request.idempotencyKey}`, async () => {
      const existing = (await this.#chargeStore().listRefunds(chargeId)).find(
        (candidate) => candidate.idempotencyKey === request.idempotencyKey,
      );
      if (existing) {
        assertSameRequest(existing.requestHash, hash);
        return existing;
      }
      return this.#refundFresh(charge, request, hash, cause);
    });
    assertSameRequest(refund.requestHash, hash);
    return toRefund(refund);
  }

  async listRefunds(chargeId: string, scope: ChargeScope = {}): Promise<Refund[]> {
    await this.#load(chargeId, scope);
    return (await this.#chargeStore().listRefunds(chargeId)).map(toRefund);
  }

  /**
   * One reconciliation round: asks the provider about open charges whose check is due, and about
   * refunds whose answer was lost. Safe on any number of instances: each charge is claimed by a
   * compare-and-set before the provider is asked. `CardBindingWorker` runs it every round.
   */
  async reconcileDue(limit = 20): Promise<ReconcileRound> {
    return traceReconcile(() => this.#reconcileDue(limit));
  }

  async #reconcileDue(limit: number): Promise<ReconcileRound> {
    if (!this.#store) return { charges: 0, refunds: 0 };
    const now = this.clock.now();
    const charges = await this.#store.listChargesToReconcile(now, limit);
    await eachConcurrently(charges, RECONCILE_CONCURRENCY, (record) => this.#reconcileCharge(record));
    const refunds = await this.#store.listRefundsToReconcile(now, limit);
    await eachConcurrently(refunds, RECONCILE_CONCURRENCY, (record) => this.#reconcileRefund(record));
    return { charges: charges.length, refunds: refunds.length };
  }

  #chargeStore(): ChargeStore {
    if (!this.#store) {
      throw new CardBindingError(
        'CONFIG_INVALID',
        'Charging needs a ChargeStore: pass a store that implements it (the PostgreSQL store does) or `chargeStore`',
        { field: 'chargeStore' },
      );
    }
    return this.#store;
  }

  async #load(chargeId: string, scope: ChargeScope): Promise<ChargeRecord> {
    const record = await this.#chargeStore().getCharge(chargeId);
    if (!record || (scope.customerId !== undefined && record.customerId !== scope.customerId)) {
      throw new CardBindingError('CHARGE_NOT_FOUND', 'No such charge');
    }
    return record;
  }

  /**
   * The first result for a key. A charge another instance created but has not heard back on yet
   * (version 0) is waited for a little, so concurrent callers see the provider's answer.
   */
  async #replay(existing: ChargeRecord, hash: string): Promise<ChargeRecord> {
    assertSameRequest(existing.requestHash, hash);
    let current = existing;
    const waitUntil = existing.createdAt.getTime() + this.options.inFlightWaitMs;
    while (current.version === 0 && this.clock.now().getTime() < waitUntil) {
      await this.clock.sleep(IN_FLIGHT_POLL_MS);
      current = (await this.#chargeStore().getCharge(existing.id)) ?? current;
    }
    return current;
  }

  async #chargeFresh(request: ParsedChargeInput, hash: string, cause: ChargeCause): Promise<ChargeRecord> {
    const store = this.#chargeStore();
    const card = await this.#cards.getCard(request.cardId);
    if (!card || card.customerId !== request.customerId) {
      throw new CardBindingError('CARD_NOT_FOUND', 'No such saved card for this customer', {
        field: 'cardId',
      });
    }
    const provider = this.#providers.get(card.provider);
    const { charge: sendCharge, checkCharge } = provider;
    // A provider that could not ask about a lost answer could only guess: it must not charge.
    if (!sendCharge || !checkCharge) throw notSupported(card.provider, 'charging');
    const now = this.clock.now();
    if (request.ignoreRetryAdvice) {
      this.logger.warn(
        { event: 'charge.retry_advice_ignored', cardId: card.id },
        'retry advice overridden by the host',
      );
    } else {
      assertRetryAllowed(await store.listCharges({ cardId: card.id, limit: RETRY_HISTORY }), now);
    }
    const id = this.ids.chargeId?.() ?? randomId('ch_');
    const record: ChargeRecord = {
      id,
      version: 0,
      provider: card.provider,
      customerId: request.customerId,
      card: {
        id: card.id,
        provider: card.provider,
        customerId: card.customerId,
        bindingId: card.bindingId,
        display: card.display,
        createdAt: card.createdAt,
      },
      amount: request.amount,
      ...(request.description === undefined ? {} : { description: request.description }),
      metadata: request.metadata,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      // Fixed now, stored before the provider hears of it: the reconciler asks about this very order.
      orderId: id,
      status: 'processing',
      providerRef: {},
      refundedMinor: 0,
      refundingMinor: 0,
      ...(request.returnUrl === undefined
        ? {}
        : { returnUrl: request.returnUrl.replaceAll('{chargeId}', id) }),
      providerOptions: request.providerOptions,
      // Written with the charge, so a crash during the call still leaves it on the reconciler's list.
      reconcileAt: new Date(now.getTime() + this.options.reconcileAfterMs),
      reconcileAttempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    const created = await store.createCharge(record, chargeAudit(null, record, cause));
    // Another instance won the race for this key: its charge is the one.
    if (!created.created) return this.#replay(created.record, hash);
    let outcome: ChargeOutcome;
    try {
      outcome = ChargeOutcome.parse(await sendCharge.call(provider, chargeContext(record, card, now)));
    } catch (error) {
      this.#outcomeUnknown(record, error);
      // Still processing, already on the reconciler's list: the caller sees `processing`.
      return (await store.getCharge(id)) ?? record;
    }
    return this.#apply(created.record, outcome, cause);
  }

  async #check(record: ChargeRecord, cause: ChargeCause): Promise<ChargeRecord> {
    const provider = this.#providers.get(record.provider);
    if (!provider.checkCharge) throw notSupported(record.provider, 'checking a charge');
    const card = await this.#cards.getCard(record.card.id);
    const now = this.clock.now();
    let outcome = ChargeCheckOutcome.parse(await provider.checkCharge(chargeStateContext(record, card, now)));
    const waitingForAction =
      record.status === 'requires_action' && (outcome.status === 'pending' || outcome.status === 'not_found');
    if (waitingForAction) {
      // Nothing happened yet because the customer (or the app) has not acted: that has its own deadline.
      const actionDeadline = record.createdAt.getTime() + this.options.actionTimeoutMs;
      outcome =
        now.getTime() >= actionDeadline
          ? {
              status: 'failed',
              error: new CardBindingError(
                'ACTION_EXPIRED',
                'The customer did not complete the payment in time',
                {
                  retryable: true,
                },
              ),
            }
          : { status: 'pending' };
    }
    return this.#apply(record, outcome, cause);
  }

  async #reconcileCharge(due: ChargeRecord): Promise<void> {
    const store = this.#chargeStore();
    const now = this.clock.now();
    // The claim: whoever moves reconcileAt first asks the provider; the others skip this charge.
    const claim = await store.updateCharge(due.id, {
      expectedVersion: due.version,
      patch: {
        reconcileAt: new Date(now.getTime() + this.options.reconcileLeaseMs),
        reconcileAttempts: due.reconcileAttempts + 1,
        updatedAt: now,
      },
    });
    if (!claim.ok) return;
    const claimed = claim.record;
    try {
      await this.#check(claimed, chargeCause('reconcile', {}));
    } catch (error) {
      const failure = toCardBindingError(error);
      this.logger.warn(
        {
          event: 'charge.reconcile_failed',
          chargeId: claimed.id,
          code: failure.code,
          providerCode: failure.providerCode,
        },
        'charge check failed; will ask again',
      );
      await store.updateCharge(claimed.id, {
        expectedVersion: claimed.version,
        patch: {
          reconcileAt: new Date(now.getTime() + reconcileDelayMs(this.options, claimed.reconcileAttempts)),
          updatedAt: now,
        },
      });
    }
  }

  /** Stores what the provider said, re-planning on a newer record when another caller moved it first. */
  async #apply(record: ChargeRecord, outcome: ChargeCheckOutcome, cause: ChargeCause): Promise<ChargeRecord> {
    return this.#applyPatch(record, cause, (current, now) =>
      planChargeTransition({
        record: current,
        outcome,
        now,
        nextCheckAt: new Date(now.getTime() + reconcileDelayMs(this.options, current.reconcileAttempts + 1)),
        notFoundAfter: new Date(current.createdAt.getTime() + this.options.notFoundAfterMs),
      }),
    );
  }

  async #applyPatch(
    record: ChargeRecord,
    cause: ChargeCause,
    plan: (current: ChargeRecord, now: Date) => ReturnType<typeof planChargeTransition>,
  ): Promise<ChargeRecord> {
    const store = this.#chargeStore();
    let current = record;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const now = this.clock.now();
      const patch = plan(current, now);
      if (!patch) return current;
      const next = applyChargePatch(current, patch);
      const changed = next.status !== current.status;
      const result = await store.updateCharge(current.id, {
        expectedVersion: current.version,
        patch,
        ...(changed ? { audit: chargeAudit(current.status, next, cause) } : {}),
      });
      if (result.ok) {
        if (changed) this.#logTransition(current, result.record, cause);
        return result.record;
      }
      if (!result.current) throw new CardBindingError('CHARGE_NOT_FOUND', 'No such charge');
      current = result.current;
    }
    // Every round lost to another writer; the charge is as they left it and stays on the reconciler's list.
    return (await store.getCharge(record.id)) ?? current;
  }

  async #refundFresh(
    charge: ChargeRecord,
    request: { amount?: ChargeRecord['amount'] | undefined; idempotencyKey: string },
    hash: string,
    cause: ChargeCause,
  ): Promise<RefundRecord> {
    const store = this.#chargeStore();
    const provider = this.#providers.get(charge.provider);
    const { refund: sendRefund } = provider;
    if (!sendRefund) throw notSupported(charge.provider, 'refunds');
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.#load(charge.id, {});
      if (current.status !== 'succeeded') {
        throw new CardBindingError(
          'INVALID_STATE',
          `Only a succeeded charge can be refunded (this one is ${current.status})`,
        );
      }
      if (current.refundingMinor > 0) {
        // One refund of a charge at a time: a provider checking a refund whose answer was lost reads the
        // order's amount, which another refund in flight would make ambiguous (Payture's GetState).
        throw new CardBindingError('INVALID_STATE', 'Another refund of this charge is in flight; try again', {
          retryable: true,
        });
      }
      const available = current.amount.minor - current.refundedMinor;
      const amount = request.amount ?? { minor: available, currency: current.amount.currency };
      if (amount.currency !== current.amount.currency) {
        throw new CardBindingError('AMOUNT_INVALID', `The charge is in ${current.amount.currency}`, {
          field: 'amount.currency',
        });
      }
      if (request.amount !== undefined && amount.minor <= 0) {
        throw new CardBindingError('AMOUNT_INVALID', 'A refund must be for more than zero', {
          field: 'amount',
        });
      }
      if (amount.minor <= 0 || amount.minor > available) {
        throw new CardBindingError(
          'REFUND_EXCEEDS_CHARGE',
          `Only ${available} minor units of this charge are left to refund`,
          { field: 'amount' },
        );
      }
      const now = this.clock.now();
      const refund: RefundRecord = {
        id: this.ids.refundId?.() ?? randomId('re_'),
        version: 0,
        chargeId: current.id,
        customerId: current.customerId,
        amount,
        idempotencyKey: request.idempotencyKey,
        requestHash: hash,
        status: 'processing',
        providerRef: {},
        reconcileAt: new Date(now.getTime() + this.options.reconcileAfterMs),
        reconcileAttempts: 0,
        createdAt: now,
        updatedAt: now,
      };
      const created = await store.createRefund(refund, refundAudit(null, refund, cause), {
        expectedVersion: current.version,
        // Held while in flight, so two concurrent refunds cannot both take what is left.
        patch: { refundingMinor: current.refundingMinor + amount.minor, updatedAt: now },
      });
      if ('conflict' in created) continue;
      if (!created.created) return created.refund;
      let outcome: RefundOutcome;
      try {
        outcome = RefundOutcome.parse(
          await sendRefund.call(provider, {
            refundId: refund.id,
            charge: chargeStateContext(created.charge, await this.#cards.getCard(current.card.id), now),
            amount,
            refundedBefore: { minor: current.refundedMinor, currency: current.amount.currency },
            now,
          }),
        );
      } catch (error) {
        // Never re-sent: a refund is not idempotent at the provider. The reconciler asks checkRefund.
        this.#outcomeUnknown(current, error, refund.id);
        return refund;
      }
      return this.#settleRefund(refund, outcome, cause);
    }
    throw new CardBindingError('INVALID_STATE', 'The charge changed too often to refund it; try again', {
      retryable: true,
    });
  }

  /** Ends a refund and moves its held amount on the charge, both in one compare-and-set. */
  async #settleRefund(
    refund: RefundRecord,
    outcome: RefundOutcome | Exclude<RefundCheckOutcome, { status: 'unknown' }>,
    cause: ChargeCause,
  ): Promise<RefundRecord> {
    const store = this.#chargeStore();
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const charge = await this.#load(refund.chargeId, {});
      const now = this.clock.now();
      const patch: RefundPatch =
        outcome.status === 'succeeded'
          ? { status: 'succeeded', reconcileAt: null, updatedAt: now }
          : { status: 'failed', failure: outcome.error.toFailure(), reconcileAt: null, updatedAt: now };
      const next = applyRefundPatch(refund, patch);
      const providerRef =
        outcome.status === 'succeeded' && outcome.providerRef
          ? { providerRef: { ...charge.providerRef, ...outcome.providerRef } }
          : {};
      const result = await store.updateRefund(refund.id, {
        expectedVersion: refund.version,
        patch,
        audit: refundAudit(refund.status, next, cause),
        charge: {
          id: charge.id,
          expectedVersion: charge.version,
          patch: {
            refundingMinor: Math.max(0, charge.refundingMinor - refund.amount.minor),
            ...(outcome.status === 'succeeded'
              ? { refundedMinor: charge.refundedMinor + refund.amount.minor }
              : {}),
            ...providerRef,
            updatedAt: now,
          },
        },
      });
      if (result.ok) {
        this.logger.info(
          {
            event: 'refund.transition',
            chargeId: refund.chargeId,
            refundId: refund.id,
            from: refund.status,
            to: result.refund.status,
            trigger: cause.trigger,
            code: result.refund.failure?.code,
            providerCode: result.refund.failure?.providerCode,
            ...cause.requestInfo,
          },
          'refund transition',
        );
        return result.refund;
      }
      // Another caller settled the refund first: theirs stands.
      if (!result.refund || result.refund.version !== refund.version) return result.refund ?? refund;
    }
    return (await store.getRefund(refund.id)) ?? refund;
  }

  async #reconcileRefund(due: RefundRecord): Promise<void> {
    const store = this.#chargeStore();
    const now = this.clock.now();
    const charge = await store.getCharge(due.chargeId);
    const provider = charge ? this.#providers.find(charge.provider) : undefined;
    const checkRefund = provider?.checkRefund?.bind(provider);
    const claim = await store.updateRefund(due.id, {
      expectedVersion: due.version,
      patch: {
        // Without a way to ask, the refund leaves the list: an operator reads it as processing.
        reconcileAt: checkRefund ? new Date(now.getTime() + this.options.reconcileLeaseMs) : null,
        reconcileAttempts: due.reconcileAttempts + 1,
        updatedAt: now,
      },
    });
    if (!claim.ok || !charge || !checkRefund) {
      if (claim.ok) {
        this.logger.error(
          { event: 'refund.outcome_unknown', chargeId: due.chargeId, refundId: due.id },
          'the provider cannot be asked about this refund: check it by hand',
        );
      }
      return;
    }
    const refund = claim.refund;
    try {
      const outcome = RefundCheckOutcome.parse(
        await checkRefund({
          refundId: refund.id,
          charge: chargeStateContext(charge, await this.#cards.getCard(charge.card.id), now),
          amount: refund.amount,
          refundedBefore: { minor: charge.refundedMinor, currency: charge.amount.currency },
          now,
        }),
      );
      if (outcome.status !== 'unknown') {
        await this.#settleRefund(refund, outcome, chargeCause('reconcile', {}));
        return;
      }
    } catch (error) {
      this.#outcomeUnknown(charge, error, refund.id);
    }
    await store.updateRefund(refund.id, {
      expectedVersion: refund.version,
      patch: {
        reconcileAt: new Date(now.getTime() + reconcileDelayMs(this.options, refund.reconcileAttempts)),
        updatedAt: now,
      },
    });
  }

  #outcomeUnknown(record: ChargeRecord, error: unknown, refundId?: string): void {
    const failure = toCardBindingError(error);
    this.logger.warn(
      {
        event: refundId === undefined ? 'charge.outcome_unknown' : 'refund.outcome_unknown',
        chargeId: record.id,
        refundId,
        orderId: record.orderId,
        code: failure.code,
        providerCode: failure.providerCode,
      },
      'no answer from the provider; the reconciler will ask about this order',
    );
  }

  #logTransition(from: ChargeRecord, to: ChargeRecord, cause: ChargeCause): void {
    this.logger.info(
      {
        event: 'charge.transition',
        chargeId: to.id,
        provider: to.provider,
        orderId: to.orderId,
        from: from.status,
        to: to.status,
        trigger: cause.trigger,
        code: to.failure?.code,
        providerCode: to.failure?.providerCode,
        ...cause.requestInfo,
      },
      'charge transition',
    );
  }
}

function chargeCause(trigger: ChargeCause['trigger'], scope: RequestScope): ChargeCause {
  const requestInfo =
    scope.requestInfo === undefined ? {} : parseConfig(RequestInfo, scope.requestInfo, 'requestInfo');
  return { trigger, requestInfo };
}

function assertSameRequest(stored: string, hash: string): void {
  if (stored !== hash) {
    throw new CardBindingError(
      'IDEMPOTENCY_KEY_REUSED',
      'This idempotency key was used with other parameters',
      { field: 'idempotencyKey' },
    );
  }
}

function notSupported(provider: string, what: string): CardBindingError {
  return new CardBindingError('NOT_SUPPORTED', `Provider ${provider} does not support ${what}`);
}

async function eachConcurrently<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
