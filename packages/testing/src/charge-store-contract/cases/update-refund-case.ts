import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, createdRefund, same, withChargeStore } from '../with-charge-store.js';

/**
 * updateRefund is a compare-and-set on the refund and, when given, on its charge, in one atomic step:
 * both apply or neither does. A stale charge version leaves the refund as it was, a stale refund
 * version leaves the charge as it was, and neither writes an audit row; an unknown refund is
 * `refund: undefined`.
 */
export async function updateRefundCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const fresh = f.succeededCharge();
    const created = await createdCharge('updateRefund', store, fresh, f.creationAudit(fresh));
    const first = await createdRefund(
      'updateRefund',
      store,
      f,
      created,
      f.refund(created, { amount: { minor: 30_000, currency: 'RUB' } }),
    );
    let refund = first.refund;
    const charge = first.charge;

    // A refund-only step (the reconciler's claim): no charge, no audit row.
    const claim = f.refundUpdate(refund, { reconcileAt: f.at(950), reconcileAttempts: 1 }, { audit: false });
    const claimed = await store.updateRefund(refund.id, claim);
    holds('updateRefund', claimed.ok, 'updateRefund on the stored version lost its compare-and-set');
    same('updateRefund', claimed.refund, claim.expected, 'updateRefund without a charge returned');
    same(
      'updateRefund',
      await store.getRefund(refund.id),
      claim.expected,
      'getRefund after updateRefund without a charge',
    );
    same(
      'updateRefund',
      await store.getCharge(charge.id),
      charge,
      'getCharge after updateRefund without a charge',
    );
    refund = claim.expected;
    const history = await store.listChargeAudit(charge.id);

    const settle = f.refundUpdate(refund, {
      status: 'succeeded',
      reconcileAt: null,
      providerRef: { ...refund.providerRef, voided: true },
    });
    const release = (version: number) =>
      f.update(
        { ...charge, version },
        {
          refundingMinor: charge.refundingMinor - refund.amount.minor,
          refundedMinor: charge.refundedMinor + refund.amount.minor,
        },
        { trigger: 'refund', step: 21 },
      );
    const unchanged = async (label: string) => {
      same('updateRefund', await store.getRefund(refund.id), refund, `getRefund after ${label}`);
      same('updateRefund', await store.getCharge(charge.id), charge, `getCharge after ${label}`);
      same('updateRefund', await store.listChargeAudit(charge.id), history, `listChargeAudit after ${label}`);
    };

    const staleCharge = release(charge.version - 1);
    const lostOnCharge = await store.updateRefund(refund.id, {
      ...settle,
      charge: { id: charge.id, ...staleCharge.cas },
    });
    holds(
      'updateRefund',
      !lostOnCharge.ok,
      () => `updateRefund with a stale charge version (${charge.version - 1}, stored ${charge.version}) won`,
    );
    same(
      'updateRefund',
      lostOnCharge.refund,
      refund,
      'the refund an updateRefund lost on its charge returned',
    );
    same(
      'updateRefund',
      lostOnCharge.charge,
      charge,
      'the charge an updateRefund lost on its charge returned',
    );
    await unchanged('an updateRefund with a stale charge version');

    const staleRefund = f.refundUpdate({ ...refund, version: refund.version - 1 }, { status: 'succeeded' });
    const lostOnRefund = await store.updateRefund(refund.id, {
      ...staleRefund,
      charge: { id: charge.id, ...release(charge.version).cas },
    });
    holds(
      'updateRefund',
      !lostOnRefund.ok,
      () => `updateRefund with a stale refund version (${refund.version - 1}, stored ${refund.version}) won`,
    );
    same(
      'updateRefund',
      lostOnRefund.refund,
      refund,
      'the refund an updateRefund lost on the refund returned',
    );
    same(
      'updateRefund',
      lostOnRefund.charge,
      charge,
      'the charge an updateRefund lost on the refund returned',
    );
    await unchanged('an updateRefund with a stale refund version (and a current charge version)');

    const staleAlone = await store.updateRefund(refund.id, staleRefund);
    holds('updateRefund', !staleAlone.ok, 'updateRefund with a stale refund version and no charge won');
    same(
      'updateRefund',
      staleAlone.refund,
      refund,
      'the refund a lost updateRefund without a charge returned',
    );
    await unchanged('a lost updateRefund without a charge');

    const unknownId = `rfd_${f.run}_unknown`;
    const unknown = await store.updateRefund(unknownId, {
      ...f.refundUpdate({ ...refund, id: unknownId }),
      charge: { id: charge.id, ...release(charge.version).cas },
    });
    holds(
      'updateRefund',
      !unknown.ok && unknown.refund === undefined,
      () => `updateRefund of an unknown refund returned ${JSON.stringify(unknown)}`,
    );
    await unchanged('updateRefund of an unknown refund (with a current charge version)');

    const releasing = release(charge.version);
    const both = await store.updateRefund(refund.id, {
      ...settle,
      charge: { id: charge.id, ...releasing.cas },
    });
    holds(
      'updateRefund',
      both.ok,
      'updateRefund on the stored refund and charge versions lost its compare-and-set',
    );
    same('updateRefund', both.refund, settle.expected, 'updateRefund with a charge returned as refund');
    same('updateRefund', both.charge, releasing.expected, 'updateRefund with a charge returned as charge');
    same(
      'updateRefund',
      await store.getRefund(refund.id),
      settle.expected,
      'getRefund after updateRefund with a charge',
    );
    same(
      'updateRefund',
      await store.getCharge(charge.id),
      releasing.expected,
      'getCharge after updateRefund with a charge',
    );
    const rows = await store.listChargeAudit(charge.id);
    same(
      'updateRefund',
      rows.slice(history.length).sort((a, b) => (a.subject < b.subject ? -1 : 1)),
      [releasing.cas.audit, settle.audit],
      'the audit rows updateRefund with a charge wrote (one for each)',
    );
  });
}
