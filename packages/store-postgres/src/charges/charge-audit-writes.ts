import type { ChargeAuditEntry } from '@cardbind/core';
import type { SqlSession } from '../sql/sql-client.js';
import type { Tables } from '../tables.js';

/** The record a row describes, as the database holds it after the step. */
export interface AuditSubject {
  chargeId: string;
  subject: ChargeAuditEntry['subject'];
  id: string;
  version: number;
}

/**
 * Inserts one transition's audit row on the transition's own connection, so it commits or rolls back
 * with the transition. Which record it describes and at which version come from the record as stored
 * (not from the entry), so the history cannot disagree with the records whatever the caller passed.
 */
export async function insertChargeAuditRow(
  tx: SqlSession,
  tables: Tables,
  entry: ChargeAuditEntry,
  subject: AuditSubject,
): Promise<void> {
  await tx.query(
    `INSERT INTO ${tables.chargeAudit}
       (charge_id, subject, subject_id, version, from_status, to_status, trigger, at, request_id, source_address,
        failure_code, provider_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      subject.chargeId,
      subject.subject,
      subject.id,
      subject.version,
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
