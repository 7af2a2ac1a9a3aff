import pg from 'pg';
import type { SqlClient, SqlResult, SqlSession, SqlValue } from './sql-client.js';

interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

function sessionOf(target: PgQueryable): SqlSession {
  return {
    async query(text: string, params: readonly SqlValue[] = []): Promise<SqlResult> {
      const result = await target.query(text, [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async execScript(sql: string): Promise<void> {
      // Without parameters node-postgres uses the simple query protocol, which runs several statements.
      await target.query(sql);
    },
  };
}

/**
 * node-postgres waits for a free client forever by default: a full pool would hang every caller instead
 * of failing with a retryable STORE_UNAVAILABLE they can act on.
 */
const POOL_DEFAULTS: pg.PoolConfig = { max: 10, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 };

/** node-postgres behind the store's SqlClient: statements on the pool, transactions on one checked-out client. */
export class PgSqlClient implements SqlClient {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #session: SqlSession;

  constructor(pool: pg.Pool, options: { ownsPool: boolean }) {
    this.#pool = pool;
    this.#ownsPool = options.ownsPool;
    this.#session = sessionOf(pool);
  }

  static fromConnectionString(connectionString: string, poolOptions: pg.PoolConfig = {}): PgSqlClient {
    const pool = new pg.Pool({ ...POOL_DEFAULTS, ...poolOptions, connectionString });
    // An idle connection the server closed (a restart, a failover) is reported on the pool; without a
    // listener Node would crash the process. The next query simply opens a new connection.
    pool.on('error', () => undefined);
    return new PgSqlClient(pool, { ownsPool: true });
  }

  query(text: string, params?: readonly SqlValue[]): Promise<SqlResult> {
    return this.#session.query(text, params);
  }

  execScript(sql: string): Promise<void> {
    return this.#session.execScript(sql);
  }

  async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    // A connection that died mid-transaction must not go back to the pool.
    let broken = false;
    const markBroken = (): void => void (broken = true);
    client.on('error', markBroken);
    try {
      await client.query('BEGIN');
      const result = await work(sessionOf(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(markBroken);
      throw error;
    } finally {
      client.off('error', markBroken);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    // A pool the host passed in is the host's to end: other code may share it.
    if (this.#ownsPool) await this.#pool.end();
  }
}
