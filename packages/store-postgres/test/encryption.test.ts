import {
  cardBindingModule,
  CardBindingError,
  CardBindingService,
  parseConfig,
  Secret,
  toCardView,
  type CardBindingListener,
  type SavedCard,
} from '@cardbind/core';
import { paytureModule } from '@cardbind/provider-payture';
import { startPaytureEmulator, TEST_CARDS } from '@cardbind/testing/emulators';
import { Container } from 'inversify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresBindingStore, StoreConfig, type PostgresBindingStore } from '../src/index.js';
import {
  chargeCreationAudit,
  chargeRecord,
  refundCreationAudit,
  refundRecord,
} from './support/charge-fixtures.js';
import { createTestDatabase, inspectPool, type TestDatabase } from './support/databases.js';
import {
  bindingRecord,
  creationAudit,
  newKey,
  newToken,
  savedCard,
  testKeys,
  transitionAudit,
  withCurrent,
  type TestKeys,
} from './support/fixtures.js';

const PAN = '4111111111111111';

let db: TestDatabase;
let sql: pg.Pool;
const opened: PostgresBindingStore[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  sql = inspectPool(db.url);
});

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await sql?.end();
  await db?.drop();
});

async function open(keys: TestKeys, schema = 'cardbind'): Promise<PostgresBindingStore> {
  const store = await createPostgresBindingStore({ connectionString: db.url, schema, keys: keys.config });
  opened.push(store);
  return store;
}

/** Saves one succeeded binding with a card; returns the card. */
async function saveCard(store: PostgresBindingStore, token = newToken()) {
  const record = bindingRecord({ metadata: { note: `card ending ${PAN.slice(-4)}` } });
  await store.create(record, creationAudit(record));
  const result = await store.update(
    record.id,
    0,
    { status: 'succeeded', updatedAt: record.updatedAt },
    { card: savedCard(record, token), audit: transitionAudit(record, 'succeeded') },
  );
  if (!result.ok || !result.card) throw new Error('card not saved');
  return result.card;
}

/** Charges `card` and refunds part of it: the charge tables hold the card's view, never its token. */
async function chargeCard(store: PostgresBindingStore, card: SavedCard): Promise<void> {
  const charge = chargeRecord({ customerId: card.customerId, card: toCardView(card), status: 'succeeded' });
  await store.createCharge(charge, chargeCreationAudit(charge));
  const refund = refundRecord(charge);
  const hold = {
    expectedVersion: 0,
    patch: { refundingMinor: refund.amount.minor, updatedAt: charge.updatedAt },
  };
  const result = await store.createRefund(refund, refundCreationAudit(refund), hold);
  if (!('created' in result) || !result.created) throw new Error('refund not created');
}

/** Every row of every table in the schema as text, bytea as hex: what a database dump would hold. */
async function dumpSchema(schema: string): Promise<string> {
  const tables = await sql.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [
    schema,
  ]);
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql.query(
      `SELECT row_to_json(t)::text AS row FROM "${schema}"."${String(table_name)}" t`,
    );
    parts.push(`-- ${String(table_name)}`, ...rows.rows.map((r) => String(r.row)));
  }
  return parts.join('\n');
}

function forms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  return [text, bytes.toString('hex'), bytes.toString('base64')];
}

