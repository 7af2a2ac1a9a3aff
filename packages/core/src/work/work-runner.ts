import { randomBytes } from 'node:crypto';
import type { Span } from '@opentelemetry/api';
import { z } from 'zod';
import { Binding } from '../binding/binding.js';
import { BackgroundTasks } from './background-tasks.js';
import { providerContext } from '../binding/provider-context.js';
import type { ProviderRegistry } from '../binding/provider-registry.js';
import { BindingStatus } from '../binding/status.js';
import type { BindingStore } from '../ports/binding-store.js';
import type { Clock } from '../ports/clock.js';
import type { BindingTransitionEvent, CardBindingListener } from '../ports/listener.js';
import type { Logger } from '../ports/logger.js';
import { markActiveProvider, markWorkOutcome, traceWorkItem } from '../telemetry/work-spans.js';
import { toCardBindingError } from '../to-card-binding-error.js';
import type { TransitionEventContent, TransitionWork } from './transition-work.js';
import type { WorkItem } from './work-item.js';
import { retryDelayMs, type WorkOptions } from './work-options.js';

// Dates travel through the item's JSON payload as ISO strings.
const EventPayload = z.object({
  from: BindingStatus.nullable(),
  to: BindingStatus,
  binding: Binding.extend({
    createdAt: z.coerce.date(),
    updatedAt: z.coerce.date(),
    expiresAt: z.coerce.date(),
    card: Binding.shape.card.unwrap().extend({ createdAt: z.coerce.date() }).optional(),
  }),
});

/** Why an item did not work: a CardBindingError's code, or LISTENER_FAILED. */
interface WorkFailure {
  code: string;
  retryable: boolean;
  providerCode?: string;
}

export interface WorkRunnerDeps {
  store: BindingStore;
  providers: ProviderRegistry;
  listeners: readonly CardBindingListener[];
  clock: Clock;
  logger: Logger;
  options: WorkOptions;
}

/**
 * Carries out work items: claims them under a lease, runs each once, and records the result (done; a
 * retry with backoff; failed for good past its deadline or on a final error). The process that wrote
 * an item runs it at once (`runNow`); workers run whatever is due (`runDue`), including items whose
 * holder died. Running an item twice is harmless by design: events carry a stable id, and providers'
 * after-steps treat "already done" as done.
 */
export class WorkRunner {
  /** This instance's name on the leases it takes. */
  readonly owner = `wrk_${randomBytes(9).toString('base64url')}`;
  readonly #background: BackgroundTasks;

  constructor(private readonly deps: WorkRunnerDeps) {
    this.#background = new BackgroundTasks(deps.logger);
  }

  /**
   * Runs the items a transition of this process just wrote: listener events before returning (so a host
   * sees them as it did before they were durable), provider after-steps in the background.
   */
  async runNow(work: TransitionWork): Promise<void> {
    if (work.items.length === 0) return;
    const ids = work.items.map((item) => item.id);
    // The transition is committed: a store that fails now must not fail the caller's call. What could
    // not be claimed or settled stays in the store, and a worker round does it (a lease runs out).
    try {
      const items = await this.#claim({ ids, limit: ids.length });
      for (const item of items) {
        if (item.kind === 'binding.event') await this.run(item, work.event);
        else this.#background.run({ bindingId: item.bindingId, kind: item.kind }, () => this.run(item));
      }
    } catch (error) {
      const failure = toCardBindingError(error);
      this.deps.logger.warn(
        { event: 'work.deferred', workIds: [...ids], code: failure.code },
        'background work left to the worker: the store failed after the transition was stored',
      );
    }
  }

  /** Claims and runs up to `limit` due items, one after another; returns how many it ran. */
  async runDue(limit: number): Promise<number> {
    const items = await this.#claim({ limit });
    for (const item of items) await this.run(item);
    return items.length;
  }

  /** Resolves when the after-steps started by `runNow` have finished. */
  settled(): Promise<void> {
    return this.#background.settled();
  }

