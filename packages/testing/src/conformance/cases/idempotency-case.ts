import { type Binding, isTerminal, type ProviderOutcome } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import { withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { checkClientViewHasNoToken } from './success-case.js';
import { describeBinding, describeError } from './support.js';

export const DEFAULT_CONCURRENCY = 25;

/**
 * After the customer succeeded, many completions race: the provider's own answers for one binding
 * agree (one card token, no failure) even when called directly and concurrently, as two host
 * processes would; through two services sharing a store, all callers see the same succeeded
 * binding and exactly one card is saved (at the provider too, when it can tell).
 */
export async function idempotencyCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  await withHarness(options, 'idempotency', async (h) => {
    const started = await h.start();
    // Callbacks are kept back so that the result is still to be learned when the race starts.
    h.callbacks.hold(true);
    await h.scenario('succeed', started);

    const provider = h.provider();
    const operations = (['finalise', 'checkOrder'] as const).filter((name) => provider[name] !== undefined);
    const direct = await Promise.allSettled(
      operations.flatMap((name) =>
        Array.from({ length: Math.max(2, Math.ceil(concurrency / 5)) }, async () => {
          const ctx = await h.providerContext(started.id, name === 'finalise' ? 'return' : 'poll');
          const outcome: ProviderOutcome | undefined = await provider[name]?.(ctx);
          return { name, outcome };
        }),
      ),
    );
    for (const result of direct) {
      conform(
        'idempotency',
        result.status === 'fulfilled',
        () =>
          `a concurrent provider call threw: ${describeError(result.status === 'rejected' ? result.reason : undefined)}`,
      );
      const outcome = result.value.outcome;
      conform(
        'idempotency',
        outcome?.status !== 'failed',
        () =>
          `a repeated ${result.value.name} turned a success into a failure (${outcome?.status === 'failed' ? describeError(outcome.error) : ''})`,
      );
    }
    const tokens = new Set(
      direct.flatMap((result) =>
        result.status === 'fulfilled' && result.value.outcome?.status === 'succeeded'
          ? [result.value.outcome.card.token]
          : [],
      ),
    );
    const heldCallbacks = h.callbacks.received.filter((entry) => entry.held).length;
    conform(
      'idempotency',
      tokens.size > 0 || heldCallbacks > 0,
      `no concurrent ${operations.join('/')} call saw the success, and the backend sent no callback`,
    );
    conform(
      'idempotency',
      tokens.size <= 1,
      `${direct.length} concurrent ${operations.join('/')} calls for one binding returned ${tokens.size} different card tokens: the provider is not idempotent, and two host processes completing at once would save two cards`,
    );

    const other = h.otherProcess();
    const racers: Promise<Binding>[] = Array.from({ length: concurrency }, (_, index) => {
      const service = index % 2 === 0 ? h.service : other;
      return index % 4 < 2 ? h.complete(started.id, service) : service.checkOrder(started.id);
    });
    // Held callbacks join the race, each delivered twice: providers repeat notifications.
    const replayed = h.callbacks.releaseHeld(2);
    const results = await Promise.allSettled(racers);
    for (const outcome of await replayed) {
      conform(
        'idempotency',
        outcome.error === undefined,
        () => `a repeated callback was refused: ${describeError(outcome.error)}`,
      );
    }
    for (const result of results) {
      conform(
        'idempotency',
        result.status === 'fulfilled',
        () =>
          `a racing completion threw: ${describeError(result.status === 'rejected' ? result.reason : undefined)}`,
      );
    }
    const bindings = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const stored = await h.service.get(started.id);
    conform(
      'idempotency',
      stored.status === 'succeeded',
      () => `after the race the binding is ${describeBinding(stored)}, not succeeded`,
    );
    // When only the callback carries the card, a completion that finished before it landed may still
    // see the binding open; anything it does see must be the one stored result.
    const carriedByCallback = tokens.size === 0;
    for (const binding of bindings) {
      if (binding.status === 'succeeded') {
        conform(
          'idempotency',
          JSON.stringify(binding) === JSON.stringify(stored),
          'racing completions returned different succeeded bindings',
        );
      } else {
        conform(
          'idempotency',
          carriedByCallback && !isTerminal(binding.status),
          () => `a racing completion returned ${describeBinding(binding)}`,
        );
      }
    }
    const settled = await h.complete(started.id);
    conform(
      'idempotency',
      JSON.stringify(settled) === JSON.stringify(stored),
      'completing after the race gave a binding other than the stored one',
    );
    const cards = await h.service.listCards(h.customer.id);
    conform('idempotency', cards.length === 1, `the race saved ${cards.length} cards, not 1`);
    await checkClientViewHasNoToken(h, 'idempotency', [
      { label: 'listCards() after the race', value: cards },
    ]);
    if (options.scenarios.cardsAtProvider) {
      const atProvider = await options.scenarios.cardsAtProvider({
        backend: h.backend,
        customer: h.customer,
      });
      conform(
        'idempotency',
        atProvider === 1,
        `after the race the provider holds ${atProvider} cards for the customer, not 1`,
      );
    }
  });
}
