import { randomUUID } from 'node:crypto';
import type { NewWorkItem } from '@cardbind/core';
import type pg from 'pg';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresBindingStore, type PostgresBindingStore } from '../src/index.js';
import { ensureBuilt } from './support/built-package.js';
import { ClaimerProcess } from './support/claimer-process.js';
import { createTestDatabase, inspectPool, type TestDatabase } from './support/databases.js';
import { bindingRecord, creationAudit, testKeys } from './support/fixtures.js';

// Separate Node processes on one database, each a worker of its own host instance, running the built
// package: what keeps each item to one completion is the database (FOR UPDATE SKIP LOCKED, leases).
const PROCESS_TIMEOUT_MS = 60_000;

let db: TestDatabase;
let sql: pg.Pool;
const stores: PostgresBindingStore[] = [];
const processes: ClaimerProcess[] = [];

function claimer(...args: ConstructorParameters<typeof ClaimerProcess>): ClaimerProcess {
  const started = new ClaimerProcess(...args);
  processes.push(started);
  return started;
}

beforeAll(async () => {
  [db] = await Promise.all([createTestDatabase(), ensureBuilt()]);
  sql = inspectPool(db.url);
  // What the workers did, one row per time an item was performed: the ground truth for "exactly once".
  await sql.query(
    `CREATE TABLE public.work_effects (item_id text NOT NULL, owner text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
}, PROCESS_TIMEOUT_MS);

// A failed test must not leave a worker running against the database it is about to drop.
afterEach(() => {
  for (const started of processes.splice(0)) started.kill('SIGKILL');
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await sql?.end();
  await db?.drop();
});

/** A schema with `bindings` bindings of 5 due items each, written as transitions write them. */
async function seed(schema: string, bindings: number): Promise<NewWorkItem[]> {
  const store = await createPostgresBindingStore({
    connectionString: db.url,
    schema,
    keys: testKeys().config,
  });
  stores.push(store);
  const due = new Date(Date.now() - 1_000);
  const all: NewWorkItem[] = [];
  for (let b = 0; b < bindings; b += 1) {
    const record = bindingRecord();
    const work = Array.from({ length: 5 }, (_, i): NewWorkItem => ({
      id: `evt_${record.id}.${i}`,
      kind: 'binding.event',
      bindingId: record.id,
      payload: { n: b * 5 + i },
      runAt: new Date(due.getTime() + i),
      deadline: new Date(due.getTime() + 3_600_000),
    }));
    await store.create(record, creationAudit(record), work);
    all.push(...work);
  }
  return all;
}

const EffectRow = z.object({ item_id: z.string(), owner: z.string(), runs: z.number() });

/** How often each of `ids` was performed, and by whom. */
async function effectsOf(ids: readonly string[]): Promise<Map<string, z.infer<typeof EffectRow>[]>> {
  const result = await sql.query(
    `SELECT item_id, owner, count(*)::int AS runs FROM public.work_effects WHERE item_id = ANY($1) GROUP BY 1, 2`,
    [ids],
  );
  const byItem = new Map<string, z.infer<typeof EffectRow>[]>();
  for (const row of result.rows.map((r) => EffectRow.parse(r))) {
    byItem.set(row.item_id, [...(byItem.get(row.item_id) ?? []), row]);
  }
  return byItem;
}

async function storedWork(schema: string) {
  const rows = await sql.query(
    `SELECT id, status, attempts, lease_owner, updated_at FROM "${schema}".work_items ORDER BY id`,
  );
  return z
    .array(
      z.object({
        id: z.string(),
        status: z.string(),
        attempts: z.number(),
        lease_owner: z.string().nullable(),
        updated_at: z.date(),
      }),
    )
    .parse(rows.rows);
}

describe('work claimed by several processes', () => {
  it(
    'two processes claiming 200 items from one database complete each exactly once',
    async () => {
      const schema = 'two_workers';
      const items = await seed(schema, 40);
      const run = randomUUID().slice(0, 8);
      const workers = ['a', 'b'].map((name) =>
        claimer(db.url, schema, `worker-${name}-${run}`, { batch: 5, leaseMs: 30_000, workMs: 2 }),
      );
      await Promise.all(workers.map((worker) => worker.next('ready')));
      for (const worker of workers) worker.go();
      const results = await Promise.all(workers.map((worker) => worker.next('done')));
      const exits = await Promise.all(workers.map((worker) => worker.exited));

      // eslint-disable-next-line no-console -- the per-process counts are what this test reports
      console.info(
        `200 items, 2 processes: ${results.map((r) => `${r.owner} completed ${r.completed.length} in ${r.claims} claims`).join('; ')}`,
      );
      expect(exits).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
      for (const result of results) {
        expect(result.lost).toEqual([]);
        // Both took part: the items were shared, not drained by whichever started first.
        expect(result.completed.length).toBeGreaterThan(0);
      }
      const completed = results.flatMap((result) => result.completed);
      expect(completed).toHaveLength(200);
      expect(new Set(completed).size).toBe(200);
      expect([...completed].sort()).toEqual(items.map((item) => item.id).sort());

      const effects = await effectsOf(items.map((item) => item.id));
      expect(effects.size).toBe(200);
      for (const [id, rows] of effects) {
        expect(rows, id).toHaveLength(1);
        expect(rows[0]?.runs, id).toBe(1);
      }
      for (const result of results) {
        const performedBy = [...effects.values()].filter((rows) => rows[0]?.owner === result.owner).length;
        expect(performedBy).toBe(result.completed.length);
      }
      const stored = await storedWork(schema);
      expect(stored.map((row) => [row.status, row.attempts, row.lease_owner])).toEqual(
        stored.map(() => ['done', 1, null]),
      );
    },
    PROCESS_TIMEOUT_MS,
  );

  it(
    'a process SIGKILLed holding a lease: once the lease runs out another takes its items; only the item it had performed runs twice',
    async () => {
      const schema = 'killed_worker';
      const items = await seed(schema, 20);
      const run = randomUUID().slice(0, 8);
      const leaseMs = 1_500;
      // The victim completes its first batch, performs the first item of its second, then hangs holding
      // the lease on all five: the worst moment, after the effect and before the completion.
      const victim = claimer(db.url, schema, `victim-${run}`, { batch: 5, leaseMs, workMs: 1, holdBatch: 2 });
      const survivor = claimer(db.url, schema, `survivor-${run}`, { batch: 5, leaseMs, workMs: 3 });
      await Promise.all([victim.next('ready'), survivor.next('ready')]);
      victim.go();
      const holding = await victim.next('holding');
      // The survivor works alongside the hung victim (whose lease it must respect), which is then killed.
      survivor.go();
      await new Promise((resolve) => setTimeout(resolve, 100));
      victim.kill('SIGKILL');
      expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
      const done = await survivor.next('done');
      expect(await survivor.exited).toEqual({ code: 0, signal: null });

      const heldIds = new Set(holding.ids);
      const victimCompleted = items.length - done.completed.length;
      // eslint-disable-next-line no-console -- the per-process counts are what this test reports
      console.info(
        `100 items: the victim completed ${victimCompleted} and was killed holding ${holding.ids.length} (performed ${holding.performed.length}); the survivor completed ${done.completed.length} in ${done.claims} claims`,
      );
      expect(done.lost).toEqual([]);
      // The survivor completed everything the victim held, after the victim's lease had run out.
      for (const id of heldIds) expect(done.completed).toContain(id);
      const stored = await storedWork(schema);
      expect(stored).toHaveLength(items.length);
      for (const row of stored) {
        expect(row.status, row.id).toBe('done');
        expect(row.lease_owner, row.id).toBeNull();
        expect(row.attempts, row.id).toBe(heldIds.has(row.id) ? 2 : 1);
        if (heldIds.has(row.id))
          expect(row.updated_at.getTime()).toBeGreaterThanOrEqual(holding.leaseUntil.getTime());
      }

      // Each item was performed once, except what the victim performed and never completed: at least
      // once means that one is performed again (listeners dedupe by the item id; after-steps are idempotent).
      const effects = await effectsOf(items.map((item) => item.id));
      expect(effects.size).toBe(items.length);
      const twice = [...effects].filter(([, rows]) => rows.reduce((sum, row) => sum + row.runs, 0) > 1);
      expect(twice.map(([id]) => id)).toEqual(holding.performed);
      expect(twice[0]?.[1].map((row) => row.owner).sort()).toEqual([`survivor-${run}`, `victim-${run}`]);
      expect(victimCompleted).toBe(5);
    },
    PROCESS_TIMEOUT_MS,
  );
});
