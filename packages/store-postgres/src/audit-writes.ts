import type { AuditEntry } from '@cardbind/core';
import type { SqlSession } from './sql/sql-client.js';
import type { Tables } from './tables.js';

/**
 * Inserts one transition's audit row on the transition's own connection, so it commits or rolls back
 * with the transition. The binding id and version are the record's as the database holds them (the
 * version after the step), so the history cannot disagree with the record whatever the caller passed.
 */
export async function insertAuditRow(
  tx: SqlSession,
  tables: Tables,
  entry: AuditEntry,
  record: { id: string; version: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO ${tables.audit}
       (binding_id, version, from_status, to_status, trigger, at, request_id, source_address, failure_code, provider_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      record.id,
      record.version,
      entry.from,
      entry.to,
      entry.trigger,
      entry.at,
      entry.requestId ?? null,
      entry.sourceAddress ?? null,
      entry.failureCode ?? null,
      entry.providerCode ?? null,
    ],
  );
}
