import { createHash } from 'node:crypto';
import { CardBindingError } from '@cardbind/core';
import { z } from 'zod';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import { quoteIdentifier } from './sql/identifier.js';
import type { SqlSession, SqlClient } from './sql/sql-client.js';

export const MigrationResult = z.object({
  /** The schema version before the call (0: nothing was there). */
  from: z.number().int(),
  /** The schema version after the call: always the package's latest. */
  to: z.number().int(),
  applied: z.array(z.number().int()),
});
export type MigrationResult = z.infer<typeof MigrationResult>;

const AppliedRow = z.object({ version: z.number().int(), name: z.string(), checksum: z.string() });
const LatestRow = z.object({ latest: z.number().int().nullable() });
const ExistsRow = z.object({ present: z.boolean() });

function checksumOf(step: Migration): string {
  return createHash('sha256').update(step.sql, 'utf8').digest('hex');
}

function newerSchema(schema: string, found: number): CardBindingError {
  return new CardBindingError(
    'CONFIG_INVALID',
    `Schema "${schema}" is at version ${found}, newer than this @cardbind/store-postgres knows ` +
      `(${LATEST_SCHEMA_VERSION}): deploy the newer package, or point this one at another schema`,
    { field: 'schema', retryable: false },
  );
}

/**
 * Brings `schema` to the latest version in one transaction, under a transaction-scoped advisory lock
 * keyed by the schema name: a second process migrating at the same moment waits for the first to
 * commit, then finds nothing left to do. DDL is transactional in PostgreSQL, so a failed step leaves
 * the schema exactly as it was.
 */
export async function migrateSchema(client: SqlClient, schema: string): Promise<MigrationResult> {
  const q = quoteIdentifier(schema);
  return client.transaction(async (tx) => {
    // Taken before anything else, so even CREATE SCHEMA IF NOT EXISTS never races.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('cardbind.store-postgres'), hashtext($1))`, [
      schema,
    ]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${q}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${q}.schema_migrations (
         version    integer     PRIMARY KEY,
         name       text        NOT NULL,
         checksum   text        NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const applied = (
      await tx.query(`SELECT version, name, checksum FROM ${q}.schema_migrations ORDER BY version`)
    ).rows.map((row) => AppliedRow.parse(row));
    const from = applied.reduce((latest, row) => Math.max(latest, row.version), 0);
    if (from > LATEST_SCHEMA_VERSION) throw newerSchema(schema, from);
    assertUnchanged(applied);
    const done = new Set(applied.map((row) => row.version));
    const pending = MIGRATIONS.filter((step) => !done.has(step.version));
    for (const step of pending) await applyStep(tx, q, step);
    return { from, to: LATEST_SCHEMA_VERSION, applied: pending.map((step) => step.version) };
  });
}

async function applyStep(tx: SqlSession, q: string, step: Migration): Promise<void> {
  // Steps name their tables without a schema; SET LOCAL ends with the transaction.
  await tx.query(`SET LOCAL search_path TO ${q}`);
  await tx.execScript(step.sql);
  await tx.query(`INSERT INTO ${q}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`, [
    step.version,
    step.name,
    checksumOf(step),
  ]);
}

function assertUnchanged(applied: readonly z.infer<typeof AppliedRow>[]): void {
  for (const row of applied) {
    const step = MIGRATIONS.find((known) => known.version === row.version);
    if (step && checksumOf(step) !== row.checksum) {
      throw new CardBindingError(
        'CONFIG_INVALID',
        `Migration ${row.version} (${row.name}) differs from the one applied to this database: released migrations must never change`,
        { retryable: false },
      );
    }
  }
}

/** For a store started without migrating: the schema must be exactly at the package's version. */
export async function assertSchemaCurrent(client: SqlClient, schema: string): Promise<void> {
  const q = quoteIdentifier(schema);
  const exists = ExistsRow.parse(
    (await client.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`${q}.schema_migrations`])).rows[0],
  );
  const found = exists.present
    ? (LatestRow.parse(
        (await client.query(`SELECT max(version) AS latest FROM ${q}.schema_migrations`)).rows[0],
      ).latest ?? 0)
    : 0;
  if (found > LATEST_SCHEMA_VERSION) throw newerSchema(schema, found);
  if (found < LATEST_SCHEMA_VERSION) {
    throw new CardBindingError(
      'CONFIG_INVALID',
      `Schema "${schema}" is at version ${found}, this package needs ${LATEST_SCHEMA_VERSION}: call migrate() (or start with migrate: true)`,
      { field: 'migrate', retryable: false },
    );
  }
}
