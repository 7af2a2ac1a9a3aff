import type { BindingRecord } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import { withCard } from '../store-fixtures.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';

/**
 * A store behaves like a database even in memory: it keeps its own copy of what it is given and hands
 * out copies, so a caller that mutates a record, a patch, a card or an audit row, before or after the
 * call, changes nothing stored.
 */
export async function copiesCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const given = f.binding();
    const original = structuredClone(given);
    const audit = f.creationAudit(given);
    const originalAudit = structuredClone(audit);
    const result = await store.create(given, audit);
    holds('copies', result.created, 'create of a new binding returned created: false');
    scribble(given);
    audit.to = 'failed';
    audit.at.setTime(0);
    same(
      'copies',
      await store.get(original.id),
      original,
      'get after the caller changed the record it created',
    );
    scribble(result.record);
    same(
      'copies',
      await store.get(original.id),
      original,
      'get after the caller changed what create returned',
    );

    for (const [label, read] of [
      ['get', () => store.get(original.id)],
      [
        'findByIdempotencyKey',
        () => store.findByIdempotencyKey(original.customer.id, original.idempotencyKey ?? ''),
      ],
      ['findByLookupKey', () => store.findByLookupKey(original.provider, original.lookupKeys[0] ?? '')],
    ] as const) {
      const first = await read();
      holds('copies', first !== undefined, () => `${label} did not find the binding`);
      scribble(first);
      same('copies', await read(), original, `${label} after the caller changed what ${label} returned`);
    }

    const history = await store.listAudit(original.id);
    const [row] = history;
    holds('copies', row !== undefined, 'listAudit returned no rows after create');
    row.to = 'expired';
    row.at.setTime(0);
    history.push(originalAudit);
    same(
      'copies',
      await store.listAudit(original.id),
      [originalAudit],
      'listAudit after the caller changed what listAudit returned',
    );

    const second = f.binding();
    const secondRecord = await created('copies', store, second, f.creationAudit(second));
    const step = f.update(secondRecord, { status: 'succeeded' });
    const bindingId = secondRecord.id;
    const card = f.card(secondRecord);
    const originalCard = structuredClone(card);
    const expected = withCard(structuredClone(step.expected), originalCard);
    const updated = await store.update(bindingId, step.expectedVersion, step.patch, {
      audit: step.audit,
      card,
    });
    holds('copies', updated.ok, 'a succeeding update lost its compare-and-set');
    step.patch.updatedAt.setTime(0);
    step.patch.status = 'failed';
    card.token = 'changed';
    card.display.maskedPan = 'changed';
    card.createdAt.setTime(0);
    same(
      'copies',
      await store.get(bindingId),
      expected,
      'get after the caller changed the patch and card it passed to update',
    );
    same(
      'copies',
      await store.getCard(card.id),
      originalCard,
      'getCard after the caller changed the card it passed to update',
    );
    scribble(updated.record);
    if (updated.card) updated.card.display.maskedPan = 'changed';
    same('copies', await store.get(bindingId), expected, 'get after the caller changed what update returned');
    same(
      'copies',
      await store.getCard(card.id),
      originalCard,
      'getCard after the caller changed the card update returned',
    );

    const [listed] = await store.listCards(card.customerId);
    holds('copies', listed !== undefined, 'listCards did not list the saved card');
    listed.token = 'changed';
    listed.display.maskedPan = 'changed';
    listed.createdAt.setTime(0);
    same(
      'copies',
      await store.listCards(card.customerId),
      [originalCard],
      'listCards after the caller changed what listCards returned',
    );
    const fetched = await store.getCard(card.id);
    holds('copies', fetched !== undefined, 'getCard did not find the saved card');
    fetched.display.holder = 'CHANGED';
    same(
      'copies',
      await store.getCard(card.id),
      originalCard,
      'getCard after the caller changed what getCard returned',
    );

    const lost = await store.update(bindingId, step.expectedVersion, step.patch, { audit: step.audit });
    holds('copies', !lost.ok, 'a stale update won');
    if (lost.current) scribble(lost.current);
    same(
      'copies',
      await store.get(bindingId),
      expected,
      'get after the caller changed the current record a lost update returned',
    );
  });
}

/** Changes a record in every way a careless caller might: nested objects, arrays and dates. */
function scribble(record: BindingRecord): void {
  record.status = 'failed';
  record.metadata.order = 'changed';
  record.customer.email = 'changed@example.test';
  record.lookupKeys.push('changed');
  record.providerRef.orderId = 'changed';
  if (record.nextAction?.type === 'form')
    record.nextAction.params.push({ name: 'changed', value: 'changed' });
  record.createdAt.setTime(0);
  record.expiresAt.setTime(0);
}
