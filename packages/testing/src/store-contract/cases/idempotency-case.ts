import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';

const RACING_CREATES = 10;

/**
 * (customer, idempotency key) names one binding: a second create with the pair returns the stored
 * binding unchanged (as it is now, not as first created) and writes nothing, also when the creates
 * race; the same key for another customer, or no key at all, is a new binding.
 */
export async function idempotencyCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const record = f.binding();
    const first = await created('idempotency', store, record, f.creationAudit(record));
    // The stored one has moved on since: a duplicate create must return it as it is now.
    const step = f.update(first);
    const moved = await store.update(first.id, step.expectedVersion, step.patch, { audit: step.audit });
    holds('idempotency', moved.ok, 'the first update of a new binding lost its compare-and-set');

    const duplicate = f.binding({ idempotencyKey: first.idempotencyKey, metadata: { attempt: 'second' } });
    const again = await store.create(duplicate, f.creationAudit(duplicate));
    holds(
      'idempotency',
      !again.created,
      () =>
        `a second create with the same (customer, idempotencyKey) returned created: true (${duplicate.id})`,
    );
    same('idempotency', again.record, step.expected, 'the duplicate create returned');
    const ghost = await store.get(duplicate.id);
    holds('idempotency', ghost === undefined, 'a duplicate create stored its record too');
    const ghostAudit = await store.listAudit(duplicate.id);
    holds(
      'idempotency',
      ghostAudit.length === 0,
      () => `a duplicate create wrote ${ghostAudit.length} audit rows`,
    );

    const key = first.idempotencyKey ?? '';
    same(
      'idempotency',
      await store.findByIdempotencyKey(first.customer.id, key),
      step.expected,
      'findByIdempotencyKey',
    );
    const otherCustomer = f.binding({ customer: f.customer('b'), idempotencyKey: key });
    const theirs = await store.create(otherCustomer, f.creationAudit(otherCustomer));
    holds(
      'idempotency',
      theirs.created,
      'the same idempotency key for another customer did not create a binding',
    );
    same(
      'idempotency',
      await store.findByIdempotencyKey(otherCustomer.customer.id, key),
      otherCustomer,
      'findByIdempotencyKey for the other customer',
    );
    const unknown = await store.findByIdempotencyKey(first.customer.id, `${key}_unknown`);
    holds('idempotency', unknown === undefined, 'findByIdempotencyKey of an unknown key found a binding');

    const { idempotencyKey: _a, ...keylessA } = f.binding();
    const { idempotencyKey: _b, ...keylessB } = f.binding();
    for (const keyless of [keylessA, keylessB]) {
      const result = await store.create(keyless, f.creationAudit(keyless));
      holds('idempotency', result.created, 'a binding without idempotency key was taken for a duplicate');
    }

    const racers = Array.from({ length: RACING_CREATES }, () =>
      f.binding({ customer: f.customer('racer'), idempotencyKey: `idem_${f.run}_race` }),
    );
    const results = await Promise.all(racers.map((record) => store.create(record, f.creationAudit(record))));
    const winners = results.filter((result) => result.created);
    holds(
      'idempotency',
      winners.length === 1,
      () =>
        `${RACING_CREATES} racing creates with one (customer, idempotencyKey) created ${winners.length} bindings, not 1`,
    );
    const winnerId = winners[0]?.record.id ?? '';
    holds(
      'idempotency',
      results.every((result) => result.record.id === winnerId),
      'racing creates with one key returned different bindings',
    );
    const history = await store.listAudit(winnerId);
    holds(
      'idempotency',
      history.length === 1,
      () => `the binding won by racing creates has ${history.length} audit rows, not 1`,
    );
  });
}
