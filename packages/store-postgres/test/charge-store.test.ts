import { PGlite } from '@electric-sql/pglite';
import { CardBindingError } from '@cardbind/core';
import { describe, expect, it } from 'vitest';
import { createPgliteBindingStore } from '../src/index.js';
import {
  chargeCreationAudit,
  chargeRecord,
  refundCreationAudit,
  refundRecord,
} from './support/charge-fixtures.js';
import { storeOnTestDatabase } from './support/databases.js';
import { testKeys } from './support/fixtures.js';

// What the contract suite leaves to each store: its own errors, its limits and how it reads back rows.
const world = storeOnTestDatabase();
const BEYOND_SAFE = '9007199254740993';

describe('PostgreSQL charge store', () => {
  it('refuses to read an amount beyond Number.MAX_SAFE_INTEGER: corruption naming the field, never a rounded number', async () => {
    const charge = chargeRecord();
    await world.store.createCharge(charge, chargeCreationAudit(charge));
    await world.sql.query(`UPDATE cardbind.charges SET amount_minor = $2 WHERE id = $1`, [
      charge.id,
      BEYOND_SAFE,
    ]);
    const error = await world.store.getCharge(charge.id).catch((e: unknown) => e);
    expect(CardBindingError.is(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('amount_minor') });
    expect(String(error)).not.toContain(BEYOND_SAFE);
  });

  it('reads int8 the way each driver hands it out: a string from pg, a number or a BigInt from PGlite', async () => {
    const pglite = await PGlite.create();
    try {
      const store = await createPgliteBindingStore({ pglite, keys: testKeys().config });
      const charge = chargeRecord({ amount: { minor: Number.MAX_SAFE_INTEGER, currency: 'RUB' } });
      await store.createCharge(charge, chargeCreationAudit(charge));
      expect((await store.getCharge(charge.id))?.amount).toEqual(charge.amount);
      await pglite.query(`UPDATE cardbind.charges SET amount_minor = $2 WHERE id = $1`, [
        charge.id,
        BEYOND_SAFE,
      ]);
      await expect(store.getCharge(charge.id)).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        retryable: false,
      });
      await store.close();
    } finally {
      await pglite.close();
    }
  });

  it('a refund hold beyond the charged amount is REFUND_EXCEEDS_CHARGE and writes nothing (the CHECK behind the CAS)', async () => {
    const charge = chargeRecord({ status: 'succeeded', amount: { minor: 1_000, currency: 'RUB' } });
    await world.store.createCharge(charge, chargeCreationAudit(charge));
    const refund = refundRecord(charge, { amount: { minor: 1_001, currency: 'RUB' } });
    const hold = { expectedVersion: 0, patch: { refundingMinor: 1_001, updatedAt: charge.updatedAt } };
    await expect(world.store.createRefund(refund, refundCreationAudit(refund), hold)).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_CHARGE',
      retryable: false,
    });
    expect(await world.store.getRefund(refund.id)).toBeUndefined();
    expect(await world.store.getCharge(charge.id)).toEqual(charge);
    expect(await world.store.listChargeAudit(charge.id)).toHaveLength(1);
  });

  it('an id or provider order id another charge has is a retryable INVALID_STATE that writes nothing', async () => {
    const charge = chargeRecord();
    await world.store.createCharge(charge, chargeCreationAudit(charge));
    for (const clash of [
      chargeRecord({ id: charge.id }),
      chargeRecord({ provider: charge.provider, orderId: charge.orderId }),
    ]) {
      await expect(world.store.createCharge(clash, chargeCreationAudit(clash))).rejects.toMatchObject({
        code: 'INVALID_STATE',
        retryable: true,
      });
      expect(
        await world.store.findChargeByIdempotencyKey(clash.customerId, clash.idempotencyKey),
      ).toBeUndefined();
    }
    // The same order id at another provider is another order.
    const elsewhere = chargeRecord({ provider: 'payonline', orderId: charge.orderId });
    expect((await world.store.createCharge(elsewhere, chargeCreationAudit(elsewhere))).created).toBe(true);
  });

  it('keeps the token out of the charge: the card column is the card view', async () => {
    const charge = chargeRecord();
    await world.store.createCharge(charge, chargeCreationAudit(charge));
    const row = await world.sql.query(`SELECT card, card_id FROM cardbind.charges WHERE id = $1`, [
      charge.id,
    ]);
    expect(row.rows[0]).toEqual({
      card: { ...charge.card, createdAt: charge.card.createdAt.toISOString() },
      card_id: charge.card.id,
    });
  });

  it('a store whose database went away fails charge operations with a retryable STORE_UNAVAILABLE naming the operation', async () => {
    const pglite = await PGlite.create();
    const store = await createPgliteBindingStore({ pglite, keys: testKeys().config });
    await pglite.close();
    const charge = chargeRecord();
    for (const [name, call] of [
      ['createCharge', () => store.createCharge(charge, chargeCreationAudit(charge))],
      ['listCharges', () => store.listCharges({ customerId: charge.customerId })],
      [
        'updateRefund',
        () => store.updateRefund('r', { expectedVersion: 0, patch: { updatedAt: new Date() } }),
      ],
    ] as const) {
      const error = await call().catch((e: unknown) => e);
      expect(CardBindingError.is(error, 'STORE_UNAVAILABLE'), name).toBe(true);
      expect(error).toMatchObject({ retryable: true, message: expect.stringContaining(`(${name})`) });
    }
  });
});
