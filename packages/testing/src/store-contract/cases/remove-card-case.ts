import type { SavedCard } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';

/** removeCard deletes exactly the named card and answers whether there was one to delete. */
export async function removeCardCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const saved: SavedCard[] = [];
    for (const name of ['kept', 'removed']) {
      const fresh = f.binding();
      const record = await created('removeCard', store, fresh, f.creationAudit(fresh));
      const card = f.card(record, `tok_${f.run}_${name}`);
      const step = f.update(record, { status: 'succeeded' });
      const result = await store.update(record.id, step.expectedVersion, step.patch, {
        audit: step.audit,
        card,
      });
      holds('removeCard', result.ok, 'a succeeding update lost its compare-and-set');
      saved.push(card);
    }
    const [kept, removed] = saved;
    holds('removeCard', kept !== undefined && removed !== undefined, 'two cards were not saved');

    holds(
      'removeCard',
      (await store.removeCard(removed.id)) === true,
      'removeCard of a stored card returned false',
    );
    same('removeCard', await store.getCard(removed.id), undefined, 'getCard of the removed card');
    same(
      'removeCard',
      await store.listCards(kept.customerId),
      [kept],
      'listCards after removing one of two cards',
    );
    same('removeCard', await store.getCard(kept.id), kept, 'getCard of the card that was not removed');
    holds(
      'removeCard',
      (await store.removeCard(removed.id)) === false,
      'removeCard of an already removed card returned true',
    );
    holds(
      'removeCard',
      (await store.removeCard(`card_${f.run}_unknown`)) === false,
      'removeCard of an unknown card returned true',
    );
  });
}
