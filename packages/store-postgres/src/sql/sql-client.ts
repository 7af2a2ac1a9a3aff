/** A value the store binds to a statement parameter; both drivers encode these the same way. */
export type SqlValue = string | number | boolean | Date | Uint8Array | readonly string[] | null;

export interface SqlResult {
  /** Rows as the driver decoded them: the store parses each with a zod schema before using it. */
  rows: unknown[];
  /** Rows inserted, updated or deleted (or returned, for a SELECT). */
  rowCount: number;
}

/** One connection's worth of SQL: a statement with parameters, or a script of several statements. */
export interface SqlSession {
  query(text: string, params?: readonly SqlValue[]): Promise<SqlResult>;
  /** Runs several statements in one go (a migration). No parameters: scripts are the package's own SQL. */
  execScript(sql: string): Promise<void>;
}

/**
 * The little the store needs from a PostgreSQL driver, so one store runs on `pg` and on PGlite.
 * `transaction` runs `work` on one connection between BEGIN and COMMIT, and rolls back when it throws.
 */
export interface SqlClient extends SqlSession {
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
