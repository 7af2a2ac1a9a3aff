import pg from 'pg';

/** One row of a store's table as a dump shows it: every column, bytes as hex and as text. */
export interface DumpedRow {
  /** `cards row #1`: where a secret was seen, for the failure message. */
  readonly where: string;
  readonly table: string;
  readonly text: string;
}

function render(value: unknown): string {
  // A token stored unencrypted in a bytea column would read as text in latin1; a raw key as its hex.
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')} ${value.toString('latin1')}`;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Every row of every table in `schema`, read with plain SQL as an operator's dump would be. The table
 * list is read from the catalog, so tables a later migration adds (the work queue) are searched too.
 */
export async function dumpSchema(url: string, schema: string): Promise<DumpedRow[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const tables = await client.query(
      'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename',
      [schema],
    );
    const dumped: DumpedRow[] = [];
    for (const tableRow of tables.rows) {
      const table: unknown = tableRow.tablename;
      if (typeof table !== 'string') continue;
      const rows = await client.query(
        `SELECT * FROM ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`,
      );
      rows.rows.forEach((row: Record<string, unknown>, index) => {
        dumped.push({
          where: `${table} row #${index + 1}`,
          table,
          text: Object.entries(row)
            .map(([column, value]) => `${column}=${render(value)}`)
            .join('\n'),
        });
      });
    }
    return dumped;
  } finally {
    await client.end().catch(() => undefined);
  }
}
