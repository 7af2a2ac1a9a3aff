import type { Binding, CardView } from '@cardbind/core';
import { conform } from '../conformance-violation.js';
import { type Harness, withHarness } from '../harness.js';
import type { ConformanceBackend, ConformanceCase, ConformanceOptions } from '../options.js';
import { describeBinding, keysOf } from './support.js';

/** The client view (a Binding, a card list) carries no token: neither the key nor the value. */
export async function checkClientViewHasNoToken<B extends ConformanceBackend>(
  h: Harness<B>,
  conformanceCase: ConformanceCase,
  views: { label: string; value: Binding | CardView[] }[],
): Promise<void> {
  const tokens = (await h.store.listCards(h.customer.id)).map((card) => card.token);
  for (const { label, value } of views) {
    conform(conformanceCase, !keysOf(value).has('token'), `${label} has a "token" field`);
    const json = JSON.stringify(value);
    conform(
      conformanceCase,
      !tokens.some((token) => json.includes(token)),
      `${label} contains the card token`,
    );
  }
}

/**
 * The customer succeeds → the binding succeeds with exactly one saved card, whose client view has a
 * masked number and no token; asking again changes nothing.
 */
export async function successCase<B extends ConformanceBackend>(
  options: ConformanceOptions<B>,
): Promise<void> {
  await withHarness(options, 'success', async (h) => {
    const started = await h.start();
    await h.scenario('succeed', started);
    const done = await h.complete(started.id);
    conform(
      'success',
      done.status === 'succeeded',
      () => `after the customer succeeded, ${options.complete} gave ${describeBinding(done)}, not succeeded`,
    );
    conform('success', done.card !== undefined, 'a succeeded binding has no card');
    conform('success', done.failure === undefined, 'a succeeded binding carries a failure');
    const digitRuns = done.card.display.maskedPan.replace(/\D/g, '');
    conform(
      'success',
      done.card.display.maskedPan.length > 0 && digitRuns.length <= 10,
      'card.display.maskedPan shows more than first 6 and last 4 digits',
    );
    const cards = await h.service.listCards(h.customer.id);
    conform('success', cards.length === 1, `the customer has ${cards.length} saved cards, not 1`);
    conform('success', cards[0]?.id === done.card.id, "the saved card is not the binding's card");
    await checkClientViewHasNoToken(h, 'success', [
      { label: 'the succeeded Binding', value: done },
      { label: 'listCards()', value: cards },
    ]);

    const again = await h.complete(started.id);
    conform(
      'success',
      JSON.stringify(again) === JSON.stringify(done),
      `asking again changed the binding to ${describeBinding(again)}`,
    );
    const read = await h.service.get(started.id);
    conform(
      'success',
      JSON.stringify(read) === JSON.stringify(done),
      'get() disagrees with what completion returned',
    );
    conform(
      'success',
      (await h.service.listCards(h.customer.id)).length === 1,
      'asking again saved another card',
    );
  });
}
