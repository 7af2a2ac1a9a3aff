import { CardBindingFailure, type CardBindingErrorCode } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import { withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceOptions } from '../options.js';
import { describeBinding } from './support.js';

export const DEFAULT_DECLINE_CODES: readonly CardBindingErrorCode[] = [
  'CARD_DECLINED',
  'PROVIDER_REJECTED',
  'INVALID_CARD_DATA',
  'NO_ELIGIBLE_CARD',
];

/** The issuer declines → the binding fails with a typed, non-transport code and saves no card. */
export async function declineCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  const allowed = options.declineCodes ?? DEFAULT_DECLINE_CODES;
  await withHarness(options, 'decline', async (h) => {
    const started = await h.start();
    await h.scenario('decline', started);
    const done = await h.complete(started.id);
    conform(
      'decline',
      done.status === 'failed',
      () => `after a decline, ${options.complete} gave ${describeBinding(done)}, not failed`,
    );
    const failure = CardBindingFailure.safeParse(done.failure);
    conform('decline', failure.success, 'a failed binding has no valid failure');
    conform(
      'decline',
      allowed.includes(failure.data.code),
      `a decline ended with ${failure.data.code}; expected one of ${allowed.join(', ')}`,
    );
    conform('decline', done.card === undefined, 'a declined binding has a card');
    conform('decline', (await h.service.listCards(h.customer.id)).length === 0, 'a decline saved a card');
    const again = await h.complete(started.id);
    conform(
      'decline',
      JSON.stringify(again) === JSON.stringify(done),
      `asking again changed a failed binding to ${describeBinding(again)}`,
    );
  });
}
