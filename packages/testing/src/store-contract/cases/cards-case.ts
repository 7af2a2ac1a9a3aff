import { toCardView } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import { withCard } from '../store-fixtures.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';

/**
 * A successful update saves its card in the same step: the update returns the card, the binding shows
 * it, getCard and listCards (for that customer only) find it. Two completions racing on one version
 * with different cards (the provider answered twice) leave one card: the winner's.
 */
export async function cardsCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const fresh = f.binding();
    const record = await created('cards', store, fresh, f.creationAudit(fresh));
    const card = f.card(record);
    const step = f.update(record, { status: 'succeeded' });
    const result = await store.update(record.id, step.expectedVersion, step.patch, {
      audit: step.audit,
      card,
    });
    holds('cards', result.ok, 'a succeeding update lost its compare-and-set');
    same('cards', result.card, card, 'the card the update returned');
    same('cards', result.record, withCard(step.expected, card), 'the record the update returned');
    same('cards', result.record.card, toCardView(card), "the binding's card");
    same('cards', await store.get(record.id), withCard(step.expected, card), 'get after saving a card');
    same('cards', await store.getCard(card.id), card, `getCard(${card.id})`);
    same('cards', await store.listCards(record.customer.id), [card], 'listCards of the customer');
    const others = await store.listCards(f.customer('nobody').id);
    holds('cards', others.length === 0, "listCards of another customer returned this customer's cards");
    const unknown = await store.getCard(`card_${f.run}_unknown`);
    holds('cards', unknown === undefined, 'getCard of an unknown id found a card');

    const pairBinding = f.binding({ customer: f.customer('pair'), status: 'processing' });
    const pairRecord = await created('cards', store, pairBinding, f.creationAudit(pairBinding));
    const pair = [
      f.card(pairRecord, `tok_${pairRecord.id}_first`),
      f.card(pairRecord, `tok_${pairRecord.id}_second`),
    ];
    const pairStep = f.update(pairRecord, { status: 'succeeded' });
    const pairResults = await Promise.all(
      pair.map((pairCard) =>
        store.update(pairRecord.id, pairStep.expectedVersion, pairStep.patch, {
          audit: pairStep.audit,
          card: pairCard,
        }),
      ),
    );
    const winners = pairResults.flatMap((pairResult, index) => (pairResult.ok ? [index] : []));
    holds(
      'cards',
      winners.length === 1,
      () => `two racing completions with different cards gave ${winners.length} winners`,
    );
    const kept = pair[winners[0] ?? 0];
    same(
      'cards',
      await store.listCards(pairRecord.customer.id),
      [kept],
      'listCards after two racing completions with different cards',
    );
    same(
      'cards',
      (await store.get(pairRecord.id))?.card,
      kept === undefined ? undefined : toCardView(kept),
      "the raced binding's card",
    );
  });
}
