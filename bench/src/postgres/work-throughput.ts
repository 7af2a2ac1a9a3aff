import { randomBytes } from 'node:crypto';
import { createPostgresBindingStore } from '@cardbind/store-postgres';
import type pg from 'pg';
import { z } from 'zod';
import { CountingListener } from '../fixtures/counting-listener.js';
import { hostWith, type BenchHost } from '../fixtures/service-with.js';
import { interleave } from '../measure/interleave.js';
import { ratioSummary } from '../measure/ratio.js';
import { summarise } from '../measure/stats.js';
import { opsPerSecond, spread } from '../report/format.js';
import type { ResultRow, ScenarioOptions } from '../report/scenario.js';
import { benchPool, benchStoreKeys, type ScratchDatabase } from './bench-server.js';
import { tables } from './floor-binding.js';

const SCHEMA = 'bench_work';
/** The worker's default `batchSize`. */
const BATCH = 20;
const LEASE_MS = 60_000;

const perSecond = (msPerItem: readonly number[]): number[] => msPerItem.map((value) => 1000 / value);
const itemsPerSecond = (value: number): string => opsPerSecond(value).replace('ops/s', 'items/s');
const Tally = z.object({ done: z.coerce.number(), rerun: z.coerce.number() });

/** A listener event for a binding that saved a card, as a transition writes it (dates as JSON text). */
function eventPayload(): string {
  const at = new Date().toISOString();
  const id = 'bnd_work_bench';
  const card = {
    id: 'card_work_bench',
    provider: 'payture',
    customerId: 'work-customer',
    bindingId: id,
    display: { maskedPan: '411111******1111', expiry: '12/30' },
    createdAt: at,
  };
  const binding = {
    id,
    provider: 'payture',
    customerId: 'work-customer',
    status: 'succeeded',
    card,
    metadata: {},
    createdAt: at,
    updatedAt: at,
    expiresAt: at,
  };
  return JSON.stringify({ from: 'requires_action', to: 'succeeded', binding });
}

/**
 * Durable background work (issue 09): `binding.event` items that were written and not yet run (their
 * process died after the commit), drained by `CardBindingWorker.runOnce` — claim a batch of 20 under a
 * lease, deliver each to the host's listener, complete it — with one worker and with two (two host
 * containers, each with its own store and pool, in this process), against the same claim and complete
 * statements issued with pg by one loop and by two. Every item must be done exactly once.
 */
