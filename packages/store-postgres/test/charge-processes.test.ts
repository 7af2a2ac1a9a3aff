import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresBindingStore } from '../src/index.js';
import { ensureBuilt } from './support/built-package.js';
import { createTestDatabase, inspectPool, type TestDatabase } from './support/databases.js';
import { testKeys } from './support/fixtures.js';

// Separate Node processes on one database, each a host instance running the built package: what keeps
// one charge per idempotency key across them is the database's unique constraint, not process memory.
const PROCESS_TIMEOUT_MS = 60_000;
const CREATOR = fileURLToPath(new URL('./fixtures/charge-creator.mjs', import.meta.url));
const PER_PROCESS = 10;

const CreatorMessage = z.discriminatedUnion('event', [
  z.object({ event: z.literal('ready'), pid: z.number() }),
  z.object({
    event: z.literal('done'),
    results: z.array(z.object({ tried: z.string(), created: z.boolean(), id: z.string() })),
  }),
]);
type CreatorMessage = z.infer<typeof CreatorMessage>;

let db: TestDatabase;
let sql: pg.Pool;

beforeAll(async () => {
  [db] = await Promise.all([createTestDatabase(), ensureBuilt()]);
  sql = inspectPool(db.url);
}, PROCESS_TIMEOUT_MS);

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

/** Starts the fixture; `messages` resolves with everything it said once it exits. */
function creator(args: string[]) {
  const child = spawn(process.execPath, [CREATOR, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const seen: CreatorMessage[] = [];
  let stderr = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter((text) => text.trim() !== '')) {
      const message = CreatorMessage.parse(JSON.parse(line));
      seen.push(message);
      if (message.event === 'ready') onReady();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    ready: Promise.race([
      ready,
      exited.then(() => Promise.reject(new Error(`creator ended early: ${stderr}`))),
    ]),
    go: () => child.stdin.end('go\n'),
    done: exited.then((code) => {
      const done = seen.find((message) => message.event === 'done');
      if (code !== 0 || done?.event !== 'done') throw new Error(`creator exited ${code}: ${stderr}`);
      return done.results;
    }),
  };
}

describe('charges created by several processes', () => {
  it(
    'two processes creating 20 charges with one (customer, idempotency key) at once: one charge, one audit row',
    async () => {
      const schema = 'two_chargers';
      const setup = await createPostgresBindingStore({
        connectionString: db.url,
        schema,
        keys: testKeys().config,
      });
      await setup.close();
      const customerId = `customer-${randomUUID()}`;
      const creators = [0, 1].map(() =>
        creator([db.url, schema, customerId, 'order-42-attempt', String(PER_PROCESS)]),
      );
      await Promise.all(creators.map((started) => started.ready));
      for (const started of creators) started.go();
      const results = (await Promise.all(creators.map((started) => started.done))).flat();

      expect(results).toHaveLength(2 * PER_PROCESS);
      const created = results.filter((result) => result.created);
      expect(created).toHaveLength(1);
      const winner = created[0]?.id;
      for (const result of results) expect(result.id).toBe(winner);
      const rows = await sql.query(`SELECT id FROM ${schema}.charges WHERE customer_id = $1`, [customerId]);
      expect(rows.rows).toEqual([{ id: winner }]);
      const audit = await sql.query(
        `SELECT subject_id FROM ${schema}.charge_audit WHERE subject_id = ANY($1)`,
        [results.map((result) => result.tried)],
      );
      expect(audit.rows).toEqual([{ subject_id: winner }]);
    },
    PROCESS_TIMEOUT_MS,
  );
});
