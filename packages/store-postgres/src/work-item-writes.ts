import type { NewWorkItem } from '@cardbind/core';
import { jsonParam } from './rows/binding-row.js';
import type { SqlSession, SqlValue } from './sql/sql-client.js';
import type { Tables } from './tables.js';

const COLUMNS_PER_ITEM = 8;

/**
 * Inserts the work one transition causes on the transition's own connection, so the items commit or
 * roll back with it (a transactional outbox). An item whose id is already stored is left alone: a
 * replayed write must not reset an item that a worker is already carrying out. `at` is the
 * transition's time (its audit row's), which the items record as created and last changed.
 */
export async function insertWorkItems(
  tx: SqlSession,
  tables: Tables,
  work: readonly NewWorkItem[],
  at: Date,
): Promise<void> {
  if (work.length === 0) return;
  const params: SqlValue[] = [];
  const rows = work.map((item, index) => {
    params.push(
      item.id,
      item.kind,
      item.bindingId,
      jsonParam(item.payload),
      item.runAt,
      item.deadline,
      at,
      at,
    );
    const n = index * COLUMNS_PER_ITEM;
    return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}::jsonb, 'pending', 0, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8})`;
  });
  await tx.query(
    `INSERT INTO ${tables.workItems}
       (id, kind, binding_id, payload, status, attempts, run_at, deadline, created_at, updated_at)
     VALUES ${rows.join(', ')}
     ON CONFLICT (id) DO NOTHING`,
    params,
  );
}
