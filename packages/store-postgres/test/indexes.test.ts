import type pg from 'pg';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCipher } from '../src/keys/token-cipher.js';
import { TokenKeys } from '../src/keys/token-keys.js';
import type { BindingRecord, NewWorkItem } from '@cardbind/core';
import { PostgresBindingStore } from '../src/postgres-binding-store.js';
import { PgSqlClient } from '../src/sql/pg-sql-client.js';
import { createTestDatabase, inspectPool, type TestDatabase } from './support/databases.js';
import {
  bindingRecord,
  creationAudit,
  newToken,
  savedCard,
  testKeys,
  transitionAudit,
  withCurrent,
} from './support/fixtures.js';
import { RecordingSqlClient } from './support/recording-sql-client.js';

let db: TestDatabase;
let sql: pg.Pool;
let recorder: RecordingSqlClient;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = inspectPool(db.url);
  recorder = new RecordingSqlClient(PgSqlClient.fromConnectionString(db.url));
});

afterAll(async () => {
  await recorder?.close();
  await sql?.end();
  await db?.drop();
});

/** Runs every operation of the store once, so the recorder holds every statement the store makes. */
async function exerciseEveryOperation(): Promise<void> {
  const keys = testKeys(['old', 'new']);
  const open = (current: string) =>
    new PostgresBindingStore(recorder, {
      schema: 'cardbind',
      cipher: new TokenCipher(TokenKeys.parse(withCurrent(keys, current).config)),
    });
  const before = open('old');
  await before.migrate();
  const store = open('new');
  const token = newToken();
  const record = bindingRecord({ idempotencyKey: 'k' });
  await before.create(record, creationAudit(record), [
    workItem(record, 'created'),
    workItem(record, 'after'),
  ]);
  await before.create(
    bindingRecord({ customer: record.customer, idempotencyKey: 'k' }),
    creationAudit(record),
  );
  await store.get(record.id);
  await store.findByIdempotencyKey(record.customer.id, 'k');
  await store.findByLookupKey(record.provider, record.lookupKeys[0] ?? '');
  await store.update(
    record.id,
    5,
    { status: 'processing', updatedAt: record.updatedAt },
    { audit: transitionAudit(record, 'processing') },
  );
  await before.update(
    record.id,
    0,
    { status: 'succeeded', updatedAt: record.updatedAt },
    {
      card: savedCard(record, token),
      audit: transitionAudit(record, 'succeeded'),
      work: [workItem(record, 'succeeded')],
    },
  );
  await exerciseWorkQueue(store, record);
  const again = bindingRecord({ customer: record.customer });
  await store.create(again, creationAudit(again));
  await store.update(
    again.id,
    0,
    { status: 'succeeded', updatedAt: again.updatedAt },
    {
      card: savedCard(again, token), // the same token: found by fingerprint
      audit: transitionAudit(again, 'succeeded'),
    },
  );
  await store.listAudit(record.id);
  const cards = await store.listCards(record.customer.id);
  await store.getCard(cards[0]?.id ?? '');
  await store.reencryptTokens({ batchSize: 10 });
  await store.purgeTerminalBindings({ olderThan: new Date('2030-01-01'), includeAudit: true });
  await store.removeCard(cards[0]?.id ?? '');
}

function workItem(record: BindingRecord, name: string): NewWorkItem {
  return {
    id: `${record.id}.${name}`,
    kind: 'binding.event',
    bindingId: record.id,
    payload: { name },
    runAt: record.updatedAt,
    deadline: new Date(record.updatedAt.getTime() + 86_400_000),
  };
}

/** Every WorkQueue statement: claims (any due, named ones), each settle, each listWork filter, the sweep's query. */
async function exerciseWorkQueue(store: PostgresBindingStore, record: BindingRecord): Promise<void> {
  const now = new Date(record.updatedAt.getTime() + 1_000);
  const [first, second] = await store.claimWork({ now, owner: 'w1', leaseMs: 1_000, limit: 2 });
  await store.claimWork({ now, owner: 'w1', leaseMs: 1_000, limit: 5, ids: [`${record.id}.succeeded`] });
  await store.completeWork(first?.id ?? '', 'w1', now);
  await store.retryWork(second?.id ?? '', 'w1', { runAt: now, errorCode: 'NETWORK_ERROR', now });
  await store.failWork(`${record.id}.succeeded`, 'w1', { errorCode: 'DEADLINE_PASSED', now });
  await store.listWork({});
  await store.listWork({ status: 'failed' });
  await store.listWork({ bindingId: record.id });
  await store.listWork({ status: 'pending', bindingId: record.id, limit: 10 });
  await store.listExpiredBindings(new Date('2030-01-01'), 100);
}

const PlanNode = z.looseObject({
  'Node Type': z.string(),
  'Index Name': z.string().optional(),
  /** INSERT … ON CONFLICT: the unique indexes that decide the conflict. */
  'Conflict Arbiter Indexes': z.array(z.string()).optional(),
  Plans: z.array(z.unknown()).optional(),
});

