import { OTHER_PROVIDER } from '../store-fixtures.js';
import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';

/**
 * A provider's callback names its own order or session, not the binding: findByLookupKey finds the
 * binding by each of its keys, as it is now, and only within the provider that issued the key.
 */
export async function lookupKeysCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const record = f.binding();
    await created('lookupKeys', store, record, f.creationAudit(record));
    for (const key of record.lookupKeys) {
      same(
        'lookupKeys',
        await store.findByLookupKey(record.provider, key),
        record,
        `findByLookupKey(${record.provider}, ${key})`,
      );
    }
    const [sharedKey = ''] = record.lookupKeys;
    const elsewhere = await store.findByLookupKey(OTHER_PROVIDER, sharedKey);
    holds(
      'lookupKeys',
      elsewhere === undefined,
      `findByLookupKey found ${record.provider}'s binding under another provider`,
    );
    const unknown = await store.findByLookupKey(record.provider, `${sharedKey}_unknown`);
    holds('lookupKeys', unknown === undefined, 'findByLookupKey of an unknown key found a binding');

    // Another provider may issue the same key: each provider finds its own binding.
    const other = f.binding({ provider: OTHER_PROVIDER, lookupKeys: [sharedKey] });
    await created('lookupKeys', store, other, f.creationAudit(other));
    same(
      'lookupKeys',
      await store.findByLookupKey(OTHER_PROVIDER, sharedKey),
      other,
      `findByLookupKey(${OTHER_PROVIDER}, ${sharedKey})`,
    );
    same(
      'lookupKeys',
      await store.findByLookupKey(record.provider, sharedKey),
      record,
      `findByLookupKey(${record.provider}, ${sharedKey}) after ${OTHER_PROVIDER} used the key`,
    );

    const step = f.update(record);
    const result = await store.update(record.id, step.expectedVersion, step.patch, { audit: step.audit });
    holds('lookupKeys', result.ok, 'the first update of a new binding lost its compare-and-set');
    same(
      'lookupKeys',
      await store.findByLookupKey(record.provider, sharedKey),
      step.expected,
      'findByLookupKey after an update',
    );

    // A later outcome may add keys (a webhook naming an object created after init): the update that
    // carries them indexes them in the same step. A key another binding already holds stays with it.
    const holder = f.binding({ lookupKeys: ['held_elsewhere'] });
    await created('lookupKeys', store, holder, f.creationAudit(holder));
    const addedKeys = [...step.expected.lookupKeys, 'pi_added_later', 'held_elsewhere'];
    const adding = f.update(step.expected, { lookupKeys: addedKeys });
    const added = await store.update(record.id, adding.expectedVersion, adding.patch, {
      audit: adding.audit,
    });
    holds('lookupKeys', added.ok, 'the update adding lookup keys lost its compare-and-set');
    holds(
      'lookupKeys',
      added.ok && JSON.stringify(added.record.lookupKeys) === JSON.stringify(addedKeys),
      'the record does not list the lookup keys its update added',
    );
    same(
      'lookupKeys',
      await store.findByLookupKey(record.provider, 'pi_added_later'),
      adding.expected,
      'findByLookupKey of a key added by an update',
    );
    same(
      'lookupKeys',
      await store.findByLookupKey(record.provider, 'held_elsewhere'),
      holder,
      'findByLookupKey of a key another binding held first',
    );
  });
}
