import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

export type SqlValue = string | number | boolean | Date | null;

/**
 * The little SQL the example runs itself (its session table), on the same connection the binding store
 * uses: a node-postgres pool or the PGlite instance. Rows come back as `unknown` and are parsed by the
 * caller with zod.
 */
export interface SqlRunner {
  query(text: string, params: readonly SqlValue[]): Promise<readonly unknown[]>;
  /** Several statements in one transaction; rolled back as a whole when one fails. */
  transaction(statements: readonly string[]): Promise<void>;
}

export function pgRunner(pool: pg.Pool): SqlRunner {
  return {
    async query(text, params) {
      return (await pool.query(text, [...params])).rows;
    },
    async transaction(statements) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        for (const statement of statements) await client.query(statement);
        await client.query('COMMIT');
      } catch (error) {
        // A connection that cannot even roll back must not go back to the pool.
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

export function pgliteRunner(db: PGlite): SqlRunner {
  return {
    async query(text, params) {
      return (await db.query<unknown>(text, [...params])).rows;
    },
    async transaction(statements) {
      await db.transaction(async (tx) => {
        for (const statement of statements) await tx.query(statement);
      });
    },
  };
}
