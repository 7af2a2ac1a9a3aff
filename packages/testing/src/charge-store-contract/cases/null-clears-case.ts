import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, createdRefund, same, withChargeStore } from '../with-charge-store.js';

/**
 * ChargePatch and RefundPatch clear `nextAction` and `reconcileAt` with `null` (the charge is settled
 * and leaves the reconciler's list); a field the patch does not name keeps its value.
 */
export async function nullClearsCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const fresh = f.charge();
    let current = await createdCharge('nullClears', store, fresh, f.creationAudit(fresh));
    const steps = [
      { label: 'a patch naming neither', changes: { reconcileAttempts: 1 } },
      { label: 'nextAction: null', changes: { status: 'processing', nextAction: null } },
      { label: 'reconcileAt: null', changes: { status: 'succeeded', reconcileAt: null } },
      { label: 'a new reconcileAt after null', changes: { reconcileAt: f.at(800) } },
    ] as const;
    for (const { label, changes } of steps) {
      const step = f.update(current, changes);
      const result = await store.updateCharge(current.id, step.cas);
      holds('nullClears', result.ok, () => `updateCharge with ${label} lost its compare-and-set`);
      same('nullClears', result.record, step.expected, `updateCharge with ${label} returned`);
      same('nullClears', await store.getCharge(current.id), step.expected, `getCharge after ${label}`);
      current = step.expected;
    }
    holds('nullClears', current.nextAction === undefined, 'the fixture kept nextAction');

    const paid = f.succeededCharge({ reconcileAt: f.at(30) });
    const created = await createdCharge('nullClears', store, paid, f.creationAudit(paid));
    const { refund } = await createdRefund('nullClears', store, f, created, f.refund(created));
    const cleared = f.refundUpdate(refund, { status: 'succeeded', reconcileAt: null });
    const result = await store.updateRefund(refund.id, cleared);
    holds('nullClears', result.ok, 'updateRefund with reconcileAt: null lost its compare-and-set');
    same('nullClears', result.refund, cleared.expected, 'updateRefund with reconcileAt: null returned');
    same(
      'nullClears',
      await store.getRefund(refund.id),
      cleared.expected,
      'getRefund after reconcileAt: null',
    );
  });
}
