import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, describeRefundResult, same, withChargeStore } from '../with-charge-store.js';

/**
 * createRefund is one atomic step: the refund, its audit row and the charge's compare-and-set (the
 * hold of the refund's amount, with its own audit row when given) are all written, or none is. A
 * refund with the same (chargeId, key) is returned as stored (created: false) and nothing changes,
 * whatever version the repeat expected; a stale or unknown charge is a conflict that writes nothing.
 */
export async function createRefundCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const fresh = f.succeededCharge();
    const creation = f.creationAudit(fresh);
    const charge = await createdCharge('createRefund', store, fresh, creation);
    const refund = f.refund(charge, { amount: { minor: 30_000, currency: 'RUB' } });
    const refundAudit = f.refundCreationAudit(refund);
    const hold = f.hold(charge, refund, { audit: true });
    const result = await store.createRefund(refund, refundAudit, hold.cas);
    holds(
      'createRefund',
      'created' in result && result.created,
      () => `createRefund of a new refund returned ${describeRefundResult(result)}`,
    );
    same('createRefund', result.refund, refund, 'createRefund(...).refund');
    same('createRefund', result.charge, hold.expected, 'createRefund(...).charge (the hold applied)');
    same('createRefund', await store.getRefund(refund.id), refund, 'getRefund after createRefund');
    same('createRefund', await store.getCharge(charge.id), hold.expected, 'getCharge after createRefund');
    same('createRefund', await store.listRefunds(charge.id), [refund], 'listRefunds after createRefund');
    const history = [creation, hold.cas.audit, refundAudit];
    same(
      'createRefund',
      await store.listChargeAudit(charge.id),
      history,
      'listChargeAudit after createRefund',
    );
    const held = hold.expected;

    const nothingChanged = async (label: string, ghostId: string) => {
      same('createRefund', await store.getCharge(charge.id), held, `getCharge after ${label}`);
      same('createRefund', await store.listRefunds(charge.id), [refund], `listRefunds after ${label}`);
      same('createRefund', await store.listChargeAudit(charge.id), history, `listChargeAudit after ${label}`);
      const ghost = await store.getRefund(ghostId);
      holds('createRefund', ghost === undefined, () => `${label} stored refund ${ghostId}`);
    };
    for (const [label, expectedVersion] of [
      ['a repeated createRefund on the current charge version', held.version],
      ['a repeated createRefund on an old charge version', charge.version],
    ] as const) {
      const repeat = f.refund(charge, {
        idempotencyKey: refund.idempotencyKey,
        amount: { minor: 5_000, currency: 'RUB' },
      });
      const repeatHold = f.hold({ ...held, version: expectedVersion }, repeat, { audit: true });
      const again = await store.createRefund(repeat, f.refundCreationAudit(repeat), repeatHold.cas);
      holds(
        'createRefund',
        'created' in again && !again.created,
        () => `${label} returned ${describeRefundResult(again)}, not created: false`,
      );
      same('createRefund', again.refund, refund, `${label} returned`);
      await nothingChanged(label, repeat.id);
    }

    const stale = f.refund(charge, { amount: { minor: 1_000, currency: 'RUB' } });
    const conflict = await store.createRefund(
      stale,
      f.refundCreationAudit(stale),
      f.hold(charge, stale, { audit: true }).cas,
    );
    holds(
      'createRefund',
      'conflict' in conflict,
      () => `createRefund on an old charge version returned ${describeRefundResult(conflict)}, not conflict`,
    );
    same('createRefund', conflict.charge, held, 'the charge a conflicting createRefund returned');
    await nothingChanged('a createRefund whose charge compare-and-set failed', stale.id);

    const unknownCharge = { ...charge, id: `chg_${f.run}_unknown` };
    const orphan = f.refund(unknownCharge);
    const noCharge = await store.createRefund(
      orphan,
      f.refundCreationAudit(orphan),
      f.hold(unknownCharge, orphan).cas,
    );
    holds(
      'createRefund',
      'conflict' in noCharge && noCharge.charge === undefined,
      () =>
        `createRefund on an unknown charge returned ${describeRefundResult(noCharge)}, not conflict with no charge`,
    );
    holds(
      'createRefund',
      (await store.getRefund(orphan.id)) === undefined,
      'createRefund on an unknown charge stored its refund',
    );
    same('createRefund', await store.listRefunds(unknownCharge.id), [], 'listRefunds of an unknown charge');

    // The same key on another charge is another refund; a charge's refunds are listed oldest first.
    const otherFresh = f.succeededCharge();
    let other = await createdCharge('createRefund', store, otherFresh, f.creationAudit(otherFresh));
    const sameKey = f.refund(other, {
      idempotencyKey: refund.idempotencyKey,
      createdAt: f.at(9),
      updatedAt: f.at(9),
    });
    const earlier = f.refund(other, { createdAt: f.at(7), updatedAt: f.at(7) });
    for (const next of [sameKey, earlier]) {
      const nextHold = f.hold(other, next);
      const made = await store.createRefund(next, f.refundCreationAudit(next), nextHold.cas);
      holds(
        'createRefund',
        'created' in made && made.created,
        () => `createRefund(${next.id}) on another charge returned ${describeRefundResult(made)}`,
      );
      other = nextHold.expected;
    }
    same(
      'createRefund',
      await store.listRefunds(other.id),
      [earlier, sameKey],
      'listRefunds of the other charge (oldest first)',
    );
    same(
      'createRefund',
      await store.listRefunds(charge.id),
      [refund],
      'listRefunds of the first charge after refunds of another',
    );
    const missing = await store.getRefund(`rfd_${f.run}_missing`);
    holds('createRefund', missing === undefined, 'getRefund of an unknown id found a refund');
  });
}
