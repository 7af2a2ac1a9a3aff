import { PGlite } from '@electric-sql/pglite';
import { describeChargeStoreContract } from '@cardbind/testing';
import { afterAll, beforeAll } from 'vitest';
import { createPgliteBindingStore, createPostgresBindingStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { testKeys } from './support/fixtures.js';

// PGlite's initdb costs seconds, so PGlite's cases share one in-memory instance; the server's share
// one database. Each case opens a store (and, on the server, a pool) of its own on it.
const OPEN_TIMEOUT_MS = 60_000;
const keys = testKeys(['k1']);
let db: TestDatabase;
let pglite: PGlite;

beforeAll(async () => {
  [db, pglite] = await Promise.all([createTestDatabase(), PGlite.create()]);
}, OPEN_TIMEOUT_MS);

afterAll(async () => {
  await pglite?.close();
  await db?.drop();
});

describeChargeStoreContract('PostgresBindingStore on a PostgreSQL server', async () => {
  const store = await createPostgresBindingStore({ connectionString: db.url, keys: keys.config });
  return { store, close: () => store.close() };
});

describeChargeStoreContract('PostgresBindingStore on PGlite', async () => {
  const store = await createPgliteBindingStore({ pglite, keys: keys.config });
  return { store, close: () => store.close() }; // the instance is the file's, not the store's
});
