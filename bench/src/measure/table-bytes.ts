/** Bytes by table name, as the database reports them. */
export type TableBytes = Record<string, number>;

export interface BytesPer {
  /** All tables' growth divided by the count. */
  total: number;
  byTable: TableBytes;
}

/**
 * How much each table grew from `before` to `after`, per item (binding, work item...). Measuring
 * growth over the empty schema leaves out what an empty table already occupies (a page for each
 * index's root, the metadata page), which would otherwise be charged to the first few bindings.
 */
export function marginalBytes(before: TableBytes, after: TableBytes, count: number): BytesPer {
  if (!(count > 0)) throw new RangeError(`per ${count} items`);
  const byTable: TableBytes = {};
  let total = 0;
  for (const [table, size] of Object.entries(after)) {
    const growth = (size - (before[table] ?? 0)) / count;
    byTable[table] = growth;
    total += growth;
  }
  return { total, byTable };
}
