import type { BindingStatus } from '@cardbind/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresBindingStore, type PostgresBindingStore } from '../src/index.js';
import { createTestDatabase, inspectPool, type TestDatabase } from './support/databases.js';
import {
  bindingRecord,
  creationAudit,
  newToken,
  savedCard,
  testKeys,
  transitionAudit,
} from './support/fixtures.js';

let db: TestDatabase;
let store: PostgresBindingStore;
let sql: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  store = await createPostgresBindingStore({ connectionString: db.url, keys: testKeys().config });
  sql = inspectPool(db.url);
});

afterAll(async () => {
  await store?.close();
  await sql?.end();
  await db?.drop();
});

const CUTOFF = new Date('2026-06-01T00:00:00Z');

/** A binding that moved to `status` at `endedAt` (or stayed open, created then). */
async function bindingEndedAt(status: BindingStatus, endedAt: Date) {
  const record = bindingRecord({ createdAt: endedAt, updatedAt: endedAt });
  await store.create(record, creationAudit(record));
  if (status === 'requires_action') return { record, card: undefined };
  const result = await store.update(
    record.id,
    0,
    { status, updatedAt: endedAt },
    {
      ...(status === 'succeeded' ? { card: savedCard(record, newToken()) } : {}),
      audit: transitionAudit(record, status),
    },
  );
  if (!result.ok) throw new Error('update lost');
  return { record: result.record, card: result.card };
}

async function seed() {
  const old = new Date(CUTOFF.getTime() - 86_400_000);
  const recent = new Date(CUTOFF.getTime() + 86_400_000);
  return {
    purged: [
      await bindingEndedAt('succeeded', old),
      await bindingEndedAt('failed', old),
      await bindingEndedAt('expired', old),
    ],
    kept: [await bindingEndedAt('succeeded', recent), await bindingEndedAt('requires_action', old)],
  };
}

describe('purgeTerminalBindings', () => {
  it('deletes terminal bindings that ended before the cutoff with their lookup keys, keeping cards and history', async () => {
    const { purged, kept } = await seed();
    expect(await store.purgeTerminalBindings({ olderThan: CUTOFF, batchSize: 2 })).toEqual({
      bindings: 3,
      auditRows: 0,
    });
    for (const { record } of purged) {
      expect(await store.get(record.id)).toBeUndefined();
      expect(await store.findByLookupKey(record.provider, record.lookupKeys[0] ?? '')).toBeUndefined();
      expect(await store.listAudit(record.id)).toHaveLength(2);
    }
    const card = purged[0]?.card;
    expect(card && (await store.getCard(card.id))).toEqual(card);
    for (const { record } of kept) expect(await store.get(record.id)).toEqual(record);
    const orphans = await sql.query(
      `SELECT count(*)::int AS n FROM cardbind.binding_lookup_keys k
        WHERE NOT EXISTS (SELECT 1 FROM cardbind.bindings b WHERE b.id = k.binding_id)`,
    );
    expect(orphans.rows[0]?.n).toBe(0);
  });

  it('with includeAudit also deletes the purged bindings’ audit rows', async () => {
    const { purged, kept } = await seed();
    const result = await store.purgeTerminalBindings({ olderThan: CUTOFF, includeAudit: true });
    expect(result).toEqual({ bindings: 3, auditRows: 6 });
    for (const { record } of purged) expect(await store.listAudit(record.id)).toEqual([]);
    for (const { record } of kept) expect((await store.listAudit(record.id)).length).toBeGreaterThan(0);
  });

  it('refuses options that make no sense with CONFIG_INVALID', async () => {
    await expect(store.purgeTerminalBindings({ olderThan: CUTOFF, batchSize: 0 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      field: 'batchSize',
    });
  });
});
