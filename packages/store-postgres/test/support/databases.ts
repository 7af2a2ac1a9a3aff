import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresBindingStore, type PostgresBindingStore } from '../../src/index.js';
import { testKeys } from './fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../../../test-support/postgres/index.js';

export { createTestDatabase, type TestDatabase };

/** A small pool on a test database, for looking at what the store wrote with plain SQL. */
export function inspectPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => undefined);
  return pool;
}

/** A test file's store on a database of its own, and a pool to look at what it wrote. */
export interface StoreWorld {
  readonly store: PostgresBindingStore;
  readonly sql: pg.Pool;
}

/**
 * Opens a fresh database and a store (default schema, fresh keys) on it before the file's tests, and
 * closes both after them. Read `store` and `sql` inside tests: they exist once `beforeAll` has run.
 */
export function storeOnTestDatabase(): StoreWorld {
  let db: TestDatabase | undefined;
  let opened: StoreWorld | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    const store = await createPostgresBindingStore({ connectionString: db.url, keys: testKeys().config });
    opened = { store, sql: inspectPool(db.url) };
  });
  afterAll(async () => {
    await opened?.store.close();
    await opened?.sql.end();
    await db?.drop();
  });
  const world = (): StoreWorld => {
    if (!opened) throw new Error('the store is opened in beforeAll: use it inside a test');
    return opened;
  };
  return {
    get store() {
      return world().store;
    },
    get sql() {
      return world().sql;
    },
  };
}
