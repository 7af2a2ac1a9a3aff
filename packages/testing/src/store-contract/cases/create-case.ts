import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { same, withStore } from '../with-store.js';

/**
 * A new binding is stored as given, every field (nested JSON, non-ASCII text, a form action) intact;
 * a binding with only the required fields comes back without the optional ones; an unknown id is
 * simply not there.
 */
export async function createCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const record = f.binding();
    const result = await store.create(record, f.creationAudit(record));
    holds('create', result.created, `create of a new binding returned created: false`);
    same('create', result.record, record, 'create(record).record');
    same('create', await store.get(record.id), record, `get(${record.id})`);

    const {
      nextAction: _nextAction,
      idempotencyKey: _idempotencyKey,
      returnUrl: _returnUrl,
      ...bare
    } = f.binding({ customer: { id: f.customer('bare').id }, lookupKeys: [], metadata: {}, providerRef: {} });
    const bareResult = await store.create(bare, f.creationAudit(bare));
    holds(
      'create',
      bareResult.created,
      'create of a binding without optional fields returned created: false',
    );
    same('create', await store.get(bare.id), bare, `get(${bare.id}) of a binding without optional fields`);

    const missing = await store.get(`bnd_${f.run}_missing`);
    holds('create', missing === undefined, () => `get of an unknown id returned ${missing?.id ?? ''}`);
  });
}
