import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { closeStores, type StoreParts, testStores } from './index.js';

async function query(url: string, sql: string, params: unknown[] = []): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

interface FakeStore {
  readonly at: { connectionString: string; schema: string };
  readonly keys: unknown;
  closed: boolean;
}

/** Stands in for a store: makes a table in its schema the way a migration would, and records its close. */
const parts: StoreParts<FakeStore | 'memory', { secret: string }> = {
  memoryStore: () => 'memory',
  secret: (value) => ({ secret: value }),
  postgresStore: async ({ connectionString, schema, keys }) => {
    await query(
      connectionString,
      `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.cards (token bytea, display jsonb)`,
    );
    const store: FakeStore & { close(): Promise<void> } = {
      at: { connectionString, schema },
      keys,
      closed: false,
      close: async () => {
        store.closed = true;
      },
    };
    return store;
  },
};

describe('test-support/stores', () => {
  const openStore = testStores(parts);

  it('memory: a new store each time, nothing to dump', async () => {
    const opened = await openStore('memory');
    expect(opened).toMatchObject({ kind: 'memory', store: 'memory', dump: undefined, secrets: [] });
  });

  it('postgres: one database per file, a schema per store, random 32-byte keys, a dump of every row; closeStores drops it all', async () => {
    const [a, b] = [await openStore('postgres'), await openStore('postgres')];
    if (a.store === 'memory' || b.store === 'memory') throw new Error('expected database stores');
    expect(new URL(a.store.at.connectionString).pathname).toBe(new URL(b.store.at.connectionString).pathname);
    expect(a.store.at.schema).not.toBe(b.store.at.schema);
    expect(a.store.keys).toEqual({
      currentKeyId: 'test',
      keys: { test: { secret: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) } },
      fingerprintKey: { secret: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) },
    });
    // The key material a dump is searched for: each key as base64 and hex.
    expect(a.secrets.map((secret) => secret.value.length).sort()).toEqual([44, 44, 64, 64]);

    // A token left in plain text in a bytea column must be readable in the dump, not only its hex.
    await query(
      a.store.at.connectionString,
      `INSERT INTO ${a.store.at.schema}.cards VALUES (convert_to('tok-plain', 'UTF8'), '{"maskedPan":"4111"}')`,
    );
    const dumped = await a.dump?.();
    expect(dumped).toHaveLength(1);
    expect(dumped?.[0]).toMatchObject({ where: 'cards row #1', table: 'cards' });
    expect(dumped?.[0]?.text).toContain('tok-plain');
    expect(dumped?.[0]?.text).toContain(`\\x${Buffer.from('tok-plain').toString('hex')}`);
    expect(dumped?.[0]?.text).toContain('display={"maskedPan":"4111"}');
    expect(await b.dump?.()).toEqual([]);

    await b.close();
    const name = new URL(a.store.at.connectionString).pathname.slice(1);
    await closeStores();
    expect(a.store.closed).toBe(true);
    const left = await query(
      inject('cardbindPostgres')?.adminUrl ?? '',
      'SELECT 1 FROM pg_database WHERE datname = $1',
      [name],
    );
    expect(left).toEqual([]);
  });
});
