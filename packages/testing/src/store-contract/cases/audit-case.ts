import type { AuditEntry, BindingRecord } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import type { PlannedUpdate } from '../store-fixtures.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';

/**
 * The history never disagrees with the record: create writes the creation row, each winning update
 * its row, as given (optional fields absent stay absent), and listAudit returns them oldest first; a
 * lost compare-and-set and an idempotent duplicate create write nothing.
 */
export async function auditCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const fresh = f.binding();
    const creation = f.creationAudit(fresh);
    let current: BindingRecord = await created('audit', store, fresh, creation);
    same('audit', await store.listAudit(fresh.id), [creation], 'listAudit after create');

    const written: AuditEntry[] = [creation];
    const apply = async (step: PlannedUpdate): Promise<void> => {
      const result = await store.update(current.id, step.expectedVersion, step.patch, { audit: step.audit });
      holds('audit', result.ok, () => `update to version ${step.audit.version} lost its compare-and-set`);
      written.push(step.audit);
      current = step.expected;
    };
    const returned = f.update(current, { status: 'processing' }, { trigger: 'return' });
    await apply({
      ...returned,
      audit: { ...returned.audit, requestId: `req_${f.run}`, sourceAddress: '198.51.100.23' },
    });
    await apply(f.update(current, { status: 'requires_action' }, { trigger: 'callback' }));
    const declined = {
      code: 'CARD_DECLINED',
      message: 'Declined',
      retryable: false,
      providerCode: 'D05',
    } as const;
    await apply(f.update(current, { status: 'failed', failure: declined }, { trigger: 'poll' }));
    same('audit', await store.listAudit(fresh.id), written, 'listAudit after three updates (oldest first)');

    const stale = f.update({ ...current, version: 1 }, { status: 'expired' }, { trigger: 'sweep' });
    const lost = await store.update(current.id, 1, stale.patch, { audit: stale.audit });
    holds('audit', !lost.ok, 'an update on an old version won');
    same('audit', await store.listAudit(fresh.id), written, 'listAudit after a lost compare-and-set');

    const duplicate = f.binding({ idempotencyKey: fresh.idempotencyKey });
    const again = await store.create(duplicate, f.creationAudit(duplicate));
    holds(
      'audit',
      !again.created,
      'a duplicate create (same customer and idempotency key) created a binding',
    );
    same('audit', await store.listAudit(fresh.id), written, 'listAudit after a duplicate create');
    same('audit', await store.listAudit(duplicate.id), [], "listAudit of the duplicate create's id");

    const other = f.binding();
    const otherCreation = f.creationAudit(other);
    await created('audit', store, other, otherCreation);
    same('audit', await store.listAudit(other.id), [otherCreation], 'listAudit of a second binding');
    same(
      'audit',
      await store.listAudit(fresh.id),
      written,
      'listAudit of the first binding after a second was created',
    );
    same('audit', await store.listAudit(`bnd_${f.run}_unknown`), [], 'listAudit of an unknown binding');
  });
}
