import type { ChargeRecord, RefundRecord, RefundStatus } from '@cardbind/core';
import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, createdRefund, same, withChargeStore } from '../with-charge-store.js';

// Steps far before every other case's refunds (due 900 steps after the base time), so in a shared
// database the only refunds this case finds due are its own.
const E = -70_000;

/**
 * The reconciler's query for refunds whose answer was lost: `processing` refunds whose reconcileAt has
 * come (or is now), oldest first, at most `limit`; settled ones are left out even with a reconcileAt.
 */
export async function refundsToReconcileCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const fresh = f.succeededCharge({ amount: { minor: 1_000_000, currency: 'RUB' } });
    let charge: ChargeRecord = await createdCharge(
      'refundsToReconcile',
      store,
      fresh,
      f.creationAudit(fresh),
    );
    const made = async (dueStep: number | undefined, status: RefundStatus): Promise<RefundRecord> => {
      const { reconcileAt: _reconcileAt, ...refund } = f.refund(charge, {
        createdAt: f.at(E - 100),
        updatedAt: f.at(E - 100),
      });
      const created = await createdRefund(
        'refundsToReconcile',
        store,
        f,
        charge,
        dueStep === undefined ? refund : { ...refund, reconcileAt: f.at(E + dueStep) },
      );
      charge = created.charge;
      if (status === 'processing') return created.refund;
      const step = f.refundUpdate(created.refund, { status }, { step: E - 50 });
      const result = await store.updateRefund(refund.id, step);
      holds(
        'refundsToReconcile',
        result.ok,
        `the update of ${refund.id} to ${status} lost its compare-and-set`,
      );
      return result.refund;
    };
    const third = await made(3, 'processing');
    const first = await made(1, 'processing');
    const settled = [await made(0, 'succeeded'), await made(0, 'failed')];
    const second = await made(2, 'processing');
    const atNow = await made(5, 'processing');
    const notYet = await made(6, 'processing');
    const unscheduled = await made(undefined, 'processing');
    const own = new Set(
      [third, first, ...settled, second, atNow, notYet, unscheduled].map((refund) => refund.id),
    );
    const now = f.at(E + 5);

    const all = await store.listRefundsToReconcile(now, 1_000);
    for (const [index, refund] of all.entries()) {
      holds(
        'refundsToReconcile',
        refund.status === 'processing' &&
          refund.reconcileAt !== undefined &&
          refund.reconcileAt.getTime() <= now.getTime(),
        () =>
          `listRefundsToReconcile returned ${refund.id} (${refund.status}, reconcileAt ${refund.reconcileAt?.toISOString() ?? 'none'})`,
      );
      const previous = all[index - 1]?.reconcileAt;
      holds(
        'refundsToReconcile',
        previous === undefined || previous.getTime() <= refund.reconcileAt.getTime(),
        'listRefundsToReconcile is not oldest reconcileAt first',
      );
    }
    same(
      'refundsToReconcile',
      all.filter((refund) => own.has(refund.id)),
      [first, second, third, atNow],
      "listRefundsToReconcile (this case's refunds: the processing ones with reconcileAt <= now, oldest first)",
    );
    same(
      'refundsToReconcile',
      (await store.listRefundsToReconcile(now, 2)).map((refund) => refund.reconcileAt),
      all.slice(0, 2).map((refund) => refund.reconcileAt),
      'listRefundsToReconcile with limit 2 (the two oldest)',
    );
    same(
      'refundsToReconcile',
      (await store.listRefundsToReconcile(f.at(E), 1_000)).filter((refund) => own.has(refund.id)),
      [],
      'listRefundsToReconcile before any refund was due',
    );

    // Leave nothing due behind, so a later run on the same database finds none of these.
    for (const refund of [first, second, third, atNow, notYet, unscheduled, ...settled]) {
      await store.updateRefund(
        refund.id,
        f.refundUpdate(refund, { reconcileAt: null }, { step: E + 10, audit: false }),
      );
    }
  });
}
