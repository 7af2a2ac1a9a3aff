import type { ChargeRecord, RefundRecord } from '@cardbind/core';
import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { same, withChargeStore } from '../with-charge-store.js';

/**
 * A store behaves like a database even in memory: it keeps its own copy of what it is given and hands
 * out copies, so a caller that mutates a charge, a patch, a refund or an audit row, before or after the
 * call, changes nothing stored.
 */
export async function copiesCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const given = f.charge({ reconcileAt: f.at(40) });
    const original = structuredClone(given);
    const audit = f.creationAudit(given);
    const originalAudit = structuredClone(audit);
    const result = await store.createCharge(given, audit);
    holds('copies', result.created, 'createCharge of a new charge returned created: false');
    scribbleCharge(given);
    audit.to = 'failed';
    audit.at.setTime(0);
    same(
      'copies',
      await store.getCharge(original.id),
      original,
      'getCharge after the caller changed the charge it created',
    );
    scribbleCharge(result.record);
    same(
      'copies',
      await store.getCharge(original.id),
      original,
      'getCharge after the caller changed what createCharge returned',
    );
    for (const [label, read] of [
      ['getCharge', () => store.getCharge(original.id)],
      [
        'findChargeByIdempotencyKey',
        () => store.findChargeByIdempotencyKey(original.customerId, original.idempotencyKey),
      ],
      ['listCharges', async () => (await store.listCharges({ customerId: original.customerId }))[0]],
      [
        'listChargesToReconcile',
        async () => (await store.listChargesToReconcile(f.at(40), 1_000)).find((c) => c.id === original.id),
      ],
    ] as const) {
      const first = await read();
      holds('copies', first !== undefined, () => `${label} did not find the charge`);
      scribbleCharge(first);
      same('copies', await read(), original, `${label} after the caller changed what ${label} returned`);
    }
    const history = await store.listChargeAudit(original.id);
    const [row] = history;
    holds('copies', row !== undefined, 'listChargeAudit returned no rows after createCharge');
    row.to = 'failed';
    row.at.setTime(0);
    history.push(originalAudit);
    same(
      'copies',
      await store.listChargeAudit(original.id),
      [originalAudit],
      'listChargeAudit after the caller changed what it returned',
    );

    const step = f.update(original, {
      providerRef: { ...original.providerRef, step: 'update' },
      reconcileAt: null,
    });
    const updated = await store.updateCharge(original.id, step.cas);
    holds('copies', updated.ok, 'updateCharge on the stored version lost its compare-and-set');
    step.cas.patch.updatedAt.setTime(0);
    step.cas.patch.providerRef = { changed: true };
    scribbleCharge(updated.record);
    same(
      'copies',
      await store.getCharge(original.id),
      step.expected,
      'getCharge after the caller changed the patch it passed and the charge updateCharge returned',
    );
    const lost = await store.updateCharge(original.id, { ...step.cas, patch: { updatedAt: f.at(9) } });
    holds('copies', !lost.ok, 'a stale updateCharge won');
    if (lost.current) scribbleCharge(lost.current);
    same(
      'copies',
      await store.getCharge(original.id),
      step.expected,
      'getCharge after the caller changed the current charge a lost update returned',
    );

    const charge = step.expected;
    const refund = f.refund(charge);
    const originalRefund = structuredClone(refund);
    const hold = f.hold(charge, refund);
    const created = await store.createRefund(refund, f.refundCreationAudit(refund), hold.cas);
    holds(
      'copies',
      'created' in created && created.created,
      'createRefund of a new refund did not create it',
    );
    scribbleRefund(refund);
    scribbleRefund(created.refund);
    scribbleCharge(created.charge);
    hold.cas.patch.refundingMinor = 0;
    same(
      'copies',
      await store.getRefund(refund.id),
      originalRefund,
      'getRefund after the caller changed the refund it passed and the one createRefund returned',
    );
    same(
      'copies',
      await store.getCharge(charge.id),
      hold.expected,
      'getCharge after the caller changed what createRefund took and returned',
    );
    for (const [label, read] of [
      ['getRefund', () => store.getRefund(originalRefund.id)],
      ['listRefunds', async () => (await store.listRefunds(charge.id))[0]],
      [
        'listRefundsToReconcile',
        async () =>
          (await store.listRefundsToReconcile(f.at(900), 1_000)).find((r) => r.id === originalRefund.id),
      ],
    ] as const) {
      const first = await read();
      holds('copies', first !== undefined, () => `${label} did not find the refund`);
      scribbleRefund(first);
      same(
        'copies',
        await read(),
        originalRefund,
        `${label} after the caller changed what ${label} returned`,
      );
    }
    const settle = f.refundUpdate(originalRefund, { status: 'succeeded', reconcileAt: null });
    const settled = await store.updateRefund(originalRefund.id, settle);
    holds('copies', settled.ok, 'updateRefund on the stored version lost its compare-and-set');
    scribbleRefund(settled.refund);
    settle.patch.updatedAt.setTime(0);
    same(
      'copies',
      await store.getRefund(originalRefund.id),
      settle.expected,
      'getRefund after the caller changed the patch it passed and the refund updateRefund returned',
    );
  });
}

/** Changes a charge in every way a careless caller might: nested objects, arrays, Money and dates. */
function scribbleCharge(record: ChargeRecord): void {
  record.status = 'failed';
  record.metadata.order = 'changed';
  record.amount.minor = 1;
  record.card.display.maskedPan = 'changed';
  record.card.createdAt.setTime(0);
  record.providerRef.orderId = 'changed';
  record.providerOptions.flow = 'changed';
  record.createdAt.setTime(0);
  record.reconcileAt?.setTime(0);
}

function scribbleRefund(refund: RefundRecord): void {
  refund.status = 'failed';
  refund.amount.minor = 1;
  refund.providerRef.refundOf = 'changed';
  refund.createdAt.setTime(0);
  refund.reconcileAt?.setTime(0);
}
