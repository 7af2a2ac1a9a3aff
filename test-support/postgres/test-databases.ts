import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';

export interface TestDatabase {
  /** Connects as the admin URL's role to the new database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database, closing whatever connections are still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

const NAME_PREFIX = 'cardbind_test_';

/** A run id made of the process id, so a later run can tell which runs' databases were abandoned. */
export function runIdFor(pid: number): string {
  return `r${pid}`;
}

export async function createDatabase(adminUrl: string, runId: string): Promise<TestDatabase> {
  // Unique across the parallel forks of one run and across runs sharing one server.
  const name = `${NAME_PREFIX}${runId}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    drop: () => (dropped ??= dropDatabase(adminUrl, name)),
  };
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  // FORCE (PostgreSQL 13+): a pool the test forgot to end must not keep the database alive.
  await withAdmin(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/**
 * Drops this run's databases (`runId`), or, with `isAbandoned`, every test database whose run is over:
 * a test file that failed before its `drop()` or a run killed midway must not leave databases behind.
 */
export async function dropTestDatabases(
  adminUrl: string,
  select: { runId: string } | { isAbandoned: (runId: string) => boolean },
): Promise<string[]> {
  const names = await withAdmin(adminUrl, async (client) => {
    const result = await client.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      NAME_PREFIX,
    ]);
    return result.rows.flatMap((row): string[] => {
      const name: unknown = row.datname;
      return typeof name === 'string' ? [name] : [];
    });
  });
  const chosen = names.filter((name) => {
    const runId = name.slice(NAME_PREFIX.length).split('_')[0] ?? '';
    return 'runId' in select ? runId === select.runId : select.isAbandoned(runId);
  });
  for (const name of chosen) await dropDatabase(adminUrl, name);
  return chosen;
}

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
