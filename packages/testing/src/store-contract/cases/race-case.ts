import { holds } from '../store-contract-violation.js';
import type { StoreFactory } from '../store-under-test.js';
import { created, describeError, same, withStore } from '../with-store.js';

export const RACING_UPDATES = 50;

/**
 * Many instances act on one binding at once (a return, a callback, a poll): of 50 updates issued
 * together on one version exactly one wins, every loser is told the winner's record, and the store
 * holds the winner's patch and its audit row only.
 */
export async function raceCase(factory: StoreFactory): Promise<void> {
  await withStore(factory, async ({ store }, f) => {
    const fresh = f.binding();
    const record = await created('race', store, fresh, f.creationAudit(fresh));
    const steps = Array.from({ length: RACING_UPDATES }, (_, racer) =>
      f.update(record, { providerRef: { ...record.providerRef, racer } }, { step: racer + 1 }),
    );
    const settled = await Promise.allSettled(
      steps.map((step) => store.update(record.id, step.expectedVersion, step.patch, { audit: step.audit })),
    );
    const results = settled.map((outcome, racer) => {
      holds(
        'race',
        outcome.status === 'fulfilled',
        () =>
          `racing update #${racer} threw instead of answering ok: false: ${describeError(outcome.status === 'rejected' ? outcome.reason : undefined)}`,
      );
      return outcome.value;
    });
    const winners = results.flatMap((result, racer) => (result.ok ? [racer] : []));
    holds(
      'race',
      winners.length === 1,
      () => `${RACING_UPDATES} racing updates on version 0 gave ${winners.length} winners, not 1`,
    );
    const [winner = 0] = winners;
    const expected = steps[winner]?.expected;
    same(
      'race',
      results[winner]?.ok ? results[winner].record : undefined,
      expected,
      `the winner's (#${winner}) record`,
    );
    for (const [racer, result] of results.entries()) {
      if (result.ok) continue;
      same('race', result.current, expected, `loser #${racer}'s current (it must see the winner #${winner})`);
    }
    same('race', await store.get(record.id), expected, 'get after the race');
    const history = await store.listAudit(record.id);
    same(
      'race',
      history.map((entry) => entry.version),
      [0, 1],
      'the audit versions after the race',
    );
    same('race', history[1], steps[winner]?.audit, "the race's audit row");
  });
}
