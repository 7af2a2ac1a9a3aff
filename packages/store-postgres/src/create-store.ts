import { PGlite } from '@electric-sql/pglite';
import { parseConfig } from '@cardbind/core';
import type pg from 'pg';
import { toStoreError } from './driver-errors.js';
import { TokenCipher } from './keys/token-cipher.js';
import { migrateSchema, type MigrationResult } from './migrate.js';
import { PostgresBindingStore } from './postgres-binding-store.js';
import { StoreConfig, type StoreConfigInput } from './store-config.js';
import { PgliteSqlClient } from './sql/pglite-sql-client.js';
import { PgSqlClient } from './sql/pg-sql-client.js';
import type { SqlClient } from './sql/sql-client.js';

export type PostgresBindingStoreOptions = StoreConfigInput &
  (
    | {
        /** A node-postgres pool the host owns (and ends): the store never ends it. */
        pool: pg.Pool;
      }
    | {
        /** `postgres://user@host:5432/db`: the store opens its own pool and ends it on `close()`. */
        connectionString: string;
        /** Extra node-postgres pool settings (`max`, `connectionTimeoutMillis`, `statement_timeout`, ...). */
        poolOptions?: Omit<pg.PoolConfig, 'connectionString'>;
      }
  );

export type PgliteBindingStoreOptions = StoreConfigInput &
  (
    | {
        /** A folder for the database files (created when missing); omitted: in memory, gone on close. */
        dataDir?: string;
      }
    | {
        /** A PGlite instance the host owns (and closes). */
        pglite: PGlite;
      }
  );

const WHERE = '@cardbind/store-postgres';

/** A BindingStore on a PostgreSQL server. Migrates the schema first unless `migrate: false`. */
export async function createPostgresBindingStore(
  options: PostgresBindingStoreOptions,
): Promise<PostgresBindingStore> {
  const config = parseConfig(StoreConfig, options, WHERE);
  const client =
    'pool' in options
      ? new PgSqlClient(options.pool, { ownsPool: false })
      : PgSqlClient.fromConnectionString(options.connectionString, options.poolOptions);
  return open(client, config);
}

/**
 * The embedded default: the same store on PGlite (PostgreSQL compiled to WebAssembly, in this process),
 * file-backed with `dataDir` or in memory. One process only: PGlite is not a server.
 */
export async function createPgliteBindingStore(
  options: PgliteBindingStoreOptions,
): Promise<PostgresBindingStore> {
  const config = parseConfig(StoreConfig, options, WHERE);
  const client =
    'pglite' in options
      ? new PgliteSqlClient(options.pglite, { ownsDb: false })
      : new PgliteSqlClient(
          await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
          {
            ownsDb: true,
          },
        );
  return open(client, config);
}

async function open(
  client: SqlClient,
  config: ReturnType<typeof StoreConfig.parse>,
): Promise<PostgresBindingStore> {
  const store = new PostgresBindingStore(client, {
    schema: config.schema,
    cipher: new TokenCipher(config.keys),
  });
  try {
    if (config.migrate) await store.migrate();
    else await store.assertSchemaCurrent();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return store;
}

export type MigratePostgresSchemaOptions = {
  /** The schema to migrate; default `cardbind`. */
  schema?: string;
} & ({ pool: pg.Pool } | { connectionString: string });

/**
 * Migrates a store's schema without opening a store (no keys needed): for a deploy step that runs
 * before the application instances, which then start with `migrate: false`.
 */
export async function migratePostgresSchema(options: MigratePostgresSchemaOptions): Promise<MigrationResult> {
  const { schema } = parseConfig(StoreConfig.pick({ schema: true }), options, WHERE);
  const client =
    'pool' in options
      ? new PgSqlClient(options.pool, { ownsPool: false })
      : PgSqlClient.fromConnectionString(options.connectionString);
  try {
    return await migrateSchema(client, schema);
  } catch (error) {
    throw toStoreError(error, 'migrate');
  } finally {
    await client.close().catch(() => undefined);
  }
}
