import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlClient, SqlResult, SqlSession, SqlValue } from './sql-client.js';

function sessionOf(target: PGlite | Transaction): SqlSession {
  return {
    async query(text: string, params: readonly SqlValue[] = []): Promise<SqlResult> {
      const result = await target.query<unknown>(text, [...params]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async execScript(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

/**
 * PGlite (PostgreSQL in WebAssembly, in process) behind the store's SqlClient. PGlite has one connection
 * and queues a transaction's competitors itself, so a transaction here is as isolated as on a server.
 */
export class PgliteSqlClient implements SqlClient {
  readonly #db: PGlite;
  readonly #ownsDb: boolean;
  readonly #session: SqlSession;

  constructor(db: PGlite, options: { ownsDb: boolean }) {
    this.#db = db;
    this.#ownsDb = options.ownsDb;
    this.#session = sessionOf(db);
  }

  query(text: string, params?: readonly SqlValue[]): Promise<SqlResult> {
    return this.#session.query(text, params);
  }

  execScript(sql: string): Promise<void> {
    return this.#session.execScript(sql);
  }

  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) => work(sessionOf(tx)));
  }

  async close(): Promise<void> {
    if (this.#ownsDb && !this.#db.closed) await this.#db.close();
  }
}
