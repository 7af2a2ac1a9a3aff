import type { SqlClient, SqlResult, SqlSession, SqlValue } from '../../src/sql/sql-client.js';

export interface RecordedStatement {
  text: string;
  params: readonly SqlValue[];
}

/** Passes every statement through to `inner` and remembers it, to EXPLAIN exactly what the store ran. */
export class RecordingSqlClient implements SqlClient {
  readonly statements: RecordedStatement[] = [];
  readonly #inner: SqlClient;

  constructor(inner: SqlClient) {
    this.#inner = inner;
  }

  query(text: string, params: readonly SqlValue[] = []): Promise<SqlResult> {
    this.statements.push({ text, params });
    return this.#inner.query(text, params);
  }

  execScript(sql: string): Promise<void> {
    return this.#inner.execScript(sql);
  }

  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.#inner.transaction((tx) =>
      work({
        query: (text, params = []) => {
          this.statements.push({ text, params });
          return tx.query(text, params);
        },
        execScript: (sql) => tx.execScript(sql),
      }),
    );
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
