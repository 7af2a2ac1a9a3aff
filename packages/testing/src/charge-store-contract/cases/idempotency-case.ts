import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, describeError, same, withChargeStore } from '../with-charge-store.js';

export const RACING_CHARGE_CREATES = 20;

/**
 * (customerId, idempotencyKey) names one charge: a second createCharge with the pair returns the
 * stored charge (as it is now, not as first created) with created: false and writes nothing, also
 * when 20 creates race; the same key for another customer is a charge of its own.
 */
export async function idempotencyCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const fresh = f.charge();
    const creation = f.creationAudit(fresh);
    const first = await createdCharge('idempotency', store, fresh, creation);
    // The stored one has moved on since: a repeated create must return it as it is now.
    const step = f.update(first, { status: 'processing', nextAction: null });
    const moved = await store.updateCharge(first.id, step.cas);
    holds('idempotency', moved.ok, 'the first updateCharge of a new charge lost its compare-and-set');

    const duplicate = f.charge({ idempotencyKey: first.idempotencyKey, metadata: { attempt: 'second' } });
    const again = await store.createCharge(duplicate, f.creationAudit(duplicate));
    holds(
      'idempotency',
      !again.created,
      () =>
        `a second createCharge with the same (customerId, idempotencyKey) returned created: true (${duplicate.id})`,
    );
    same('idempotency', again.record, step.expected, 'the repeated createCharge returned');
    holds(
      'idempotency',
      (await store.getCharge(duplicate.id)) === undefined,
      'a repeated createCharge stored its charge too',
    );
    same(
      'idempotency',
      await store.listChargeAudit(duplicate.id),
      [],
      "listChargeAudit of the repeated createCharge's id",
    );
    same(
      'idempotency',
      await store.listChargeAudit(first.id),
      [creation, step.cas.audit],
      'listChargeAudit of the first charge after a repeated createCharge',
    );
    same(
      'idempotency',
      await store.listCharges({ customerId: first.customerId }),
      [step.expected],
      'listCharges of the customer after a repeated createCharge',
    );

    const theirs = f.charge({ customerId: f.customerId('b'), idempotencyKey: first.idempotencyKey });
    const other = await store.createCharge(theirs, f.creationAudit(theirs));
    holds(
      'idempotency',
      other.created,
      'the same idempotency key for another customer did not create a charge',
    );
    same('idempotency', other.record, theirs, 'createCharge for the other customer returned');
    same(
      'idempotency',
      await store.findChargeByIdempotencyKey(theirs.customerId, theirs.idempotencyKey),
      theirs,
      'findChargeByIdempotencyKey for the other customer',
    );
    same(
      'idempotency',
      await store.findChargeByIdempotencyKey(first.customerId, first.idempotencyKey),
      step.expected,
      'findChargeByIdempotencyKey for the first customer',
    );

    const racers = Array.from({ length: RACING_CHARGE_CREATES }, () =>
      f.charge({ customerId: f.customerId('racer'), idempotencyKey: `idem_${f.run}_race` }),
    );
    const settled = await Promise.allSettled(
      racers.map((record) => store.createCharge(record, f.creationAudit(record))),
    );
    const results = settled.map((outcome, racer) => {
      holds(
        'idempotency',
        outcome.status === 'fulfilled',
        () =>
          `racing createCharge #${racer} threw instead of returning the winner: ${describeError(outcome.status === 'rejected' ? outcome.reason : undefined)}`,
      );
      return outcome.value;
    });
    const winners = results.filter((result) => result.created);
    holds(
      'idempotency',
      winners.length === 1,
      () =>
        `${RACING_CHARGE_CREATES} racing createCharge calls with one (customerId, idempotencyKey) created ${winners.length} charges, not 1`,
    );
    const winner = racers.find((record) => record.id === winners[0]?.record.id);
    for (const [racer, result] of results.entries()) {
      same(
        'idempotency',
        result.record,
        winner,
        `racing createCharge #${racer} returned (it must be the winner)`,
      );
    }
    same(
      'idempotency',
      (await store.listCharges({ customerId: f.customerId('racer') })).map((record) => record.id),
      [winner?.id],
      'listCharges of the racing customer',
    );
    const rows = (await Promise.all(racers.map((record) => store.listChargeAudit(record.id)))).flat();
    same(
      'idempotency',
      rows.map((row) => row.subjectId),
      [winner?.id],
      'the audit rows written by the racing creates (only the winner writes one)',
    );
  });
}
