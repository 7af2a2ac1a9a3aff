import type { ChargeRecord, ChargeStatus } from '@cardbind/core';
import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, same, withChargeStore } from '../with-charge-store.js';

// Steps far before every other case's charges (which are due ten minutes after the fixtures' base
// time), so in a shared database the only charges this case finds due are its own.
const E = -60_000;

/**
 * The reconciler's query: open charges (processing, requires_action) whose reconcileAt has come (or is
 * now), oldest reconcileAt first, at most `limit`. Settled charges are left out even when a reconcileAt
 * was left on them, and so are open ones with time left or none set.
 */
export async function chargesToReconcileCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const made = async (dueStep: number | undefined, status: ChargeStatus): Promise<ChargeRecord> => {
      const { reconcileAt: _reconcileAt, ...fresh } = f.charge({
        createdAt: f.at(E - 100),
        updatedAt: f.at(E - 100),
      });
      const record = await createdCharge(
        'chargesToReconcile',
        store,
        dueStep === undefined ? fresh : { ...fresh, reconcileAt: f.at(E + dueStep) },
        f.creationAudit(fresh),
      );
      if (status === 'requires_action') return record;
      const step = f.update(record, { status }, { step: E - 50 });
      const result = await store.updateCharge(record.id, step.cas);
      holds(
        'chargesToReconcile',
        result.ok,
        `the update of ${record.id} to ${status} lost its compare-and-set`,
      );
      return result.record;
    };
    // Created out of order, so a store that returns them as inserted is caught.
    const third = await made(3, 'processing');
    const first = await made(1, 'requires_action');
    const settled = [await made(0, 'succeeded'), await made(0, 'failed')];
    const second = await made(2, 'processing');
    const atNow = await made(5, 'requires_action');
    const notYet = await made(6, 'processing');
    const unscheduled = await made(undefined, 'processing');
    const own = new Set(
      [third, first, ...settled, second, atNow, notYet, unscheduled].map((record) => record.id),
    );
    const now = f.at(E + 5);

    const all = await store.listChargesToReconcile(now, 1_000);
    for (const [index, record] of all.entries()) {
      holds(
        'chargesToReconcile',
        (record.status === 'processing' || record.status === 'requires_action') &&
          record.reconcileAt !== undefined &&
          record.reconcileAt.getTime() <= now.getTime(),
        () =>
          `listChargesToReconcile returned ${record.id} (${record.status}, reconcileAt ${record.reconcileAt?.toISOString() ?? 'none'})`,
      );
      const previous = all[index - 1]?.reconcileAt;
      holds(
        'chargesToReconcile',
        previous === undefined || previous.getTime() <= record.reconcileAt.getTime(),
        'listChargesToReconcile is not oldest reconcileAt first',
      );
    }
    same(
      'chargesToReconcile',
      all.filter((record) => own.has(record.id)),
      [first, second, third, atNow],
      "listChargesToReconcile (this case's charges: the open ones with reconcileAt <= now, oldest first)",
    );
    same(
      'chargesToReconcile',
      (await store.listChargesToReconcile(now, 2)).map((record) => record.reconcileAt),
      all.slice(0, 2).map((record) => record.reconcileAt),
      'listChargesToReconcile with limit 2 (the two oldest)',
    );
    same(
      'chargesToReconcile',
      (await store.listChargesToReconcile(f.at(E), 1_000)).filter((record) => own.has(record.id)),
      [],
      'listChargesToReconcile before any of the open charges was due',
    );

    // Leave nothing due behind, so a later run on the same database finds none of these.
    for (const record of [first, second, third, atNow, notYet, unscheduled, ...settled]) {
      await store.updateCharge(
        record.id,
        f.update(record, { reconcileAt: null }, { step: E + 10, audit: false }).cas,
      );
    }
  });
}
