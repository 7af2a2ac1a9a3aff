import { createPostgresBindingStore } from '@cardbind/store-postgres';
import type pg from 'pg';
import { z } from 'zod';
import { CountingListener } from '../fixtures/counting-listener.js';
import { InstantPaytureProvider } from '../fixtures/instant-providers.js';
import { BENCH_RETURN_URL, benchCustomer } from '../fixtures/payture-like-provider.js';
import { hostWith } from '../fixtures/service-with.js';
import { marginalBytes, type TableBytes } from '../measure/table-bytes.js';
import { summarise } from '../measure/stats.js';
import { bytes } from '../report/format.js';
import type { ResultRow, ScenarioOptions } from '../report/scenario.js';
import { benchPool, benchStoreKeys, type ScratchDatabase } from './bench-server.js';

const SCHEMA = 'bench_bytes';
/** Bindings written at once: enough to keep the server busy, few enough for the pool of 10. */
const WRITERS = 8;

const SizeRow = z.object({ table: z.string(), bytes: z.coerce.number() });
const DataRow = z.object({ bytes: z.coerce.number() });

/** pg_total_relation_size (heap, indexes, TOAST, free-space and visibility maps) of each table. */
async function tableSizes(pool: pg.Pool): Promise<TableBytes> {
  const result = await pool.query(
    `SELECT c.relname AS table, pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname <> 'schema_migrations'`,
    [SCHEMA],
  );
  return Object.fromEntries(
    result.rows.map((row) => SizeRow.parse(row)).map((row) => [row.table, row.bytes]),
  );
}

/** The rows' own bytes (pg_column_size of each whole row): what the table holds before any overhead. */
async function rowDataSizes(pool: pg.Pool, tables: readonly string[]): Promise<TableBytes> {
  const sizes: TableBytes = {};
  for (const table of tables) {
    const result = await pool.query(
      `SELECT COALESCE(SUM(pg_column_size(t.*)), 0) AS bytes FROM "${SCHEMA}"."${table}" t`,
    );
    sizes[table] = DataRow.parse(result.rows[0]).bytes;
  }
  return sizes;
}

/**
 * The database's size per binding: N Payture-like bindings written through the service (start, then
 * a return that saves a card; one listener, so two event items each) into a fresh schema, measured
 * as the growth of every table over the empty schema — once as written (with the row versions the
 * updates left behind, which vacuum makes reusable, not smaller) and once after VACUUM FULL.
 */
export async function bytesPerBinding(
  { quick }: ScenarioOptions,
  database: ScratchDatabase,
): Promise<ResultRow[]> {
  const count = quick ? 500 : 1_500;
  const pool = benchPool(database.url, 10);
  try {
    const store = await createPostgresBindingStore({ pool, keys: benchStoreKeys(), schema: SCHEMA });
    const empty = await tableSizes(pool);
    const { service } = hostWith([new InstantPaytureProvider()], {
      store,
      listeners: [new CountingListener()],
    });
    let next = 0;
    const writer = async (): Promise<void> => {
      for (let index = next++; index < count; index = next++) {
        const started = await service.start({
          provider: 'payture',
          customer: benchCustomer(index),
          returnUrl: BENCH_RETURN_URL,
        });
        const done = await service.finalise(started.id);
        if (done.status !== 'succeeded') throw new Error(`binding ended ${done.status}`);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const written = await tableSizes(pool);
    const rowData = await rowDataSizes(pool, Object.keys(written));
    for (const table of Object.keys(written)) await pool.query(`VACUUM FULL "${SCHEMA}"."${table}"`);
    const compact = await tableSizes(pool);

    const asWritten = marginalBytes(empty, written, count);
    const afterVacuum = marginalBytes(empty, compact, count);
    const data = marginalBytes({}, rowData, count);
    return [
      {
        scenario: '7',
        case: `bytes per binding on PostgreSQL (${count.toLocaleString('en')} with card, 2 audit rows, 2 event items)`,
        candidate: `${bytes(asWritten.total)} as written, ${bytes(afterVacuum.total)} after VACUUM FULL`,
        baseline: `the rows' own bytes ${bytes(data.total)}`,
        ratio: summarise([asWritten.total / data.total]),
        verdict: 'info',
        data: { count, asWritten, afterVacuum, rowData: data },
      },
    ];
  } finally {
    await pool.end();
  }
}
