import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresBindingStore, migratePostgresSchema } from '@cardbind/store-postgres';
import { startPaytureEmulator, type PaytureEmulator } from '@cardbind/testing/emulators';
import { createTestDatabase, type TestDatabase } from '../../test-support/postgres/index.js';
import { benchStoreKeys } from '../src/postgres/bench-server.js';
import { floorCharge } from '../src/postgres/floor-charge.js';
import {
  BENCH_CHARGE_KOPECKS,
  bindCards,
  paytureChargeHost,
  serviceCharge,
} from '../src/payture/charge-host.js';
import { directPay, seedWalletCards } from '../src/payture/direct-pay.js';
import { gotPoster } from '../src/payture/form-poster.js';
import { CustomerPool } from '../src/payture/service-flow.js';

// The floors are only fair if they do the work the service does, no more and no less: the same Pay on
// the wire, and rows the store itself reads back as a settled charge.

describe('the direct Pay floor', () => {
  let emulator: PaytureEmulator;
  beforeAll(async () => (emulator = await startPaytureEmulator()));
  afterAll(() => emulator.close());

  it('sends the Pay the provider sends: same terminal, same DATA fields, one debit each', async () => {
    const host = paytureChargeHost(emulator);
    const [card] = await bindCards(host, emulator, new CustomerPool(emulator, 'test-svc-'), 1);
    if (!card) throw new Error('no card bound');
    await serviceCharge(host, card);
    const service = emulator.requests.at(-1);

    const poster = gotPoster();
    try {
      const [wallet] = seedWalletCards(emulator, new CustomerPool(emulator, 'test-floor-'), 1);
      if (!wallet) throw new Error('no card seeded');
      const orderId = await directPay(emulator, poster, wallet, BENCH_CHARGE_KOPECKS);
      const floor = emulator.requests.at(-1);

      expect(floor?.command).toBe('Pay');
      expect(service?.command).toBe('Pay');
      expect(floor?.vwid).toBe(service?.vwid);
      expect(Object.keys(floor?.data ?? {}).sort()).toEqual(Object.keys(service?.data ?? {}).sort());
      expect(floor?.data['Amount']).toBe(service?.data['Amount']);
      expect(emulator.debits(orderId)).toEqual({ count: 1, amount: BENCH_CHARGE_KOPECKS });
    } finally {
      await poster.close();
    }
  });

  it('draws a fresh order id every time (the emulator refuses a reused one)', async () => {
    const poster = gotPoster();
    try {
      const [wallet] = seedWalletCards(emulator, new CustomerPool(emulator, 'test-fresh-'), 1);
      if (!wallet) throw new Error('no card seeded');
      const first = await directPay(emulator, poster, wallet, BENCH_CHARGE_KOPECKS);
      const second = await directPay(emulator, poster, wallet, BENCH_CHARGE_KOPECKS);
      expect(second).not.toBe(first);
    } finally {
      await poster.close();
    }
  });
});

describe('the PostgreSQL charge floor', () => {
  const schema = 'floor_check';
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it("writes rows the store reads back as a succeeded charge with the service's two audit rows", async () => {
    await migratePostgresSchema({ pool, schema });
    const card = { id: 'card_1', customerId: 'floor-1', bindingId: 'bnd_1' };
    const id = await floorCharge(pool, schema, card, BENCH_CHARGE_KOPECKS);

    const store = await createPostgresBindingStore({ pool, keys: benchStoreKeys(), schema, migrate: false });
    const charge = await store.getCharge(id);
    expect(charge).toMatchObject({
      version: 1,
      status: 'succeeded',
      orderId: id,
      amount: { minor: BENCH_CHARGE_KOPECKS, currency: 'RUB' },
      card: { id: card.id, customerId: card.customerId },
    });
    expect(charge?.reconcileAt).toBeUndefined();
    const audit = await store.listChargeAudit(id);
    expect(audit.map((entry) => [entry.from, entry.to, entry.trigger])).toEqual([
      [null, 'processing', 'charge'],
      ['processing', 'succeeded', 'charge'],
    ]);
    expect(await store.listCharges({ cardId: card.id })).toHaveLength(1);
  });
});
