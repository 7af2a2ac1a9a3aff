import { parseConfig } from '@cardbind/core';
import { z } from 'zod';
import type { SqlClient } from '../sql/sql-client.js';
import { FINISHED_WORK_SQL, TERMINAL_STATUS_SQL, type Tables } from '../tables.js';

export const PurgeOptions = z.object({
  /** Bindings that reached a terminal state before this moment go. */
  olderThan: z.date(),
  /** Also delete the purged bindings' audit rows; by default the history outlives the bindings. */
  includeAudit: z.boolean().default(false),
  /** Bindings per transaction, so a large purge never holds many locks or one long transaction. */
  batchSize: z.number().int().min(1).max(10_000).default(1_000),
});
export type PurgeOptions = z.input<typeof PurgeOptions>;

export const PurgeResult = z.object({
  bindings: z.number().int(),
  auditRows: z.number().int(),
  /** Finished (done or failed) work items of the purged bindings; unfinished ones still run. */
  workItems: z.number().int(),
});
export type PurgeResult = z.infer<typeof PurgeResult>;

const IdRow = z.object({ id: z.string() });

/**
 * Retention: deletes terminal bindings that ended before `olderThan`, with their lookup keys (by
 * cascade), their finished work items and, when asked, their audit rows, a batch per transaction. Saved cards stay: they are what
 * the binding was for. A terminal binding is never updated again, so `updated_at` is when it ended.
 */
export async function purgeTerminalBindings(
  client: SqlClient,
  tables: Tables,
  input: PurgeOptions,
): Promise<PurgeResult> {
  const options = parseConfig(PurgeOptions, input, 'purgeTerminalBindings');
  const total = { bindings: 0, auditRows: 0, workItems: 0 };
  for (;;) {
    const batch = await client.transaction(async (tx) => {
      const deleted = (
        await tx.query(
          `DELETE FROM ${tables.bindings}
            WHERE id IN (SELECT id FROM ${tables.bindings}
                          WHERE ${TERMINAL_STATUS_SQL} AND updated_at < $1
                          ORDER BY updated_at
                          LIMIT $2
                          FOR UPDATE SKIP LOCKED)
            RETURNING id`,
          [options.olderThan, options.batchSize],
        )
      ).rows.map((row) => IdRow.parse(row).id);
      let auditRows = 0;
      let workItems = 0;
      if (deleted.length > 0) {
        // An item still pending or running (a void not yet done) stays: the worker finds the binding
        // gone and ends it; a done or failed one is only history.
        workItems = (
          await tx.query(
            `DELETE FROM ${tables.workItems}
              WHERE binding_id = ANY($1::text[]) AND ${FINISHED_WORK_SQL}`,
            [deleted],
          )
        ).rowCount;
      }
      if (options.includeAudit && deleted.length > 0) {
        auditRows = (
          await tx.query(`DELETE FROM ${tables.audit} WHERE binding_id = ANY($1::text[])`, [deleted])
        ).rowCount;
      }
      return { bindings: deleted.length, auditRows, workItems };
    });
    total.bindings += batch.bindings;
    total.auditRows += batch.auditRows;
    total.workItems += batch.workItems;
    if (batch.bindings < options.batchSize) return total;
  }
}
