import { z } from 'zod';
import type { SqlRunner } from '../storage/sql.js';
import type { SessionStore, StoredSession } from './session-store.js';

/** The example's own schema, apart from the store's `cardbind`: a host keeps its tables in its own. */
export const DEMO_SCHEMA = 'cardbind_demo';
const TABLE = `${DEMO_SCHEMA}.sessions`;

const SessionRow = z.object({
  session_id: z.string(),
  customer_id: z.string(),
  // node-postgres and PGlite both answer timestamptz as a Date; coerce keeps either honest.
  expires_at: z.coerce.date(),
});

/** Expired rows deleted per login: bounded, so a login never waits on a big cleanup. */
const SWEEP_BATCH = 100;

/**
 * Sessions in a table of the database the binding store uses, so they survive a restart and every
 * instance on that database knows every session (a cookie opened on one works on the others, and a
 * logout on one ends it on all). Holds what a check needs and nothing else: no token, no personal data.
 */
export class SqlSessionStore implements SessionStore {
  readonly #sql: SqlRunner;
  readonly #now: () => number;

  private constructor(sql: SqlRunner, now: () => number) {
    this.#sql = sql;
    this.#now = now;
  }

  /**
   * Creates the schema and table when missing. Under a transaction-scoped advisory lock: two instances
   * starting together would otherwise race on `CREATE ... IF NOT EXISTS`, which is not atomic in
   * PostgreSQL (the loser fails on a unique index of the catalog).
   */
  static async open(sql: SqlRunner, options: { now?: () => number } = {}): Promise<SqlSessionStore> {
    await sql.transaction([
      `SELECT pg_advisory_xact_lock(hashtext('${TABLE}'))`,
      `CREATE SCHEMA IF NOT EXISTS ${DEMO_SCHEMA}`,
      `CREATE TABLE IF NOT EXISTS ${TABLE} (
         session_id text PRIMARY KEY,
         customer_id text NOT NULL,
         expires_at timestamptz NOT NULL
       )`,
      `CREATE INDEX IF NOT EXISTS sessions_by_expiry ON ${TABLE} (expires_at)`,
    ]);
    return new SqlSessionStore(sql, options.now ?? Date.now);
  }

  async add(session: StoredSession): Promise<void> {
    const now = new Date(this.#now());
    // The demo login is open to anyone: each login clears a few expired sessions, so a login loop
    // leaves no more rows behind than the sessions still live.
    await this.#sql.query(
      `DELETE FROM ${TABLE} WHERE session_id IN
         (SELECT session_id FROM ${TABLE} WHERE expires_at <= $1 ORDER BY expires_at LIMIT ${SWEEP_BATCH})`,
      [now],
    );
    await this.#sql.query(`INSERT INTO ${TABLE} (session_id, customer_id, expires_at) VALUES ($1, $2, $3)`, [
      session.sessionId,
      session.customerId,
      new Date(session.expiresAt),
    ]);
  }

  async find(sessionId: string): Promise<StoredSession | undefined> {
    const rows = await this.#sql.query(
      `SELECT session_id, customer_id, expires_at FROM ${TABLE} WHERE session_id = $1 AND expires_at > $2`,
      [sessionId, new Date(this.#now())],
    );
    const [row] = rows;
    if (row === undefined) return undefined;
    const parsed = SessionRow.safeParse(row);
    // A row that is not what this code wrote (edited by hand, a changed table) is an error, never a cast.
    if (!parsed.success) throw new Error(`${TABLE}: a row does not have the expected shape`);
    return {
      sessionId: parsed.data.session_id,
      customerId: parsed.data.customer_id,
      expiresAt: parsed.data.expires_at.getTime(),
    };
  }

  async remove(sessionId: string): Promise<void> {
    await this.#sql.query(`DELETE FROM ${TABLE} WHERE session_id = $1`, [sessionId]);
  }
}
