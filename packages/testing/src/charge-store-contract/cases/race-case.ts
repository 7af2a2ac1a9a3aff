import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, describeError, same, withChargeStore } from '../with-charge-store.js';

export const RACING_CHARGE_UPDATES = 20;

/**
 * The first call, the customer's action and the reconciler all act on one charge: of 20 updateCharge
 * calls on one version exactly one wins, every loser is told the winner's charge, and the store holds
 * the winner's patch and its audit row only.
 */
export async function raceCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const fresh = f.charge({ status: 'processing' });
    const creation = f.creationAudit(fresh);
    const record = await createdCharge('race', store, fresh, creation);
    const steps = Array.from({ length: RACING_CHARGE_UPDATES }, (_, racer) =>
      f.update(
        record,
        { status: racer % 2 === 0 ? 'succeeded' : 'failed', providerRef: { ...record.providerRef, racer } },
        { step: racer + 1, trigger: racer % 3 === 0 ? 'reconcile' : 'action' },
      ),
    );
    const settled = await Promise.allSettled(steps.map((step) => store.updateCharge(record.id, step.cas)));
    const results = settled.map((outcome, racer) => {
      holds(
        'race',
        outcome.status === 'fulfilled',
        () =>
          `racing updateCharge #${racer} threw instead of answering ok: false: ${describeError(outcome.status === 'rejected' ? outcome.reason : undefined)}`,
      );
      return outcome.value;
    });
    const winners = results.flatMap((result, racer) => (result.ok ? [racer] : []));
    holds(
      'race',
      winners.length === 1,
      () =>
        `${RACING_CHARGE_UPDATES} racing updateCharge calls on version 0 gave ${winners.length} winners, not 1`,
    );
    const [winner = 0] = winners;
    const expected = steps[winner]?.expected;
    for (const [racer, result] of results.entries()) {
      if (result.ok) same('race', result.record, expected, `the winner's (#${winner}) record`);
      else
        same(
          'race',
          result.current,
          expected,
          `loser #${racer}'s current (it must see the winner #${winner})`,
        );
    }
    same('race', await store.getCharge(record.id), expected, 'getCharge after the race');
    same(
      'race',
      await store.listChargeAudit(record.id),
      [creation, steps[winner]?.cas.audit],
      'listChargeAudit after the race',
    );
  });
}
