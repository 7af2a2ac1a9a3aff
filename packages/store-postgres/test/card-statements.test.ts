import { type BindingPatch, type BindingRecord, toCardView } from '@cardbind/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCipher } from '../src/keys/token-cipher.js';
import { TokenKeys } from '../src/keys/token-keys.js';
import { PostgresBindingStore } from '../src/postgres-binding-store.js';
import { PgSqlClient } from '../src/sql/pg-sql-client.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import {
  bindingRecord,
  creationAudit,
  newToken,
  savedCard,
  testKeys,
  transitionAudit,
} from './support/fixtures.js';
import { RecordingSqlClient } from './support/recording-sql-client.js';

let db: TestDatabase;
let recorder: RecordingSqlClient;
let store: PostgresBindingStore;

beforeAll(async () => {
  db = await createTestDatabase();
  recorder = new RecordingSqlClient(PgSqlClient.fromConnectionString(db.url));
  store = new PostgresBindingStore(recorder, {
    schema: 'cardbind',
    cipher: new TokenCipher(TokenKeys.parse(testKeys().config)),
  });
  await store.migrate();
});

afterAll(async () => {
  await recorder?.close();
  await db?.drop();
});

/** Saves `token` as `record`'s card in one compare-and-set; returns the result and the UPDATEs it ran. */
async function succeedWith(record: BindingRecord, token: string) {
  const card = savedCard(record, token);
  const patch: BindingPatch = { status: 'succeeded', updatedAt: card.createdAt, card: toCardView(card) };
  const before = recorder.statements.length;
  const result = await store.update(record.id, record.version, patch, {
    card,
    audit: transitionAudit(record, 'succeeded'),
  });
  const updates = recorder.statements
    .slice(before)
    .filter((statement) => /^\s*UPDATE\b/i.test(statement.text));
  return { card, result, updates };
}

describe('a transition that saves a card', () => {
  it('names the new card in its compare-and-set: one UPDATE of the binding', async () => {
    const record = bindingRecord();
    await store.create(record, creationAudit(record));
    const { card, result, updates } = await succeedWith(record, newToken());
    expect(updates).toHaveLength(1);
    expect(result).toMatchObject({ ok: true, card: { id: card.id } });
    const stored = await store.get(record.id);
    expect(stored?.card).toEqual(toCardView(card));
    expect(result.ok && result.record).toEqual(stored);
  });

  it('repoints the binding at the card the customer already had with that token (a second UPDATE then)', async () => {
    const token = newToken();
    const first = bindingRecord();
    await store.create(first, creationAudit(first));
    const kept = await succeedWith(first, token);

    const second = bindingRecord({ customer: first.customer });
    await store.create(second, creationAudit(second));
    const { result, updates } = await succeedWith(second, token);
    expect(updates).toHaveLength(2);
    expect(result).toMatchObject({ ok: true, card: { id: kept.card.id } });
    const stored = await store.get(second.id);
    expect(stored?.card).toEqual(toCardView(kept.card));
    expect(result.ok && result.record).toEqual(stored);
  });
});
