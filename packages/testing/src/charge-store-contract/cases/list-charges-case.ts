import type { ChargeRecord } from '@cardbind/core';
import { holds } from '../charge-store-contract-violation.js';
import type { ChargeStoreFactory } from '../charge-store-under-test.js';
import { createdCharge, same, withChargeStore } from '../with-charge-store.js';

// Far after every other case's charges, so a `since` filter in a shared database finds only these.
const L = 200_000;
const DEFAULT_LIMIT = 100;

/**
 * listCharges: a customer's charges, or one card's, newest first; `since` keeps those created at or
 * after it; `limit` (default 100) keeps the newest. The records are the stored ones, updates included.
 */
export async function listChargesCase(factory: ChargeStoreFactory): Promise<void> {
  await withChargeStore(factory, async ({ store }, f) => {
    const customerId = f.customerId('lister');
    const otherCard = f.card(customerId, 'other');
    const made = async (step: number, overrides: Partial<ChargeRecord> = {}): Promise<ChargeRecord> => {
      const fresh = f.charge({
        customerId,
        createdAt: f.at(L + step),
        updatedAt: f.at(L + step),
        ...overrides,
      });
      return createdCharge('listCharges', store, fresh, f.creationAudit(fresh));
    };
    // Created out of order, so a store that lists in insertion order is caught.
    const second = await made(2, { card: otherCard });
    const first = await made(1);
    const fourth = await made(4, { card: otherCard });
    const third = await made(3);
    const step = f.update(third, { status: 'processing', nextAction: null }, { step: L + 5 });
    holds(
      'listCharges',
      (await store.updateCharge(third.id, step.cas)).ok,
      'updateCharge of a listed charge lost its compare-and-set',
    );
    const theirs = f.charge({
      customerId: f.customerId('someone-else'),
      createdAt: f.at(L + 6),
      updatedAt: f.at(L + 6),
    });
    await createdCharge('listCharges', store, theirs, f.creationAudit(theirs));
    const newestFirst = [fourth, step.expected, second, first];

    same(
      'listCharges',
      await store.listCharges({ customerId }),
      newestFirst,
      'listCharges of the customer (newest first, as stored now)',
    );
    same(
      'listCharges',
      await store.listCharges({ customerId, limit: 2 }),
      newestFirst.slice(0, 2),
      'listCharges of the customer with limit 2 (the newest two)',
    );
    same(
      'listCharges',
      await store.listCharges({ customerId, since: second.createdAt }),
      newestFirst.slice(0, 3),
      'listCharges of the customer since the second one was created (at or after)',
    );
    same(
      'listCharges',
      await store.listCharges({ cardId: otherCard.id }),
      [fourth, second],
      'listCharges of one card',
    );
    same(
      'listCharges',
      await store.listCharges({ customerId, cardId: otherCard.id, limit: 1 }),
      [fourth],
      'listCharges of the customer and the card, limit 1',
    );
    same(
      'listCharges',
      await store.listCharges({ customerId: f.customerId('nobody') }),
      [],
      'listCharges of a customer without charges',
    );

    const since = f.at(L + 3);
    const recent = await store.listCharges({ since });
    for (const [index, record] of recent.entries()) {
      holds(
        'listCharges',
        record.createdAt.getTime() >= since.getTime(),
        () =>
          `listCharges({ since }) returned ${record.id}, created ${record.createdAt.toISOString()}, before ${since.toISOString()}`,
      );
      const previous = recent[index - 1];
      holds(
        'listCharges',
        previous === undefined || previous.createdAt.getTime() >= record.createdAt.getTime(),
        'listCharges({ since }) is not newest first',
      );
    }
    const own = new Set([first, second, third, fourth, theirs].map((record) => record.id));
    same(
      'listCharges',
      recent.filter((record) => own.has(record.id)),
      [theirs, fourth, step.expected],
      "listCharges({ since }) (this case's charges of every customer)",
    );

    const many = f.customerId('many');
    const created: ChargeRecord[] = [];
    for (let n = 0; n <= DEFAULT_LIMIT; n += 1) {
      const fresh = f.charge({ customerId: many, createdAt: f.at(L + 10 + n), updatedAt: f.at(L + 10 + n) });
      created.push(await createdCharge('listCharges', store, fresh, f.creationAudit(fresh)));
    }
    same(
      'listCharges',
      (await store.listCharges({ customerId: many })).map((record) => record.id),
      created
        .slice(1)
        .reverse()
        .map((record) => record.id),
      `listCharges without a limit of a customer with ${DEFAULT_LIMIT + 1} charges (the newest ${DEFAULT_LIMIT})`,
    );
  });
}
