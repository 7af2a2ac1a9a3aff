import { fileURLToPath } from 'node:url';
import {
  type BindingStore,
  type ChargeStore,
  InMemoryBindingStore,
  InMemoryChargeStore,
} from '@cardbind/core';
import {
  createPgliteBindingStore,
  createPostgresBindingStore,
  type TokenKeysInput,
} from '@cardbind/store-postgres';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { InMemorySessionStore, type SessionStore } from '../http/session-store.js';
import { SqlSessionStore } from '../http/sql-session-store.js';
import type { DataFolder } from './data-folder.js';
import { pgliteRunner, pgRunner } from './sql.js';

/** `.cardbind-demo/` at the repository root, wherever the command was started from (src/ or dist/). */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../../.cardbind-demo/', import.meta.url));

/** Where the host's state lives: bindings and cards (the cardbind store) and the example's sessions. */
export interface DemoStorage {
  readonly store: BindingStore;
  /**
   * Charges, when `store` does not keep them itself. Unset for PostgreSQL and PGlite: the store serves
   * charges from the same database, and core uses it for them when it implements ChargeStore.
   */
  readonly chargeStore?: ChargeStore;
  readonly sessions: SessionStore;
  /** For the startup lines. Never the database URL: it holds a password. */
  readonly description: string;
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  /** A PostgreSQL server every instance shares; otherwise PGlite in the data folder. */
  databaseUrl?: string | undefined;
  folder: DataFolder;
  keys: TokenKeysInput;
  now?: () => number;
}

/**
 * A server when `DATABASE_URL` names one, else PGlite in the data folder: the same SQL either way, the
 * store's schema migrated first (under an advisory lock, so instances may start together), and the
 * session table next to it on the same connection.
 */
export async function openStorage(options: OpenStorageOptions): Promise<DemoStorage> {
  const sessionOptions = options.now === undefined ? {} : { now: options.now };
  if (options.databaseUrl !== undefined) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server closed (a restart, a failover) must not crash the process: the
    // next query opens a new one.
    pool.on('error', () => undefined);
    try {
      const store = await createPostgresBindingStore({ pool, keys: options.keys });
      const sessions = await SqlSessionStore.open(pgRunner(pool), sessionOptions);
      return {
        store,
        sessions,
        description: 'PostgreSQL at DATABASE_URL',
        async close() {
          await store.close();
          await pool.end();
        },
      };
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  const unlock = await options.folder.lock();
  let pglite: PGlite | undefined;
  try {
    // One PGlite instance for both: the store gets it with `pglite` (and leaves closing it to us).
    pglite = await PGlite.create({ dataDir: await options.folder.file('pglite') });
    const store = await createPgliteBindingStore({ pglite, keys: options.keys });
    const sessions = await SqlSessionStore.open(pgliteRunner(pglite), sessionOptions);
    const db = pglite;
    return {
      store,
      sessions,
      description: `PGlite in ${options.folder.path}`,
      async close() {
        try {
          await store.close();
          await db.close();
        } finally {
          await unlock();
        }
      },
    };
  } catch (error) {
    await pglite?.close().catch(() => undefined);
    await unlock();
    throw error;
  }
}

/** For the example's own tests of routes and pages: everything in this process, gone when it ends. */
export function memoryStorage(options: { now?: () => number } = {}): DemoStorage {
  return {
    store: new InMemoryBindingStore(),
    chargeStore: new InMemoryChargeStore(),
    sessions: new InMemorySessionStore(options.now === undefined ? {} : { now: options.now }),
    description: 'in memory (this process only)',
    close: async () => undefined,
  };
}