  /** `written`: the event as the transition of this process built it (see `TransitionWork.event`). */
  async run(item: WorkItem, written?: TransitionEventContent): Promise<void> {
    return traceWorkItem(item, (span) => this.#run(item, span, written));
  }

  async #run(item: WorkItem, span: Span, written: TransitionEventContent | undefined): Promise<void> {
    const { store, clock, logger, options } = this.deps;
    const failure = await this.#perform(item, written);
    const now = clock.now();
    if (!failure) {
      markWorkOutcome(span, 'done');
      await store.completeWork(item.id, this.owner, now);
      return;
    }
    const runAt = new Date(now.getTime() + retryDelayMs(options, item.attempts));
    const final = !failure.retryable || runAt.getTime() > item.deadline.getTime();
    markWorkOutcome(span, final ? 'failed' : 'retry', failure);
    const fields = {
      event: final ? 'work.failed' : 'work.retry',
      workId: item.id,
      kind: item.kind,
      bindingId: item.bindingId,
      attempts: item.attempts,
      code: failure.code,
      providerCode: failure.providerCode,
    };
    if (final) {
      logger.error(fields, 'background work failed for good');
      await store.failWork(item.id, this.owner, { errorCode: failure.code, now });
    } else {
      logger.warn({ ...fields, retryAt: runAt.toISOString() }, 'background work will be retried');
      await store.retryWork(item.id, this.owner, { runAt, errorCode: failure.code, now });
    }
  }

  #claim(input: { ids?: readonly string[]; limit: number }): Promise<WorkItem[]> {
    const { store, clock, options } = this.deps;
    return store.claimWork({ now: clock.now(), owner: this.owner, leaseMs: options.leaseMs, ...input });
  }

  /** Runs the item; says why it did not work, or nothing when it did. */
  async #perform(
    item: WorkItem,
    written: TransitionEventContent | undefined,
  ): Promise<WorkFailure | undefined> {
    try {
      if (item.kind === 'binding.event') return await this.#deliver(item, written);
      await this.#afterStep(item);
      return undefined;
    } catch (thrown) {
      const error = toCardBindingError(thrown);
      return {
        code: error.code,
        retryable: error.retryable,
        ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
      };
    }
  }

  async #deliver(
    item: WorkItem,
    written: TransitionEventContent | undefined,
  ): Promise<WorkFailure | undefined> {
    const event = written?.id === item.id ? written : this.#storedEvent(item);
    if (!event) return { code: 'INVALID_STATE', retryable: false };
    const { to, from, binding } = event;
    const terminal = to !== from && (to === 'succeeded' || to === 'failed' || to === 'expired');
    let failed = false;
    for (const listener of this.deps.listeners) {
      failed =
        !(await this.#safely(listener, 'onTransition', () => listener.onTransition?.(event))) || failed;
      if (terminal) {
        failed =
          !(await this.#safely(listener, 'onTerminal', () => listener.onTerminal?.(binding, event))) ||
          failed;
      }
    }
    // Every listener was called; one that threw gets the event again later (so do the others: at least once).
    return failed ? { code: 'LISTENER_FAILED', retryable: true } : undefined;
  }

  /** The event a worker redelivers, from the item's stored payload (JSON: dates as strings). */
  #storedEvent(item: WorkItem): BindingTransitionEvent | undefined {
    const payload = EventPayload.safeParse(item.payload);
    if (!payload.success) return undefined;
    const { from, to, binding } = payload.data;
    return { id: item.id, binding, from, to };
  }

  async #afterStep(item: WorkItem): Promise<void> {
    const { store, providers, clock } = this.deps;
    const record = await store.get(item.bindingId);
    if (!record) return; // purged by retention: nothing left to act on
    const provider = providers.get(record.provider);
    markActiveProvider(record.provider);
    const context = providerContext(record, clock.now(), 'callback');
    if (item.kind === 'binding.after_failure') {
      await provider.afterFailure?.(context);
      return;
    }
    // The binding names the card the store kept (an earlier one, when the token was already saved).
    const card = record.card ? await store.getCard(record.card.id) : undefined;
    // A card the customer removed since needs no follow-up from the binding that saved it.
    if (card) await provider.afterSuccess?.({ ...context, card });
  }

  async #safely(listener: CardBindingListener, hook: string, call: () => unknown): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      this.deps.logger.error(
        { event: 'listener.failed', listener: listener.constructor.name, hook, error },
        'a binding listener threw',
      );
      return false;
    }
  }
}
