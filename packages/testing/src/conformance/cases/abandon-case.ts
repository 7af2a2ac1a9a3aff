import { isTerminal } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import { withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeBinding } from './support.js';

/**
 * The customer walks away → the binding stays open until its deadline (`expiresAt`, which must cover
 * the provider's own session), then `waitForCompletion` expires it with BINDING_EXPIRED, no earlier.
 * Runs on the suite's ManualClock: minutes pass in milliseconds.
 */
export async function abandonCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withHarness(options, 'abandon', async (h) => {
    const started = await h.start();
    await h.scenario('abandon', started);
    const early = await h.complete(started.id);
    conform(
      'abandon',
      !isTerminal(early.status),
      `an abandoned binding ended at once as ${describeBinding(early)}`,
    );

    const ended = await h.service.waitForCompletion(started.id);
    conform(
      'abandon',
      ended.status === 'expired',
      () => `after the deadline the binding is ${describeBinding(ended)}, not expired`,
    );
    conform(
      'abandon',
      ended.failure?.code === 'BINDING_EXPIRED',
      `an expired binding's failure is ${ended.failure?.code ?? 'missing'}`,
    );
    conform(
      'abandon',
      ended.updatedAt.getTime() >= started.expiresAt.getTime(),
      () =>
        `the binding expired at ${ended.updatedAt.toISOString()}, before its deadline ${started.expiresAt.toISOString()}`,
    );
    conform(
      'abandon',
      (await h.service.listCards(h.customer.id)).length === 0,
      'an abandoned binding saved a card',
    );
    const again = await h.complete(started.id);
    conform('abandon', again.status === 'expired', `an expired binding became ${describeBinding(again)}`);
  });
}
