import { type SavedCard, toCardView } from '../card.js';
import { CardBindingError } from '../errors.js';
import type { CardBindingProvider, ProviderOutcome } from '../provider.js';
import type { BindingStore } from '../ports/binding-store.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { CardBindingListener } from '../ports/listener.js';
import type { Logger } from '../ports/logger.js';
import type { BackgroundSteps } from './background-steps.js';
import { type Binding, type BindingRecord, toBinding } from './binding.js';
import { providerContext } from './provider-context.js';
import { assertTransition, isTerminal, planTransition, type PlannedTransition } from './state.js';
import type { BindingStatus } from './status.js';
import { auditEntry, type TransitionCause } from './transition-cause.js';

const MAX_CAS_ATTEMPTS = 20;

export interface TransitionApplierDeps {
  store: BindingStore;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  listeners: readonly CardBindingListener[];
  background: BackgroundSteps;
}

/**
 * Moves a binding: plans against the latest record, writes the patch with its card and audit row as
 * one compare-and-set, then tells the log, the listeners and the provider's after-step. Every path
 * that changes a binding comes through here, so racing callers all obey the same rules.
 */
export class TransitionApplier {
  constructor(private readonly deps: TransitionApplierDeps) {}

  apply(
    provider: CardBindingProvider,
    record: BindingRecord,
    outcome: ProviderOutcome,
    customerReturned: boolean,
    cause: TransitionCause,
  ): Promise<Binding> {
    return this.applyPlan(
      record,
      (current) => planTransition({ record: current, outcome, now: this.deps.clock.now(), customerReturned }),
      provider,
      cause,
    );
  }

  /**
   * Compare-and-set loop: plan against the latest record, write with its version, and on a lost race
   * re-plan against the winner's record (which is usually terminal by then, ending the loop).
   */
  async applyPlan(
    initial: BindingRecord,
    plan: (record: BindingRecord) => PlannedTransition,
    provider: CardBindingProvider,
    cause: TransitionCause,
  ): Promise<Binding> {
    const { store, clock, ids } = this.deps;
    let record = initial;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const planned = plan(record);
      if (planned.kind === 'none') return toBinding(record);
      // The state machine's table is the last word: a planner bug must not move a terminal binding.
      assertTransition(record.status, planned.patch.status);
      const card: SavedCard | undefined =
        planned.kind === 'succeed'
          ? {
              id: ids.cardId(),
              provider: record.provider,
              customerId: record.customer.id,
              bindingId: record.id,
              token: planned.outcome.card.token,
              display: planned.outcome.card.display,
              createdAt: clock.now(),
            }
          : undefined;
      const patch = card ? { ...planned.patch, card: toCardView(card) } : planned.patch;
      // A binding that runs out of time expires because of its deadline, whoever happened to notice.
      const recorded: TransitionCause =
        patch.status === 'expired' && cause.trigger !== 'sweep' ? { ...cause, trigger: 'deadline' } : cause;
      const audit = auditEntry(record.status, { ...record, ...patch, version: record.version + 1 }, recorded);
      const result = await store.update(record.id, record.version, patch, card ? { card, audit } : { audit });
      if (result.ok) {
        await this.notify(record.status, result.record, recorded);
        this.#afterStep(provider, result.record, result.card);
        return toBinding(result.record);
      }
      if (!result.current) throw new CardBindingError('BINDING_NOT_FOUND', 'No binding with this id');
      record = result.current;
    }
    throw new CardBindingError('INVALID_STATE', 'The binding is changing too fast to update; try again', {
      retryable: true,
    });
  }

  /** The transition's log line and listener calls; also used for the creation of a binding. */
  async notify(from: BindingStatus | null, record: BindingRecord, cause: TransitionCause): Promise<void> {
    const binding = toBinding(record);
    this.deps.logger.info(
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
    for (const listener of this.deps.listeners) {
      await this.#safely(listener, 'onTransition', () =>
        listener.onTransition?.({ binding, from, to: record.status }),
      );
      if (terminal) await this.#safely(listener, 'onTerminal', () => listener.onTerminal?.(binding));
    }
  }

  #afterStep(provider: CardBindingProvider, record: BindingRecord, savedCard: SavedCard | undefined): void {
    const { background, clock } = this.deps;
    const context = () => providerContext(record, clock.now(), 'callback');
    if (savedCard && provider.afterSuccess) {
      background.run(provider, record.id, 'after_success', () =>
        provider.afterSuccess?.({ ...context(), card: savedCard }),
      );
    } else if ((record.status === 'failed' || record.status === 'expired') && provider.afterFailure) {
      background.run(provider, record.id, 'after_failure', () => provider.afterFailure?.(context()));
    }
  }

  async #safely(listener: CardBindingListener, hook: string, call: () => unknown): Promise<void> {
    try {
      await call();
    } catch (error) {
      const name = listener.constructor.name;
      this.deps.logger.error(
        { event: 'listener.failed', listener: name, hook, error },
        'a binding listener threw',
      );
    }
  }
}