describe('card tokens at rest', () => {
  it('a dump of every table (charges and refunds of the cards too) holds no token, no key and no card number', async () => {
    const keys = testKeys(['k1']);
    const store = await open(keys, 'dumped');
    const tokens = [newToken(), newToken(), newToken()];
    for (const token of tokens) await chargeCard(store, await saveCard(store, token));
    const dump = await dumpSchema('dumped');
    // Each table with its rows (a row follows the table's line).
    for (const table of ['cards', 'charges', 'refunds', 'charge_audit'])
      expect(dump).toContain(`-- ${table}\n{`);
    expect(dump).toContain('411111******1111'); // the masked number is there, as designed
    for (const secret of [...tokens.flatMap(forms), ...keys.material, PAN])
      expect(dump).not.toContain(secret);
    // And the store reads the tokens back.
    const cards = await sql.query(`SELECT customer_id FROM dumped.cards`);
    for (const row of cards.rows) {
      for (const card of await store.listCards(String(row.customer_id))) expect(tokens).toContain(card.token);
    }
  });

  it('the work items a real flow writes (binding snapshots for listeners) hold no token either', async () => {
    const keys = testKeys(['k1']);
    const store = await open(keys, 'dumped_work');
    const payture = await startPaytureEmulator();
    try {
      const container = new Container();
      const listener: CardBindingListener = { onTransition: () => undefined };
      container.load(
        cardBindingModule({ store, listeners: [listener] }),
        paytureModule({
          baseUrl: payture.baseUrl,
          allowLoopbackHttp: true,
          addTerminal: payture.addTerminal,
          terminalPassword: payture.terminalPassword,
          customerCredentials: { secret: 'derive-customer-passwords-with-this' },
          returnUrl: 'https://shop.example/cards/return',
        }),
      );
      const service = container.get(CardBindingService);
      const customer = { id: 'dump-customer', ip: '203.0.113.7' };
      const started = await service.start({ provider: 'payture', customer });
      if (started.nextAction?.type !== 'redirect') throw new Error('expected a redirect');
      const sessionId = new URL(started.nextAction.url).searchParams.get('SessionId') ?? '';
      await payture.completeAddSession(sessionId, { number: TEST_CARDS.success.number });
      const done = await service.finalise(started.id, { customerId: customer.id });
      await service.settled();
      expect(done.status).toBe('succeeded');
      const tokens = (await store.listCards(customer.id)).map((card) => card.token);
      expect(tokens).toHaveLength(1);

      const events = await store.listWork({ bindingId: started.id });
      expect(events.map((item) => item.kind)).toContain('binding.event');
      const dump = await dumpSchema('dumped_work');
      const workRows = dump.slice(dump.indexOf('-- work_items')).split('\n-- ')[0] ?? '';
      // The succeeded event's snapshot is there, with the card as the host sees it: masked, no token.
      expect(workRows).toMatch(/"to": ?"succeeded"/);
      expect(workRows).toContain('411111******1111');
      for (const secret of [...tokens.flatMap(forms), ...keys.material, TEST_CARDS.success.number])
        expect(dump).not.toContain(secret);
    } finally {
      await payture.close();
    }
  });

  it('keeps rows under an old key readable after rotation, and reencryptTokens moves them in batches', async () => {
    const keys = testKeys(['old', 'new']);
    const before = await open(withCurrent(keys, 'old'), 'rotation');
    const oldCards = [];
    for (let i = 0; i < 5; i += 1) oldCards.push(await saveCard(before));

    const after = await open(keys, 'rotation'); // current: 'new'
    const newCard = await saveCard(after);
    for (const card of oldCards) expect(await after.getCard(card.id)).toEqual(card);
    const keyIds = await sql.query(
      `SELECT token_key_id, count(*)::int AS n FROM rotation.cards GROUP BY 1 ORDER BY 1`,
    );
    expect(keyIds.rows).toEqual([
      { token_key_id: 'new', n: 1 },
      { token_key_id: 'old', n: 5 },
    ]);

    expect(await after.reencryptTokens({ batchSize: 2, maxBatches: 1 })).toEqual({
      reencrypted: 2,
      batches: 1,
      done: false,
    });
    expect(await after.reencryptTokens({ batchSize: 2 })).toEqual({ reencrypted: 3, batches: 2, done: true });
    expect(await after.reencryptTokens()).toEqual({ reencrypted: 0, batches: 0, done: true });

    // The old key can now be dropped from the configuration.
    const onlyNew = await open(
      { ...keys, config: { ...keys.config, keys: { new: keys.config.keys['new'] ?? new Secret('') } } },
      'rotation',
    );
    for (const card of [...oldCards, newCard]) expect(await onlyNew.getCard(card.id)).toEqual(card);
  });

  it('a row under a key that is not configured is CONFIG_INVALID naming the key id, not its material', async () => {
    const keys = testKeys(['gone']);
    const card = await saveCard(await open(keys, 'missing_key'));
    const other = testKeys(['k9']);
    const store = await open(
      { ...other, config: { ...other.config, fingerprintKey: keys.config.fingerprintKey } },
      'missing_key',
    );
    const error = await store.getCard(card.id).catch((e: unknown) => e);
    expect(CardBindingError.is(error, 'CONFIG_INVALID')).toBe(true);
    expect(String(error)).toContain('"gone"');
    for (const secret of [...keys.material, card.token])
      expect(JSON.stringify(error) + String(error)).not.toContain(secret);
  });

  it('binds each ciphertext to its card: a token copied into another row does not decrypt', async () => {
    const keys = testKeys();
    const store = await open(keys, 'tamper');
    const [a, b] = [await saveCard(store), await saveCard(store)];
    await sql.query(
      `UPDATE tamper.cards SET token_ciphertext = (SELECT token_ciphertext FROM tamper.cards WHERE id = $1) WHERE id = $2`,
      [a.id, b.id],
    );
    const error = await store.getCard(b.id).catch((e: unknown) => e);
    expect(CardBindingError.is(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error).toMatchObject({ retryable: false });
    expect(String(error)).not.toContain(a.token);
  });

  it('makes (provider, customer, token) unique by a keyed fingerprint, not by the token', async () => {
    const keys = testKeys();
    const store = await open(keys, 'fingerprints');
    const token = newToken();
    const card = await saveCard(store, token);
    const row = await sql.query(`SELECT token_fingerprint FROM fingerprints.cards WHERE id = $1`, [card.id]);
    const fingerprint: unknown = row.rows[0]?.token_fingerprint;
    expect(fingerprint).toBeInstanceOf(Buffer);
    expect(String(fingerprint)).not.toContain(token);
    // Another fingerprint key gives another fingerprint: a dump cannot be matched against guessed tokens.
    const elsewhere = await open(
      { ...keys, config: { ...keys.config, fingerprintKey: newKey().secret } },
      'fingerprints_2',
    );
    const again = await saveCard(elsewhere, token);
    const other = await sql.query(`SELECT token_fingerprint FROM fingerprints_2.cards WHERE id = $1`, [
      again.id,
    ]);
    expect(other.rows[0]?.token_fingerprint).not.toEqual(fingerprint);
  });
});

describe('key configuration', () => {
  const config = (keys: Record<string, Secret>, currentKeyId = 'k1') => ({
    connectionString: db.url,
    keys: { currentKeyId, keys, fingerprintKey: newKey().secret },
  });

  it.each([
    ['a 16-byte key', () => new Secret(Buffer.alloc(16, 7).toString('base64'))],
    ['text that is not base64', () => new Secret('this is not a key, it is a sentence!!!!!!!!!')],
  ])('refuses %s with CONFIG_INVALID naming the field, not the value', async (_name, makeKey) => {
    const key = makeKey();
    const error = await createPostgresBindingStore(config({ k1: key })).catch((e: unknown) => e);
    expect(CardBindingError.is(error, 'CONFIG_INVALID')).toBe(true);
    expect(error).toMatchObject({ field: 'keys.keys.k1' });
    expect(String(error)).toContain('must be 32 bytes, base64-encoded');
    expect(String(error) + JSON.stringify(error)).not.toContain(key.reveal());
  });

  it('refuses a current key id that names no key, and a key given as a plain string', async () => {
    await expect(createPostgresBindingStore(config({ k1: newKey().secret }, 'k2'))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      field: 'keys.currentKeyId',
    });
    // What a JavaScript host (no type checker) might pass: the key as a bare string.
    const untyped: unknown = {
      keys: { currentKeyId: 'k1', keys: { k1: newKey().base64 }, fingerprintKey: newKey().secret },
    };
    expect(() => parseConfig(StoreConfig, untyped, 'test')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', field: 'keys.keys.k1' }),
    );
  });
});
