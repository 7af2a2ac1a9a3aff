import type { ChargeAuditEntry, ChargeRecord, ChargeStore, RefundRecord } from '@cardbind/core';
import type { ChargeFixtures, PlannedRefundUpdate } from '../charge-fixtures.js';
import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, describeRefundResult, same, withChargeStore } from '../with-charge-store.js';

/**
 * The history never disagrees with the records: each winning write stores the audit rows given with
 * it (optional fields absent stay absent), a lost compare-and-set, a repeated create and a refund whose
 * charge lost its compare-and-set store none, and listChargeAudit returns the charge's and its refunds'
 * rows oldest first (by time, then the charge's before a refund's, then by version).
 */
export async function auditCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const { nextAction: _nextAction, ...fresh } = f.charge({ status: 'processing' });
    const creation = f.creationAudit(fresh);
    let charge = await createdCharge('audit', store, fresh, creation);
    const expectHistory = async (expected: (ChargeAuditEntry | undefined)[], label: string) => {
      const actual = await store.listChargeAudit(fresh.id);
      const [listed, wanted] = [actual, expected].map((rows) => rows.map(rowName).join(', '));
      const sameRows = [...actual.map(rowName)].sort().join() === [...expected.map(rowName)].sort().join();
      holds(
        'audit',
        listed === wanted || !sameRows,
        () => `listChargeAudit ${label} lists its rows as ${listed}, not oldest first (${wanted})`,
      );
      same('audit', actual, expected, `listChargeAudit ${label}`);
    };
    const updated = async (
      changes: Parameters<ChargeFixtures['update']>[1],
      options: Parameters<ChargeFixtures['update']>[2],
    ) => {
      const step = f.update(charge, changes, options);
      const result = await store.updateCharge(charge.id, step.cas);
      holds(
        'audit',
        result.ok,
        () => `updateCharge to version ${step.expected.version} lost its compare-and-set`,
      );
      charge = step.expected;
      return step.cas.audit;
    };

    const paid = await updated({ status: 'succeeded', reconcileAt: null }, { step: 1 });
    await expectHistory([creation, paid], 'after a charge update');

    const stale = f.update({ ...charge, version: 0 }, { status: 'failed' }, { step: 2 });
    holds(
      'audit',
      !(await store.updateCharge(charge.id, stale.cas)).ok,
      'an updateCharge on an old version won',
    );
    const duplicate = f.charge({ idempotencyKey: fresh.idempotencyKey });
    holds(
      'audit',
      !(await store.createCharge(duplicate, f.creationAudit(duplicate))).created,
      'a repeated createCharge created a charge',
    );
    await updated({ reconcileAttempts: 1 }, { step: 2, audit: false });
    await expectHistory(
      [creation, paid],
      'after a lost updateCharge, a repeated createCharge and an update given no audit row',
    );

    // Refund A holds its amount without a charge row; refund B's hold carries one, at B's own time.
    const refundA = f.refund(charge, {
      amount: { minor: 20_000, currency: 'RUB' },
      createdAt: f.at(3),
      updatedAt: f.at(3),
    });
    charge = await refundCreated(store, f, charge, refundA, false);
    const refundB = f.refund(charge, {
      amount: { minor: 5_000, currency: 'RUB' },
      createdAt: f.at(4),
      updatedAt: f.at(4),
    });
    const holdB = f.hold(charge, refundB, { audit: true });
    charge = await refundCreated(store, f, charge, refundB, true);
    const afterCreates = [
      creation,
      paid,
      f.refundCreationAudit(refundA),
      holdB.cas.audit,
      f.refundCreationAudit(refundB),
    ];
    await expectHistory(
      afterCreates,
      "after two createRefund calls (a hold's row comes before its refund's at one time)",
    );

    const conflicting = f.refund(charge, { createdAt: f.at(5), updatedAt: f.at(5) });
    const conflict = await store.createRefund(
      conflicting,
      f.refundCreationAudit(conflicting),
      f.hold({ ...charge, version: 1 }, conflicting, { audit: true }).cas,
    );
    holds(
      'audit',
      'conflict' in conflict,
      () => `createRefund on an old charge version returned ${describeRefundResult(conflict)}`,
    );
    const repeated = f.refund(charge, {
      idempotencyKey: refundA.idempotencyKey,
      createdAt: f.at(5),
      updatedAt: f.at(5),
    });
    const again = await store.createRefund(
      repeated,
      f.refundCreationAudit(repeated),
      f.hold(charge, repeated, { audit: true }).cas,
    );
    holds(
      'audit',
      'created' in again && !again.created,
      () => `a repeated createRefund returned ${describeRefundResult(again)}`,
    );
    await expectHistory(
      afterCreates,
      'after a createRefund that lost its charge compare-and-set and a repeated createRefund',
    );

    // The provider confirmed refund A: the refund's row and its charge's row share one time.
    const settleA = f.refundUpdate(refundA, { status: 'succeeded', reconcileAt: null }, { step: 6 });
    const releaseA = settled(f, charge, refundA, 6, true);
    holds(
      'audit',
      (await store.updateRefund(refundA.id, { ...settleA, charge: { id: charge.id, ...releaseA.cas } })).ok,
      'updateRefund of refund A lost its compare-and-set',
    );
    charge = releaseA.expected;
    const lostA = f.refundUpdate(refundA, { status: 'failed' }, { step: 7 });
    holds(
      'audit',
      !(await store.updateRefund(refundA.id, lostA)).ok,
      'an updateRefund on an old refund version won',
    );

    const declineB: PlannedRefundUpdate = f.refundUpdate(
      refundB,
      {
        status: 'failed',
        reconcileAt: null,
        failure: {
          code: 'PROVIDER_REJECTED',
          message: 'Refund refused',
          retryable: false,
          providerCode: 'R17',
        },
      },
      { step: 8 },
    );
    const releaseB = settled(f, charge, refundB, 8, false);
    holds(
      'audit',
      (await store.updateRefund(refundB.id, { ...declineB, charge: { id: charge.id, ...releaseB.cas } })).ok,
      'updateRefund of refund B lost its compare-and-set',
    );

    const other = f.succeededCharge();
    const otherCreation = f.creationAudit(other);
    await createdCharge('audit', store, other, otherCreation);
    await expectHistory(
      [...afterCreates, releaseA.cas.audit, settleA.audit, declineB.audit],
      "after the refunds settled (the charge's row before the refund's at one time; an update given no row writes none)",
    );
    same(
      'audit',
      await store.listChargeAudit(other.id),
      [otherCreation],
      'listChargeAudit of another charge',
    );
    holds('audit', declineB.audit?.failureCode === 'PROVIDER_REJECTED', 'the fixture lost the failure code');
  });
}

