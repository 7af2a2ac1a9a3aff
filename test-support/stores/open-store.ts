import { createTestDatabase, type TestDatabase } from '../postgres/index.js';
import { type DumpedRow, dumpSchema } from './dump-schema.js';
import { generateStoreKeys, type StoreSecret } from './store-keys.js';

/** The stores a flow suite can run on. */
export type StoreKind = 'memory' | 'postgres';

/**
 * What every provider's flow suites run on: the in-memory store and a real PostgreSQL server. PGlite is
 * not here: it takes 2-4 s to open, so a world per test would add minutes; the ToyPay template runs the
 * conformance suite on it instead (examples/provider-template/test/conformance.test.ts).
 */
export const STORE_KINDS: readonly StoreKind[] = ['memory', 'postgres'];

/** A fresh, empty store for one world (one test, or one conformance case). */
export interface TestStore<Store> {
  readonly kind: StoreKind;
  readonly store: Store;
  /**
   * Every row the store wrote, read back with plain SQL: what a database dump or a backup would show.
   * Undefined for the in-memory store, which holds tokens in plain text in the process by design.
   */
  readonly dump: (() => Promise<DumpedRow[]>) | undefined;
  /** The key material the store encrypts with, in the forms a dump could show it. */
  readonly secrets: readonly StoreSecret[];
  /** Ends the store's pool; its schema goes with the file's database (`closeStores`). */
  close(): Promise<void>;
}

/**
 * The constructors, from the test's own package. test-support is no workspace package, so it cannot
 * import `@cardbind/core` or `@cardbind/store-postgres` by name; a relative import of their sources
 * would give tsc a second `Secret` type (src next to the dist the tests see) that the store refuses.
 */
export interface StoreParts<Store, Key> {
  memoryStore(): Store;
  secret(value: string): Key;
  postgresStore(options: {
    connectionString: string;
    schema: string;
    keys: { currentKeyId: string; keys: Record<string, Key>; fingerprintKey: Key };
  }): Promise<Store & { close(): Promise<void> }>;
}

/**
 * A fresh store of `kind`. For `postgres`: a store on a schema of its own (migrated when created) in
 * this test file's database, encrypting with this file's random keys. `close()` it after the test, and
 * `afterAll(closeStores)` once per file.
 */
export type OpenStore<Store> = (kind: StoreKind) => Promise<TestStore<Store>>;

// One database per test FILE (vitest gives each file its own module instances), created on first use:
// CREATE DATABASE costs far more than CREATE SCHEMA, and a file's tests run one after another anyway.
let database: Promise<TestDatabase> | undefined;
let schemas = 0;
const keyMaterial = generateStoreKeys();
const open = new Set<{ close(): Promise<void> }>();

/** `openStore` for the stores `parts` makes. */
export function testStores<Store, Key>(parts: StoreParts<Store, Key>): OpenStore<Store> {
  const keys = {
    currentKeyId: keyMaterial.currentKeyId,
    keys: { [keyMaterial.currentKeyId]: parts.secret(keyMaterial.tokenKey) },
    fingerprintKey: parts.secret(keyMaterial.fingerprintKey),
  };

  return async (kind) => {
    if (kind === 'memory') {
      return { kind, store: parts.memoryStore(), dump: undefined, secrets: [], close: async () => {} };
    }
    database ??= createTestDatabase();
    const { url } = await database;
    const schema = `store_${++schemas}`;
    const store = await parts.postgresStore({ connectionString: url, schema, keys });
    let closed: Promise<void> | undefined;
    const opened: TestStore<Store> = {
      kind,
      store,
      dump: () => dumpSchema(url, schema),
      secrets: keyMaterial.secrets,
      close: () => {
        open.delete(opened);
        return (closed ??= store.close());
      },
    };
    open.add(opened);
    return opened;
  };
}

/** For `afterAll`: closes the stores a failed test left open, then drops this file's database. */
export async function closeStores(): Promise<void> {
  await Promise.all([...open].map((opened) => opened.close().catch(() => undefined)));
  const created = database;
  database = undefined;
  if (created) await (await created).drop();
}
