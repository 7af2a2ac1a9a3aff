import { CardBindingError, type NewWorkItem } from '@cardbind/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toStoreError } from '../src/driver-errors.js';
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
let sql: pg.Pool;
const keys = testKeys();
const opened: PostgresBindingStore[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  sql = inspectPool(db.url);
});

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close().catch(() => undefined)));
  await sql?.end();
  await db?.drop();
});

async function open(poolOptions: pg.PoolConfig = {}): Promise<PostgresBindingStore> {
  const store = await createPostgresBindingStore({
    connectionString: db.url,
    keys: keys.config,
    poolOptions,
  });
  opened.push(store);
  return store;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The pid of a backend of this database that waits on a lock with a statement matching `pattern`. */
function blockedBackend(pattern: string): Promise<number> {
  return waitFor(async () => {
    const result = await sql.query(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [pattern],
    );
    const pid: unknown = result.rows[0]?.pid;
    return typeof pid === 'number' ? pid : undefined;
  }, `a backend blocked on ${pattern}`);
}

function expectSafeRetryable(error: unknown, ...secrets: string[]): void {
  expect(CardBindingError.is(error, 'STORE_UNAVAILABLE')).toBe(true);
  expect(error).toMatchObject({ retryable: true });
  const visible = `${String(error)} ${JSON.stringify(error)} ${String(error instanceof Error ? error.cause : '')}`;
  for (const secret of secrets) expect(visible).not.toContain(secret);
}

describe('a database that goes away', () => {
  it('the server killing the connection mid-transaction is a retryable STORE_UNAVAILABLE, and nothing is half-written', async () => {
    const store = await open();
    const record = bindingRecord();
    await store.create(record, creationAudit(record));
    const token = newToken();

    // Hold the audit row's key in an open transaction: the update inserts card and audit row, then waits.
    const blocker = await sql.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO cardbind.binding_audit (binding_id, version, to_status, trigger, at) VALUES ($1, 1, 'failed', 'sweep', now())`,
      [record.id],
    );
    const update = store
      .update(
        record.id,
        0,
        { status: 'succeeded', updatedAt: record.updatedAt },
        { card: savedCard(record, token), audit: transitionAudit(record, 'succeeded') },
      )
      .catch((e: unknown) => e);
    const pid = await blockedBackend('%binding_audit%');
    await sql.query('SELECT pg_terminate_backend($1)', [pid]);
    const error = await update;
    await blocker.query('ROLLBACK');
    blocker.release();

    expectSafeRetryable(error, token, record.id, record.customer.id);
    expect(String(error)).toMatch(/admin shutdown|connection lost/);
    // The binding is as it was: no new version, no card, no audit row from the update.
    expect(await store.get(record.id)).toEqual(record);
    expect(await store.listCards(record.customer.id)).toEqual([]);
    expect(await store.listAudit(record.id)).toEqual([creationAudit(record)]);
    // And the store carries on with a fresh connection.
    const retried = await store.update(
      record.id,
      0,
      { status: 'succeeded', updatedAt: record.updatedAt },
      { card: savedCard(record, token), audit: transitionAudit(record, 'succeeded') },
    );
    expect(retried.ok && retried.card?.token).toBe(token);
  });

  it('the connection dying while the work items are written leaves no item, no card, no new version', async () => {
    const store = await open();
    const record = bindingRecord();
    await store.create(record, creationAudit(record));
    const item: NewWorkItem = {
      id: `evt_${record.id}.1`,
      kind: 'binding.event',
      bindingId: record.id,
      payload: { to: 'succeeded' },
      runAt: record.updatedAt,
      deadline: new Date(record.updatedAt.getTime() + 86_400_000),
    };
    // Hold the item's id in an open transaction: the update writes card and audit row, then waits on it.
    const blocker = await sql.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO cardbind.work_items (id, kind, binding_id, payload, status, run_at, deadline, created_at, updated_at)
       VALUES ($1, 'binding.event', $2, '{}', 'pending', now(), now(), now(), now())`,
      [item.id, record.id],
    );
    const update = store
      .update(
        record.id,
        0,
        { status: 'succeeded', updatedAt: record.updatedAt },
        { card: savedCard(record, newToken()), audit: transitionAudit(record, 'succeeded'), work: [item] },
      )
      .catch((e: unknown) => e);
    const pid = await blockedBackend('%work_items%');
    await sql.query('SELECT pg_terminate_backend($1)', [pid]);
    expectSafeRetryable(await update);
    await blocker.query('ROLLBACK');
    blocker.release();

    expect(await store.get(record.id)).toEqual(record);
    expect(await store.listCards(record.customer.id)).toEqual([]);
    expect(await store.listAudit(record.id)).toEqual([creationAudit(record)]);
    expect(await store.listWork({ bindingId: record.id })).toEqual([]);
  });

  it('survives the server dropping every idle connection (a restart, a failover)', async () => {
    const store = await open({ application_name: 'store-under-test' });
    const record = bindingRecord();
    await store.create(record, creationAudit(record));
    const killed = await sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'idle' AND application_name = 'store-under-test'`,
    );
    expect(killed.rowCount).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The pool noticed and dropped them; a call opens a new connection instead of crashing the process.
    expect(await store.get(record.id)).toEqual(record);
  });

  it('a full pool is a retryable STORE_UNAVAILABLE once the pool’s connection timeout passes', async () => {
    const store = await open({ max: 1, connectionTimeoutMillis: 200 });
    const record = bindingRecord();
    await store.create(record, creationAudit(record));
    // Lock the row so that one update holds the pool's only connection.
    const locker = await sql.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM cardbind.bindings WHERE id = $1 FOR UPDATE', [record.id]);
    const holding = store.update(
      record.id,
      0,
      { status: 'processing', updatedAt: record.updatedAt },
      {
        audit: transitionAudit(record, 'processing'),
      },
    );
    await blockedBackend('UPDATE%');
    const error = await store.get(record.id).catch((e: unknown) => e);
    expectSafeRetryable(error);
    expect(String(error)).toContain('pool exhausted');
    await locker.query('ROLLBACK');
    locker.release();
    expect((await holding).ok).toBe(true);
  });

  it('a server that refuses connections is a retryable STORE_UNAVAILABLE, already at start', async () => {
    const error = await createPostgresBindingStore({
      connectionString: 'postgres://postgres:pw-not-for-logs@127.0.0.1:1/nowhere',
      keys: keys.config,
    }).catch((e: unknown) => e);
    expectSafeRetryable(error, 'pw-not-for-logs', 'nowhere');
    expect(String(error)).toContain('ECONNREFUSED');
  });

  it('a store used after close() (an instance shutting down) fails with a retryable STORE_UNAVAILABLE', async () => {
    const store = await createPostgresBindingStore({ connectionString: db.url, keys: keys.config });
    await store.close();
    const error = await store.get('any').catch((e: unknown) => e);
    expectSafeRetryable(error);
    expect(String(error)).toContain('the store is closed');
  });

  it('a real serialization failure maps to a retryable STORE_UNAVAILABLE without the statement’s values', async () => {
    await sql.query('CREATE TABLE serial_probe (id int PRIMARY KEY, note text)');
    await sql.query(`INSERT INTO serial_probe VALUES (1, 'before')`);
    const [a, b] = [await sql.connect(), await sql.connect()];
    try {
      for (const client of [a, b]) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        await client.query('SELECT * FROM serial_probe');
      }
      await a.query(`UPDATE serial_probe SET note = 'first' WHERE id = 1`);
      const second = b
        .query(`UPDATE serial_probe SET note = $1 WHERE id = 1`, ['secret-value'])
        .catch((e: unknown) => e);
      await a.query('COMMIT');
      const driverError = await second;
      expect(driverError).toMatchObject({ code: '40001' });
      expectSafeRetryable(toStoreError(driverError, 'update'), 'secret-value', 'serial_probe');
    } finally {
      await b.query('ROLLBACK');
      a.release();
      b.release();
    }
  });
});
