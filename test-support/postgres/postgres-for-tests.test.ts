import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createTestDatabase,
  NoPostgresServerError,
  resolvePostgresServer,
  startThrowawayCluster,
  type ThrowawayCluster,
} from './index.js';

const CLUSTER_TIMEOUT_MS = 90_000;

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('gives each call its own database and drops it, connections and all', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a.name).not.toBe(b.name);
    await query(a.url, 'CREATE TABLE only_in_a (id int)');
    await expect(query(b.url, 'SELECT * FROM only_in_a')).rejects.toThrow(/does not exist/);

    const forgotten = new Client({ connectionString: a.url });
    forgotten.on('error', () => undefined);
    await forgotten.connect();
    await a.drop();
    await a.drop();
    await b.drop();
    const admin = inject('cardbindPostgres')?.adminUrl ?? '';
    const left = await query(
      admin,
      `SELECT datname FROM pg_database WHERE datname IN ('${a.name}', '${b.name}')`,
    );
    expect(left).toEqual([]);
    await forgotten.end().catch(() => undefined);
  });
});

describe('resolving the server', () => {
  it('uses the machine server when CARDBIND_TEST_DATABASE_URL is not set and the server answers', async () => {
    const provided = inject('cardbindPostgres');
    expect(provided?.source).toBeDefined();
    const server = await resolvePostgresServer({ envUrl: undefined, localUrl: provided?.adminUrl ?? '' });
    expect(server).toMatchObject({ source: 'local', adminUrl: provided?.adminUrl });
    await server.close();
  });

  it('uses CARDBIND_TEST_DATABASE_URL when it is set', async () => {
    const adminUrl = inject('cardbindPostgres')?.adminUrl ?? '';
    const server = await resolvePostgresServer({ envUrl: adminUrl, localUrl: 'postgres://127.0.0.1:1/x' });
    expect(server).toMatchObject({ source: 'env', adminUrl });
  });

  it('fails on a CARDBIND_TEST_DATABASE_URL that does not work instead of quietly using another server, hiding its password', async () => {
    const port = await closedLoopbackPort();
    const failure = await resolvePostgresServer({
      envUrl: `postgres://app:hunter2@127.0.0.1:${port}/postgres`,
      localUrl: inject('cardbindPostgres')?.adminUrl ?? '',
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoPostgresServerError);
    const message = String(failure);
    expect(message).toContain(
      `CARDBIND_TEST_DATABASE_URL=postgres://app:***@127.0.0.1:${port}/postgres does not work`,
    );
    expect(message).not.toContain('hunter2');
  });

  it('with no server and no PostgreSQL programs, fails saying how to get a server', async () => {
    const port = await closedLoopbackPort();
    const failure = await resolvePostgresServer({
      envUrl: undefined,
      localUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      binaryRoots: ['/nonexistent/postgresql'],
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoPostgresServerError);
    const message = String(failure);
    expect(message).toContain('The tests need a PostgreSQL server and none could be found');
    expect(message).toContain('CARDBIND_TEST_DATABASE_URL is not set');
    expect(message).toContain(`postgres://postgres@127.0.0.1:${port}/postgres: connect ECONNREFUSED`);
    expect(message).toContain('no PostgreSQL server programs (initdb, pg_ctl) under /nonexistent/postgresql');
    expect(message).toContain(
      'CARDBIND_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm test',
    );
    expect(message).toContain('pg_ctlcluster --skip-systemctl-redirect');
    expect(message).toContain('apt-get install -y postgresql');
  });
});

describe('a throwaway cluster', () => {
  let cluster: ThrowawayCluster | undefined;
  afterAll(() => cluster?.stop());

  it(
    'starts from the installed server programs on a loopback port, answers queries, and is gone after stop',
    async () => {
      const started = Date.now();
      cluster = await startThrowawayCluster();
      const startMs = Date.now() - started;
      expect(cluster.url).toBe(`postgres://postgres@127.0.0.1:${cluster.port}/postgres`);
      const [row] = await query(
        cluster.url,
        "SELECT current_setting('port') AS port, current_setting('listen_addresses') AS listen, 6 * 7 AS answer",
      );
      expect(row).toEqual({ port: String(cluster.port), listen: '127.0.0.1', answer: 42 });
      if (process.getuid?.() === 0) {
        // PostgreSQL refuses root: the server must run as the postgres user.
        const [owner] = await query(cluster.url, 'SELECT current_user AS name');
        expect(owner).toEqual({ name: 'postgres' });
      }
      // eslint-disable-next-line no-console -- the cost of this path is worth seeing in the run's output
      console.info(`throwaway cluster (PostgreSQL ${cluster.binaries.major}) started in ${startMs} ms`);

      const { dir, url } = cluster;
      await cluster.stop();
      expect(existsSync(dir)).toBe(false);
      await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    },
    CLUSTER_TIMEOUT_MS,
  );
});
