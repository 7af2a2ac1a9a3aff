import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CardBindingError } from '@cardbind/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresBindingStore,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  MigrationResult,
  migratePostgresSchema,
} from '../src/index.js';
import { initial } from '../src/migrations/0001-initial.js';
import { ensureBuilt } from './support/built-package.js';
import { createTestDatabase, inspectPool, type TestDatabase } from './support/databases.js';
import { bindingRecord, creationAudit, testKeys } from './support/fixtures.js';

const MIGRATE_PROCESS = fileURLToPath(new URL('./fixtures/migrate-process.mjs', import.meta.url));

let db: TestDatabase;
let sql: pg.Pool;

beforeAll(async () => {
  [db] = await Promise.all([createTestDatabase(), ensureBuilt()]);
  sql = inspectPool(db.url);
});

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

function migrateInChildProcess(url: string): Promise<MigrationResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MIGRATE_PROCESS, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => {
      if (code === 0) resolve(MigrationResult.parse(JSON.parse(out)));
      else reject(new Error(`migrate process exited with ${code}: ${err}`));
    });
  });
}

async function waitingOnAdvisoryLock(): Promise<number> {
  const result = await sql.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
  );
  return Number(result.rows[0]?.n);
}

describe('migrations', () => {
  it('two processes migrating one database at once: both wait on the lock, the schema is applied once', async () => {
    // Hold the migration lock ourselves so that both processes are certainly inside migrate() together.
    const holder = await sql.connect();
    await holder.query(`SELECT pg_advisory_lock(hashtext('cardbind.store-postgres'), hashtext('cardbind'))`);
    const both = Promise.all([migrateInChildProcess(db.url), migrateInChildProcess(db.url)]);
    try {
      const deadline = Date.now() + 15_000;
      while ((await waitingOnAdvisoryLock()) < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await waitingOnAdvisoryLock()).toBe(2);
    } finally {
      await holder.query(
        `SELECT pg_advisory_unlock(hashtext('cardbind.store-postgres'), hashtext('cardbind'))`,
      );
      holder.release();
    }
    const results = await both;
    expect(results.map((r) => r.applied).sort()).toEqual([[], MIGRATIONS.map((step) => step.version)]);
    for (const result of results) expect(result.to).toBe(LATEST_SCHEMA_VERSION);
    const rows = await sql.query('SELECT version, name FROM cardbind.schema_migrations ORDER BY version');
    expect(rows.rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect(rows.rows.map((row) => String(row.name))).toEqual(['initial', 'work-queue', 'charges']);
  });

  it('refuses a database whose schema is newer than the code, with or without migrating', async () => {
    await sql.query('CREATE SCHEMA future');
    await sql.query(
      `CREATE TABLE future.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await sql.query(
      `INSERT INTO future.schema_migrations (version, name, checksum) VALUES (999, 'from-the-future', 'x')`,
    );
    for (const migrate of [true, false]) {
      const error = await createPostgresBindingStore({
        connectionString: db.url,
        schema: 'future',
        keys: testKeys().config,
        migrate,
      }).catch((e: unknown) => e);
      expect(CardBindingError.is(error, 'CONFIG_INVALID')).toBe(true);
      expect(error).toMatchObject({ retryable: false });
      expect(String(error)).toContain(
        `"future" is at version 999, newer than this @cardbind/store-postgres knows (${LATEST_SCHEMA_VERSION})`,
      );
    }
    // Nothing of ours was created next to the newer schema.
    const tables = await sql.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'future'`,
    );
    expect(tables.rows).toEqual([{ table_name: 'schema_migrations' }]);
  });

  it('with migrate: false refuses a schema that is behind, naming migrate()', async () => {
    const error = await createPostgresBindingStore({
      connectionString: db.url,
      schema: 'never_migrated',
      keys: testKeys().config,
      migrate: false,
    }).catch((e: unknown) => e);
    expect(CardBindingError.is(error, 'CONFIG_INVALID')).toBe(true);
    expect(String(error)).toContain(
      `is at version 0, this package needs ${LATEST_SCHEMA_VERSION}: call migrate()`,
    );
  });

  it('upgrades a schema of the first release (version 1) in place: rows kept, the work queue added', async () => {
    // Version 1 exactly as the first release applied it, with a binding in flight.
    await sql.query('CREATE SCHEMA release_one');
    await sql.query(
      `CREATE TABLE release_one.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const v1 = await sql.connect();
    try {
      await v1.query('SET search_path TO release_one');
      await v1.query(initial.sql);
      await v1.query('RESET search_path');
    } finally {
      v1.release();
    }
    await sql.query(
      `INSERT INTO release_one.schema_migrations (version, name, checksum) VALUES (1, 'initial', $1)`,
      [createHash('sha256').update(initial.sql, 'utf8').digest('hex')],
    );
    const open = bindingRecord({ expiresAt: new Date('2026-12-01T10:00:00Z') });
    await sql.query(
      `INSERT INTO release_one.bindings (id, version, provider, customer_id, customer, status, next_action, provider_ref, lookup_keys, metadata, created_at, updated_at, expires_at)
       VALUES ($1, 0, $2, $3, $4, 'requires_action', $10, $5, $6, $7, $8, $8, $9)`,
      [
        open.id,
        open.provider,
        open.customer.id,
        JSON.stringify(open.customer),
        JSON.stringify(open.providerRef),
        open.lookupKeys,
        JSON.stringify(open.metadata),
        open.createdAt,
        open.expiresAt,
        JSON.stringify(open.nextAction),
      ],
    );

    expect(await migratePostgresSchema({ connectionString: db.url, schema: 'release_one' })).toEqual({
      from: 1,
      to: MIGRATIONS.length,
      applied: MIGRATIONS.slice(1).map((step) => step.version),
    });
    const store = await createPostgresBindingStore({
      connectionString: db.url,
      schema: 'release_one',
      keys: testKeys().config,
      migrate: false,
    });
    try {
      expect(await store.listExpiredBindings(new Date('2026-12-02T00:00:00Z'), 10)).toEqual([open]);
      expect(await store.listWork({})).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses a released migration that was changed after it was applied', async () => {
    await migratePostgresSchema({ connectionString: db.url, schema: 'tampered' });
    await sql.query(`UPDATE tampered.schema_migrations SET checksum = 'edited' WHERE version = 1`);
    await expect(
      migratePostgresSchema({ connectionString: db.url, schema: 'tampered' }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('Migration 1 (initial) differs'),
    });
  });

  it('keeps stores in different schemas of one database apart', async () => {
    const keys = testKeys().config;
    const [a, b] = await Promise.all([
      createPostgresBindingStore({ connectionString: db.url, schema: 'tenant_a', keys }),
      createPostgresBindingStore({ connectionString: db.url, schema: 'tenant_b', keys }),
    ]);
    try {
      const record = bindingRecord();
      await a.create(record, creationAudit(record));
      expect(await a.get(record.id)).toEqual(record);
      expect(await b.get(record.id)).toBeUndefined();
      expect(await a.migrate()).toEqual({
        from: LATEST_SCHEMA_VERSION,
        to: LATEST_SCHEMA_VERSION,
        applied: [],
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('leaves a pool the host passed in open on close()', async () => {
    const pool = inspectPool(db.url);
    try {
      const store = await createPostgresBindingStore({ pool, schema: 'host_pool', keys: testKeys().config });
      await store.close();
      expect((await pool.query('SELECT count(*)::int AS n FROM host_pool.bindings')).rows).toEqual([
        { n: 0 },
      ]);
    } finally {
      await pool.end();
    }
  });

  it('refuses a schema name it could not quote safely with CONFIG_INVALID', async () => {
    await expect(
      createPostgresBindingStore({
        connectionString: db.url,
        schema: 'x"; DROP TABLE y; --',
        keys: testKeys().config,
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', field: 'schema' });
  });
});
