import { type SavedCard, toCardView } from '../card.js';
import { CardBindingError } from '../errors.js';
import type { CardBindingProvider, ProviderOutcome } from '../provider.js';
import type { BindingStore } from '../ports/binding-store.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Logger } from '../ports/logger.js';
import { type TransitionWork, transitionWork } from '../work/transition-work.js';
import type { WorkOptions } from '../work/work-options.js';
import type { WorkRunner } from '../work/work-runner.js';
import { type Binding, type BindingRecord, toBinding } from './binding.js';
import { assertTransition, planTransition, type PlannedTransition } from './state.js';
import type { BindingStatus } from './status.js';
import { auditEntry, type TransitionCause } from './transition-cause.js';

const MAX_CAS_ATTEMPTS = 20;

export interface TransitionApplierDeps {
  store: BindingStore;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  hasListeners: boolean;
  work: WorkRunner;
  workOptions: WorkOptions;
}

export interface ApplyOptions {
  /** Told when another writer moved the binding first, so the plan ran again on its record. */
  onLostRace?: () => void;
  /**
   * The record was read before a provider call, so another caller may have moved the binding since. A
   * plan that writes finds out by its compare-and-set (no read needed); a plan that changes nothing is
   * checked against the stored record once, so it never hands back a state another caller moved past.
   */
  readBeforeProviderCall?: boolean;
}

/**
 * Moves a binding: plans against the latest record, writes the patch with its card, its audit row and
 * the work it causes (listener event, provider after-step) as one compare-and-set, logs the transition,
 * then runs that work at once. Every path that changes a binding comes through here, so racing callers
 * all obey the same rules; the work is durable, so a crash after the commit loses none of it.
 */
export class TransitionApplier {
  constructor(private readonly deps: TransitionApplierDeps) {}

  apply(
    provider: CardBindingProvider,
    record: BindingRecord,
    outcome: ProviderOutcome,
    customerReturned: boolean,
    cause: TransitionCause,
    options: ApplyOptions = {},
  ): Promise<Binding> {
    return this.applyPlan(
      record,
      (current) => planTransition({ record: current, outcome, now: this.deps.clock.now(), customerReturned }),
      provider,
      cause,
      options,
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
    { onLostRace, readBeforeProviderCall = false }: ApplyOptions = {},
  ): Promise<Binding> {
    const { store, clock, ids } = this.deps;
    let record = initial;
    let mayBeStale = readBeforeProviderCall;
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const planned = plan(record);
      if (planned.kind === 'none') {
        if (!mayBeStale) return toBinding(record);
        // Nothing to write, so no compare-and-set to tell whether the record is still current: read it.
        mayBeStale = false;
        const stored = await store.get(record.id);
        if (!stored || stored.version === record.version) return toBinding(stored ?? record);
        record = stored;
        continue;
      }
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
      const next: BindingRecord = { ...record, ...patch, version: record.version + 1 };
      const audit = auditEntry(record.status, next, recorded);
      const work = this.workFor(provider, record.status, next, card);
      const result = await store.update(
        record.id,
        record.version,
        patch,
        card ? { card, audit, work: work.items } : { audit, work: work.items },
      );
      if (result.ok) {
        this.log(record.status, result.record, recorded);
        await this.deps.work.runNow(work);
        return toBinding(result.record);
      }
      if (!result.current) throw new CardBindingError('BINDING_NOT_FOUND', 'No binding with this id');
      onLostRace?.();
      record = result.current;
    }
    throw new CardBindingError('INVALID_STATE', 'The binding is changing too fast to update; try again', {
      retryable: true,
    });
  }

  /** The work a transition causes, to be written with it. */
  workFor(
    provider: CardBindingProvider,
    from: BindingStatus | null,
    next: BindingRecord,
    card?: SavedCard,
  ): TransitionWork {
    return transitionWork({
      provider,
      from,
      record: next,
      saved: card !== undefined,
      hasListeners: this.deps.hasListeners,
      options: this.deps.workOptions,
    });
  }

  /** The transition's log line; also written for the creation of a binding. */
  log(from: BindingStatus | null, record: BindingRecord, cause: TransitionCause): void {
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
  }
}
