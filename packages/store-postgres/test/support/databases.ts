import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test-support/postgres/index.js';

export { createTestDatabase, type TestDatabase };

/** A small pool on a test database, for looking at what the store wrote with plain SQL. */
export function inspectPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => undefined);
  return pool;
}