function nodesOf(plan: unknown): z.infer<typeof PlanNode>[] {
  const node = PlanNode.parse(plan);
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

describe('indexes', () => {
  it('every statement the store makes reads its tables through an index (EXPLAIN, enable_seqscan off)', async () => {
    await exerciseEveryOperation();
    // Statements on the store's tables; the migration runner's own (one-row table, at start only) aside.
    const statements = recorder.statements.filter(
      (s) =>
        /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)/i.test(s.text) &&
        /"cardbind"\.(?!schema_migrations)/.test(s.text),
    );
    expect(statements.length).toBeGreaterThan(15);
    const client = await sql.connect();
    const indexesUsed = new Set<string>();
    try {
      await client.query('SET enable_seqscan = off');
      for (const statement of statements) {
        const result = await client.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, [...statement.params]);
        const plan = z.array(z.object({ Plan: z.unknown() })).parse(result.rows[0]?.['QUERY PLAN'])[0]?.Plan;
        const nodes = nodesOf(plan);
        const seqScans = nodes.filter((node) => node['Node Type'] === 'Seq Scan');
        expect(seqScans, statement.text).toEqual([]);
        for (const node of nodes) {
          for (const name of [node['Index Name'], ...(node['Conflict Arbiter Indexes'] ?? [])]) {
            if (name) indexesUsed.add(name);
          }
        }
      }
    } finally {
      client.release();
    }
    expect([...indexesUsed].sort()).toEqual([
      'binding_audit_pkey',
      'binding_lookup_keys_pkey',
      'bindings_idempotency_key',
      'bindings_open_by_deadline',
      'bindings_pkey',
      'bindings_terminal_by_age',
      'cards_by_customer',
      'cards_by_token_key',
      'cards_pkey',
      'cards_token_fingerprint',
      'work_items_by_binding',
      'work_items_by_status',
      'work_items_due',
      'work_items_leased',
      'work_items_pkey',
    ]);
  });

  it('the planner picks the same indexes on its own once there are enough rows', async () => {
    // 5,000 bindings and cards: enough that a sequential scan costs more than the index.
    await sql.query(`
      INSERT INTO cardbind.bindings (id, version, provider, customer_id, customer, status, provider_ref, lookup_keys, metadata, created_at, updated_at, expires_at)
      SELECT 'bulk-' || i, 1, 'payture', 'customer-' || i, jsonb_build_object('id', 'customer-' || i),
             CASE WHEN i % 2 = 0 THEN 'succeeded' ELSE 'requires_action' END, '{}', '{}', '{}', now(), now() - (i || ' minutes')::interval, now()
        FROM generate_series(1, 5000) AS i;
      INSERT INTO cardbind.cards (id, provider, customer_id, binding_id, token_key_id, token_ciphertext, token_fingerprint, display, created_at)
      SELECT 'bulk-card-' || i, 'payture', 'customer-' || i, 'bulk-' || i, 'k1', '\\x00', decode(md5(i::text), 'hex'), '{}', now()
        FROM generate_series(1, 5000) AS i;
      ANALYZE cardbind.bindings; ANALYZE cardbind.cards;`);
    const planOf = async (text: string, params: unknown[]) => {
      const result = await sql.query(`EXPLAIN (FORMAT JSON) ${text}`, params);
      const plan = z.array(z.object({ Plan: z.unknown() })).parse(result.rows[0]?.['QUERY PLAN'])[0]?.Plan;
      return nodesOf(plan).flatMap((node) => (node['Index Name'] ? [node['Index Name']] : []));
    };
    expect(await planOf('SELECT * FROM cardbind.bindings WHERE id = $1', ['bulk-7'])).toContain(
      'bindings_pkey',
    );
    expect(
      await planOf('SELECT * FROM cardbind.cards WHERE customer_id = $1 ORDER BY created_at, id', [
        'customer-7',
      ]),
    ).toContain('cards_by_customer');
    expect(
      await planOf(
        `SELECT id FROM cardbind.bindings WHERE status IN ('succeeded', 'failed', 'expired') AND updated_at < $1 ORDER BY updated_at LIMIT 100`,
        [new Date(Date.now() - 4_000 * 60_000)],
      ),
    ).toContain('bindings_terminal_by_age');
    expect(
      await planOf(
        `SELECT * FROM cardbind.bindings WHERE status IN ('requires_action', 'processing') AND expires_at <= $1 ORDER BY expires_at LIMIT 100`,
        [new Date()],
      ),
    ).toContain('bindings_open_by_deadline');
  });

  it('with 50,000 work items, mostly done, claims read only the due and the leased ones', async () => {
    await sql.query(`
      INSERT INTO cardbind.work_items (id, kind, binding_id, payload, status, attempts, run_at, deadline, created_at, updated_at, lease_owner, lease_until)
      SELECT 'bulk-work-' || i, 'binding.event', 'bulk-' || (i % 5000), '{}',
             CASE i % 100 WHEN 0 THEN 'pending' WHEN 1 THEN 'running' WHEN 2 THEN 'failed' ELSE 'done' END,
             1, now() - (i || ' seconds')::interval, now() + interval '1 day', now() - (i || ' seconds')::interval, now(),
             CASE WHEN i % 100 = 1 THEN 'w' END, CASE WHEN i % 100 = 1 THEN now() - interval '1 minute' END
        FROM generate_series(1, 50000) AS i;
      ANALYZE cardbind.work_items;`);
    const plan = async (text: string, params: unknown[]) => {
      const result = await sql.query(`EXPLAIN (FORMAT JSON) ${text}`, params);
      return nodesOf(z.array(z.object({ Plan: z.unknown() })).parse(result.rows[0]?.['QUERY PLAN'])[0]?.Plan);
    };
    const claim = await plan(
      `SELECT id FROM cardbind.work_items
        WHERE (status = 'pending' AND run_at <= $1) OR (status = 'running' AND lease_until <= $1)
        ORDER BY run_at LIMIT 20 FOR UPDATE SKIP LOCKED`,
      [new Date()],
    );
    expect(claim.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    expect(claim.flatMap((node) => node['Index Name'] ?? [])).toEqual(
      expect.arrayContaining(['work_items_due', 'work_items_leased']),
    );
    const failed = await plan(
      `SELECT * FROM cardbind.work_items WHERE status = $1 ORDER BY created_at, id LIMIT 100`,
      ['failed'],
    );
    expect(failed.flatMap((node) => node['Index Name'] ?? [])).toEqual(['work_items_by_status']);
  });
});
