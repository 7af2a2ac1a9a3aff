import type { BindingRecord, BindingStore, SavedCard } from '@cardbind/core';
import { toCardView } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import { OTHER_PROVIDER, withCard, type StoreFixtures } from '../store-fixtures.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';

/**
 * A customer who binds the same card twice has one saved card: an update whose card has the
 * (provider, customer, token) of a stored card keeps the stored one, returns it and shows it on the
 * binding, also when the two bindings complete at the same moment. Another customer or another
 * provider with the same token is another card.
 */
export async function cardUniquenessCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const token = `tok_${f.run}_shared`;
    const first = await succeed(store, f, f.binding(), token);
    const firstCard = first.card;
    same('cardUniqueness', firstCard, first.offered, 'the card saved by the first binding');

    const second = await succeed(store, f, f.binding(), token);
    same('cardUniqueness', second.card, firstCard, 'the card returned to a second binding of the same card');
    same('cardUniqueness', second.record, withCard(second.expected, firstCard), 'the second binding');
    same(
      'cardUniqueness',
      await store.getCard(second.offered.id),
      undefined,
      'getCard of the duplicate card',
    );

    const otherCustomer = await succeed(store, f, f.binding({ customer: f.customer('b') }), token);
    same(
      'cardUniqueness',
      otherCustomer.card,
      otherCustomer.offered,
      "another customer's card with the same token",
    );
    const otherProvider = await succeed(store, f, f.binding({ provider: OTHER_PROVIDER }), token);
    same(
      'cardUniqueness',
      otherProvider.card,
      otherProvider.offered,
      "another provider's card with the same token",
    );
    same(
      'cardUniqueness',
      byId(await store.listCards(firstCard.customerId)),
      byId([firstCard, otherProvider.offered]),
      'listCards after binding one card twice',
    );

    // Two bindings of one card complete at the same moment (two instances, two callbacks).
    const racingCustomer = f.customer('racing');
    const racingToken = `tok_${f.run}_racing`;
    const racing = await Promise.all(
      [f.binding({ customer: racingCustomer }), f.binding({ customer: racingCustomer })].map((record) =>
        succeed(store, f, record, racingToken),
      ),
    );
    const cards = await store.listCards(racingCustomer.id);
    holds(
      'cardUniqueness',
      cards.length === 1,
      () => `two bindings of one card completing together saved ${cards.length} cards, not 1`,
    );
    const [kept] = cards;
    for (const result of racing) {
      same('cardUniqueness', result.card, kept, 'the card returned to a binding that completed in the race');
      same(
        'cardUniqueness',
        result.record.card,
        kept === undefined ? undefined : toCardView(kept),
        'the card shown on a binding that completed in the race',
      );
    }
  });
}

interface Completed {
  record: BindingRecord;
  /** What the store kept and returned. */
  card: SavedCard;
  /** What the update offered to save. */
  offered: SavedCard;
  expected: BindingRecord;
}

async function succeed(
  store: BindingStore,
  f: StoreFixtures,
  fresh: BindingRecord,
  token: string,
): Promise<Completed> {
  const record = await created('cardUniqueness', store, fresh, f.creationAudit(fresh));
  const offered: SavedCard = f.card(record, token);
  const step = f.update(record, { status: 'succeeded' });
  const result = await store.update(record.id, step.expectedVersion, step.patch, {
    audit: step.audit,
    card: offered,
  });
  holds('cardUniqueness', result.ok, 'a succeeding update lost its compare-and-set');
  holds('cardUniqueness', result.card !== undefined, 'a succeeding update with a card returned no card');
  return { record: result.record, card: result.card, offered, expected: step.expected };
}

function byId(cards: readonly SavedCard[]): SavedCard[] {
  return [...cards].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