/** A row as `subject:version@time`, to show an order. */
function rowName(row: ChargeAuditEntry | undefined): string {
  return row === undefined ? 'none' : `${row.subject}:${row.version}@${row.at.toISOString().slice(11)}`;
}

async function refundCreated(
  store: ChargeStore,
  f: ChargeFixtures,
  charge: ChargeRecord,
  refund: RefundRecord,
  withChargeRow: boolean,
): Promise<ChargeRecord> {
  const hold = f.hold(charge, refund, { audit: withChargeRow });
  const result = await store.createRefund(refund, f.refundCreationAudit(refund), hold.cas);
  holds(
    'audit',
    'created' in result && result.created,
    () => `createRefund(${refund.id}) returned ${describeRefundResult(result)}`,
  );
  return hold.expected;
}

/** The charge step that settles `refund`: its amount leaves the hold (and counts as refunded when it succeeded). */
function settled(
  f: ChargeFixtures,
  charge: ChargeRecord,
  refund: RefundRecord,
  step: number,
  succeeded: boolean,
) {
  return f.update(
    charge,
    {
      refundingMinor: charge.refundingMinor - refund.amount.minor,
      ...(succeeded ? { refundedMinor: charge.refundedMinor + refund.amount.minor } : {}),
    },
    { step, trigger: 'refund', audit: succeeded },
  );
}
