import type { BindingRecord } from '@cardbind/core';
import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, same, withStore } from '../with-store.js';

/**
 * `update` applies its patch only when the stored version is the expected one, bumping the version
 * by one; on any other version it writes nothing (no patch, no card, no audit row) and returns the
 * stored record, and on an unknown id it returns `current: undefined`.
 */
export async function compareAndSetCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const fresh = f.binding();
    const record = await created('compareAndSet', store, fresh, f.creationAudit(fresh));
    let current: BindingRecord = record;
    for (const status of ['processing', 'requires_action', 'processing'] as const) {
      const step = f.update(current, { status, providerRef: { ...current.providerRef, step: status } });
      const result = await store.update(current.id, step.expectedVersion, step.patch, { audit: step.audit });
      holds(
        'compareAndSet',
        result.ok,
        () => `update on the stored version ${step.expectedVersion} lost its compare-and-set`,
      );
      same(
        'compareAndSet',
        result.record,
        step.expected,
        `update to version ${step.expected.version} returned`,
      );
      holds('compareAndSet', result.card === undefined, 'an update without a card returned a card');
      same(
        'compareAndSet',
        await store.get(current.id),
        step.expected,
        `get after the update to version ${step.expected.version}`,
      );
      current = step.expected;
    }

    const failed = f.update(current, {
      status: 'failed',
      failure: {
        code: 'CARD_DECLINED',
        message: 'The card was declined',
        retryable: false,
        providerCode: 'D51',
      },
    });
    const final = await store.update(current.id, failed.expectedVersion, failed.patch, {
      audit: failed.audit,
    });
    holds('compareAndSet', final.ok, 'an update to failed lost its compare-and-set');
    same('compareAndSet', await store.get(current.id), failed.expected, 'get after the update to failed');
    const stored = failed.expected;

    for (const version of [stored.version - 1, 0, stored.version + 1]) {
      const stale = f.update({ ...stored, version }, { status: 'succeeded' });
      const card = f.card(stored);
      const lost = await store.update(stored.id, version, stale.patch, { audit: stale.audit, card });
      holds(
        'compareAndSet',
        !lost.ok,
        () => `update with expected version ${version} won although the stored version is ${stored.version}`,
      );
      same(
        'compareAndSet',
        lost.current,
        stored,
        `a lost update (expected version ${version}) returned as current`,
      );
      same(
        'compareAndSet',
        await store.get(stored.id),
        stored,
        `get after a lost update (expected version ${version})`,
      );
      const cards = await store.listCards(stored.customer.id);
      holds(
        'compareAndSet',
        cards.length === 0,
        () => `a lost update saved its card (${cards.length} cards)`,
      );
    }

    const unknownId = `bnd_${f.run}_unknown`;
    const step = f.update({ ...record, id: unknownId });
    const unknown = await store.update(unknownId, 0, step.patch, { audit: step.audit });
    holds(
      'compareAndSet',
      !unknown.ok && unknown.current === undefined,
      () =>
        `update of an unknown id returned ${JSON.stringify(unknown)}, not { ok: false, current: undefined }`,
    );
    holds(
      'compareAndSet',
      (await store.get(unknownId)) === undefined,
      'update of an unknown id created the binding',
    );
    const unknownAudit = await store.listAudit(unknownId);
    holds('compareAndSet', unknownAudit.length === 0, 'update of an unknown id wrote an audit row');
  });
}