export async function workThroughput(
  { quick }: ScenarioOptions,
  database: ScratchDatabase,
): Promise<ResultRow[]> {
  const items = quick ? 300 : 600;
  const t = tables(SCHEMA);
  const admin = benchPool(database.url, 4);
  const pools = [benchPool(database.url, 10), benchPool(database.url, 10)];
  const payload = eventPayload();
  let round = 0;
  try {
    const keys = benchStoreKeys();
    const listener = new CountingListener();
    const hosts: BenchHost[] = [];
    for (const pool of pools) {
      const store = await createPostgresBindingStore({ pool, keys, schema: SCHEMA });
      hosts.push(hostWith([], { store, listeners: [listener] }));
    }

    // A fresh queue of due items for every round, so every arm drains a table of the same size.
    const seed = async (): Promise<void> => {
      round += 1;
      await admin.query(`TRUNCATE ${t.workItems}`);
      await admin.query(
        `INSERT INTO ${t.workItems}
           (id, kind, binding_id, payload, status, attempts, run_at, deadline, created_at, updated_at)
         SELECT 'evt_bench_' || $1::int || '_' || g, 'binding.event', 'bnd_work_bench', $2::jsonb, 'pending', 0,
                now() - interval '1 second', now() + interval '1 day', now(), now()
           FROM generate_series(1, $3::int) AS g`,
        [round, payload, items],
      );
      await admin.query(`ANALYZE ${t.workItems}`);
    };
    const verify = async (arm: string): Promise<void> => {
      const tally = Tally.parse(
        (
          await admin.query(
            `SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) FILTER (WHERE attempts <> 1) AS rerun
               FROM ${t.workItems}`,
          )
        ).rows[0],
      );
      if (tally.done !== items || tally.rerun !== 0) {
        throw new Error(
          `${arm}: ${tally.done} of ${items} items done, ${tally.rerun} claimed more than once`,
        );
      }
    };
    const timed = (arm: string, drain: () => Promise<void>) => async (): Promise<number> => {
      await seed();
      const started = performance.now();
      await drain();
      const elapsed = performance.now() - started;
      await verify(arm);
      return elapsed / items;
    };
    const viaWorkers = (count: number) => async (): Promise<void> => {
      await Promise.all(hosts.slice(0, count).map(({ worker }) => drainWithWorker(worker)));
    };
    const viaSql = (count: number) => async (): Promise<void> => {
      await Promise.all(pools.slice(0, count).map((pool) => drainWithSql(pool, t.workItems)));
    };

    const samples = await interleave(
      [
        { name: 'worker', run: timed('1 worker', viaWorkers(1)) },
        { name: 'sql', run: timed('1 loop', viaSql(1)) },
        { name: '2 workers', run: timed('2 workers', viaWorkers(2)) },
        { name: '2 sql', run: timed('2 loops', viaSql(2)) },
      ],
      { warmup: 1, rounds: quick ? 3 : 5 },
    );
    if (listener.redelivered() > 0) throw new Error(`${listener.redelivered()} events were delivered twice`);

    const row = (label: string, name: string, baseline: string, baselineLabel: string): ResultRow => {
      const candidate = samples[name] ?? [];
      const base = samples[baseline] ?? [];
      return {
        scenario: '8',
        case: label,
        candidate: spread(summarise(perSecond(candidate)), itemsPerSecond),
        baseline: `${baselineLabel} ${itemsPerSecond(summarise(perSecond(base)).p50)}`,
        ratio: ratioSummary(candidate, base),
        goal: 'every item done once',
        // verify() stops the bench on an item left undone or claimed twice.
        verdict: 'met',
        data: { items, batch: BATCH, msPerItem: summarise(candidate), baselineMsPerItem: summarise(base) },
      };
    };
    return [
      row(
        `work items/s, 1 worker (runOnce, batches of ${BATCH}) vs claim + complete with pg`,
        'worker',
        'sql',
        'pg, 1 loop',
      ),
      row('work items/s, 2 workers vs the same with pg, 2 loops', '2 workers', '2 sql', 'pg, 2 loops'),
      {
        ...row('work items/s, 2 workers vs 1 worker', '2 workers', 'worker', '1 worker'),
        goal: undefined,
        verdict: 'info',
        data: { samples },
      },
    ];
  } finally {
    for (const pool of [...pools, admin]) await pool.end();
  }
}

async function drainWithWorker(worker: BenchHost['worker']): Promise<void> {
  while ((await worker.runOnce({ sweep: false, batchSize: BATCH })).work > 0);
}

const ClaimedRow = z.object({ id: z.string() });

/**
 * The floor: the store's claim statement (due rows, FOR UPDATE SKIP LOCKED, under a lease) and its
 * complete statement, with pg, delivering to nobody.
 */
async function drainWithSql(pool: pg.Pool, workItems: string): Promise<void> {
  const owner = `raw_${randomBytes(9).toString('base64url')}`;
  for (;;) {
    const now = new Date();
    const claimed = await pool.query(
      `UPDATE ${workItems}
          SET status = 'running', attempts = attempts + 1, lease_owner = $1, lease_until = $2, updated_at = $3
        WHERE id IN (SELECT id FROM ${workItems}
                      WHERE ((status = 'pending' AND run_at <= $3) OR (status = 'running' AND lease_until <= $3))
                      ORDER BY run_at
                      LIMIT $4
                      FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [owner, new Date(now.getTime() + LEASE_MS), now, BATCH],
    );
    if (claimed.rows.length === 0) return;
    for (const row of claimed.rows) {
      await pool.query(
        `UPDATE ${workItems}
            SET status = 'done', lease_owner = NULL, lease_until = NULL, updated_at = $3
          WHERE id = $1 AND status = 'running' AND lease_owner = $2`,
        [ClaimedRow.parse(row).id, owner, new Date()],
      );
    }
  }
}
