import type pg from 'pg';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCipher } from '../src/keys/token-cipher.js';
import { TokenKeys } from '../src/keys/token-keys.js';
import { PostgresBindingStore } from '../src/postgres-binding-store.js';
import { PgSqlClient } from '../src/sql/pg-sql-client.js';
import {
  chargeCreationAudit,
  chargeRecord,
  refundCreationAudit,
  refundRecord,
} from './support/charge-fixtures.js';
import { createTestDatabase, inspectPool, type TestDatabase } from './support/databases.js';
import { testKeys } from './support/fixtures.js';
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

/** The indexes some statement of the store was shown to read through. */
const proven = new Set<string>();
const CHARGE_TABLES = /"cardbind"\.(charges|refunds|charge_audit)\b/;

/** Runs every ChargeStore operation in each of its shapes, so the recorder holds every statement. */
async function exerciseEveryChargeOperation(): Promise<void> {
  const store = new PostgresBindingStore(recorder, {
    schema: 'cardbind',
    cipher: new TokenCipher(TokenKeys.parse(testKeys().config)),
  });
  await store.migrate();
  const charge = chargeRecord();
  const later = new Date(charge.createdAt.getTime() + 1_000);
  await store.createCharge(charge, chargeCreationAudit(charge));
  const repeat = chargeRecord({ customerId: charge.customerId, idempotencyKey: charge.idempotencyKey });
  await store.createCharge(repeat, chargeCreationAudit(repeat));
  await store.getCharge(charge.id);
  await store.findChargeByIdempotencyKey(charge.customerId, charge.idempotencyKey);
  for (const filter of [
    {},
    { customerId: charge.customerId },
    { cardId: charge.card.id },
    { since: charge.createdAt },
    { customerId: charge.customerId, since: charge.createdAt, limit: 5 },
    { customerId: charge.customerId, cardId: charge.card.id },
  ]) {
    await store.listCharges(filter);
  }
  const audit = { ...chargeCreationAudit(charge), version: 1, from: 'processing', to: 'succeeded' };
  await store.updateCharge(charge.id, {
    expectedVersion: 0,
    patch: { status: 'succeeded', updatedAt: later },
    audit,
  });
  await store.updateCharge(charge.id, { expectedVersion: 0, patch: { updatedAt: later } });
  await store.listChargesToReconcile(later, 10);
  const refund = refundRecord(charge);
  const hold = { expectedVersion: 1, patch: { refundingMinor: refund.amount.minor, updatedAt: later } };
  await store.createRefund(refund, refundCreationAudit(refund), hold);
  await store.createRefund(refund, refundCreationAudit(refund), hold);
  const stale = refundRecord(charge);
  await store.createRefund(stale, refundCreationAudit(stale), hold);
  await store.getRefund(refund.id);
  await store.listRefunds(charge.id);
  await store.updateRefund(refund.id, {
    expectedVersion: 0,
    patch: { reconcileAttempts: 1, updatedAt: later },
  });
  await store.updateRefund(refund.id, { expectedVersion: 0, patch: { updatedAt: later } });
  const release = {
    id: charge.id,
    expectedVersion: 2,
    patch: { refundingMinor: 0, refundedMinor: refund.amount.minor, updatedAt: later },
  };
  await store.updateRefund(refund.id, {
    expectedVersion: 1,
    patch: { status: 'succeeded', reconcileAt: null, updatedAt: later },
    charge: release,
  });
  await store.updateRefund(refund.id, {
    expectedVersion: 1,
    patch: { status: 'failed', updatedAt: later },
    charge: release,
  });
  await store.listRefundsToReconcile(later, 10);
  await store.listChargeAudit(charge.id);
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

async function planOf(session: pg.Pool | pg.PoolClient, text: string, params: readonly unknown[]) {
  const result = await session.query(`EXPLAIN (FORMAT JSON) ${text}`, [...params]);
  return nodesOf(z.array(z.object({ Plan: z.unknown() })).parse(result.rows[0]?.['QUERY PLAN'])[0]?.Plan);
}

function indexNames(nodes: z.infer<typeof PlanNode>[]): string[] {
  return nodes.flatMap((node) =>
    [node['Index Name'], ...(node['Conflict Arbiter Indexes'] ?? [])].flatMap((name) => name ?? []),
  );
}

describe('charge indexes', () => {
  it('every statement on the charge tables reads them through an index, and every index serves one (EXPLAIN, enable_seqscan off)', async () => {
    await exerciseEveryChargeOperation();
    const statements = recorder.statements.filter(
      (s) => /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)/i.test(s.text) && CHARGE_TABLES.test(s.text),
    );
    expect(statements.length).toBeGreaterThan(20);
    const client = await sql.connect();
    const used = new Set<string>();
    try {
      await client.query('SET enable_seqscan = off');
      for (const statement of statements) {
        const nodes = await planOf(client, statement.text, statement.params);
        expect(
          nodes.filter((node) => node['Node Type'] === 'Seq Scan'),
          statement.text,
        ).toEqual([]);
        for (const name of indexNames(nodes)) used.add(name);
      }
    } finally {
      client.release();
    }
    for (const name of used) proven.add(name);
    // On empty tables the planner may read findChargeByIdempotencyKey by either customer index: the
    // test below, with statistics, shows which one it takes.
    expect([...used].sort()).toEqual(
      expect.arrayContaining([
        'charge_audit_by_charge',
        'charges_by_age',
        'charges_by_card',
        'charges_by_customer',
        'charges_pkey',
        'charges_to_reconcile',
        'refunds_idempotency_key',
        'refunds_pkey',
        'refunds_to_reconcile',
      ]),
    );
  });

  it('with 20,000 charges, mostly settled, the planner picks the same indexes on its own', async () => {
    await sql.query(`
      INSERT INTO cardbind.charges (id, version, provider, customer_id, card_id, card, amount_minor, currency, metadata,
        idempotency_key, request_hash, order_id, status, provider_ref, refunded_minor, refunding_minor, provider_options,
        reconcile_at, reconcile_attempts, created_at, updated_at)
      SELECT 'bulk-' || i, 1, 'payture', 'customer-' || (i % 2000), 'card-' || (i % 4000), '{}', 1000, 'RUB', '{}',
             'key-' || i, 'hash', 'order-' || i,
             CASE WHEN i % 50 = 0 THEN 'processing' ELSE 'succeeded' END, '{}', 0, 0, '{}',
             CASE WHEN i % 50 = 0 THEN now() - (i || ' seconds')::interval END, 0,
             now() - (i || ' minutes')::interval, now()
        FROM generate_series(1, 20000) AS i;
      INSERT INTO cardbind.refunds (id, version, charge_id, customer_id, amount_minor, currency, idempotency_key,
        request_hash, status, provider_ref, reconcile_at, reconcile_attempts, created_at, updated_at)
      SELECT 'bulk-refund-' || i, 1, 'bulk-' || i, 'customer-' || (i % 2000), 100, 'RUB', 'key', 'hash',
             CASE WHEN i % 50 = 0 THEN 'processing' ELSE 'succeeded' END, '{}',
             CASE WHEN i % 50 = 0 THEN now() END, 0, now(), now()
        FROM generate_series(1, 20000) AS i;
      INSERT INTO cardbind.charge_audit (charge_id, subject, subject_id, version, to_status, trigger, at)
      SELECT 'bulk-' || i, 'charge', 'bulk-' || i, 0, 'processing', 'charge', now() FROM generate_series(1, 20000) AS i;
      ANALYZE cardbind.charges; ANALYZE cardbind.refunds; ANALYZE cardbind.charge_audit;`);
    const plans: [string, unknown[], string][] = [
      [
        'SELECT * FROM cardbind.charges WHERE customer_id = $1 AND idempotency_key = $2',
        ['customer-7', 'key-7'],
        'charges_idempotency_key',
      ],
      [
        'SELECT * FROM cardbind.charges WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100',
        ['customer-7'],
        'charges_by_customer',
      ],
      [
        'SELECT * FROM cardbind.charges WHERE card_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100',
        ['card-7'],
        'charges_by_card',
      ],
      ['SELECT * FROM cardbind.charges ORDER BY created_at DESC, id DESC LIMIT 100', [], 'charges_by_age'],
      [
        `SELECT * FROM cardbind.charges WHERE status IN ('processing', 'requires_action') AND reconcile_at <= $1 ORDER BY reconcile_at LIMIT 100`,
        [new Date()],
        'charges_to_reconcile',
      ],
      [
        `SELECT * FROM cardbind.refunds WHERE status = 'processing' AND reconcile_at <= $1 ORDER BY reconcile_at LIMIT 100`,
        [new Date()],
        'refunds_to_reconcile',
      ],
      [
        'SELECT * FROM cardbind.refunds WHERE charge_id = $1 ORDER BY created_at, id',
        ['bulk-7'],
        'refunds_idempotency_key',
      ],
      [
        'SELECT * FROM cardbind.charge_audit WHERE charge_id = $1 ORDER BY at, subject, version, subject_id',
        ['bulk-7'],
        'charge_audit_by_charge',
      ],
    ];
    for (const [text, params, index] of plans) {
      const nodes = await planOf(sql, text, params);
      expect(
        nodes.map((node) => node['Node Type']),
        text,
      ).not.toContain('Seq Scan');
      expect(indexNames(nodes), text).toContain(index);
      proven.add(index);
    }
  });

  it('every index of the charge tables is one a statement above reads through, but the constraint-only ones', async () => {
    const defined = await sql.query(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'cardbind' AND tablename IN ('charges', 'refunds', 'charge_audit') ORDER BY indexname`,
    );
    // Constraints no statement reads by: one audit row per version of a record, one charge per
    // provider order id (a clash lands in createCharge's ON CONFLICT DO NOTHING).
    const constraintsOnly = ['charge_audit_pkey', 'charges_order_id'];
    expect(
      defined.rows.map((row) => String(row.indexname)).filter((name) => !constraintsOnly.includes(name)),
    ).toEqual([...proven].sort());
  });
});
