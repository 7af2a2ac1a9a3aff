import { isTerminal } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import { withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeBinding } from './support.js';

export const DEFAULT_ABANDON_TIMEOUT_MS = 5 * 60_000;

/**
 * The customer walks away → the binding stays open until the deadline, then `waitForCompletion`
 * expires it with BINDING_EXPIRED. Runs on the suite's ManualClock: minutes pass in milliseconds.
 */
export async function abandonCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  const timeoutMs = options.abandonTimeoutMs ?? DEFAULT_ABANDON_TIMEOUT_MS;
  await withHarness(options, 'abandon', async (h) => {
    const started = await h.start();
    await h.scenario('abandon', started);
    const early = await h.complete(started.id);
    conform(
      'abandon',
      !isTerminal(early.status),
      `an abandoned binding ended at once as ${describeBinding(early)}`,
    );

    const waitedFrom = h.clock.now().getTime();
    const ended = await h.service.waitForCompletion(started.id, { timeoutMs });
    const waited = h.clock.now().getTime() - waitedFrom;
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
    conform('abandon', waited >= timeoutMs, `the binding expired after ${waited} ms of ${timeoutMs}`);
    conform(
      'abandon',
      (await h.service.listCards(h.customer.id)).length === 0,
      'an abandoned binding saved a card',
    );
    const again = await h.complete(started.id);
    conform('abandon', again.status === 'expired', `an expired binding became ${describeBinding(again)}`);
  });
}
