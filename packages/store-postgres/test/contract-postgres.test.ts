import { describeBindingStoreContract } from '@cardbind/testing';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresBindingStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { testKeys } from './support/fixtures.js';

// One database for the file; each case gets its own store (and pool) on it, so breaking one breaks no other.
let db: TestDatabase;
const keys = testKeys(['k1', 'k2']);

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(() => db?.drop());

describeBindingStoreContract('PostgresBindingStore on a PostgreSQL server', async () => {
  const store = await createPostgresBindingStore({ connectionString: db.url, keys: keys.config });
  return {
    store,
    close: () => store.close().catch(() => undefined),
    breakStore: () => store.close(),
    secrets: keys.material,
  };
});
