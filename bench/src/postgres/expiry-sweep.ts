import { createPostgresBindingStore } from '@cardbind/store-postgres';
import type pg from 'pg';
import { z } from 'zod';
import { CountingListener } from '../fixtures/counting-listener.js';
import { PENDING_PROVIDER_ID, PendingProvider } from '../fixtures/instant-providers.js';
import { hostWith } from '../fixtures/service-with.js';
import { interleave } from '../measure/interleave.js';
import { CountingProxy } from '../measure/pg-counting-proxy.js';
import { countsPer, describeRoundTrips, type WireCounts } from '../measure/pg-wire.js';
import { ratioSummary } from '../measure/ratio.js';
import { summarise } from '../measure/stats.js';
import { duration, fixed, opsPerSecond, seconds, spread } from '../report/format.js';
import type { ResultRow, ScenarioOptions } from '../report/scenario.js';
import { benchPool, benchStoreKeys, type ScratchDatabase } from './bench-server.js';
import { tables } from './floor-binding.js';

const SCHEMA = 'bench_sweep';
/** The sweep: this many expired open bindings in the table. */
export const SWEEP_TOTAL = 100_000;
/** The worker's default `sweepBatchSize`. */
const BATCH = 100;
/** Where the seeded deadlines start: every one is long past when the sweep runs. */
const DAY_MS = 24 * 60 * 60_000;

const perSecond = (msPerBinding: readonly number[]): number[] => msPerBinding.map((value) => 1000 / value);
const bindingsPerSecond = (value: number): string => opsPerSecond(value).replace('ops/s', 'bindings/s');
const Count = z.object({ count: z.coerce.number() });

/**
 * Bulk-inserts `total` open bindings that expired one millisecond apart (row g at base + g ms), so
 * that slices of them in deadline order can be taken by either arm: the sweep takes the oldest first.
 */
async function seedExpired(pool: pg.Pool, total: number, base: Date): Promise<void> {
  const t = tables(SCHEMA);
  await pool.query(
    `INSERT INTO ${t.bindings}
       (id, version, provider, customer_id, customer, status, next_action, provider_ref, lookup_keys,
        metadata, created_at, updated_at, expires_at)
     SELECT 'bnd_sweep_' || g, 0, $1, 'sweep-' || g,
            jsonb_build_object('id', 'sweep-' || g, 'ip', '203.0.113.7'),
            'requires_action',
            jsonb_build_object('type', 'redirect', 'method', 'GET',
                               'url', 'https://pay.example.test/page?session=' || md5(g::text)),
            jsonb_build_object('login', 'customer-sweep-' || g, 'sessionId', md5(g::text)),
            ARRAY[]::text[], '{}'::jsonb,
            $2::timestamptz - interval '1 hour', $2::timestamptz - interval '1 hour',
            $2::timestamptz + g * interval '1 millisecond'
       FROM generate_series(1, $3::int) AS g`,
    [PENDING_PROVIDER_ID, base, total],
  );
  await pool.query(`VACUUM ANALYZE ${t.bindings}`);
}

/**
 * The expiry sweep of issue 09: 100,000 open bindings past their deadline, swept by
 * `CardBindingService.sweepExpired` in batches of 100 through a provider that answers "pending" at
 * once in process (so each binding expires), against the floor of one `UPDATE … SET status =
 * 'expired'` over the same kind of rows. The service's whole 100,000 would take minutes, so the arms
 * take turns on slices of the one table in deadline order and the service's figure is extrapolated;
 * what is left at the end goes in one `UPDATE … WHERE expires_at < now()`, the floor as the issue
 * states it.
 */
export async function expirySweep(
  { quick, log }: ScenarioOptions,
  database: ScratchDatabase,
): Promise<ResultRow[]> {
  const slice = quick ? 200 : 300;
  const pool = benchPool(database.url, 10);
  const t = tables(SCHEMA);
  const base = new Date(Date.now() - DAY_MS);
  /** Rows 1..consumed have been expired by one arm or the other. */
  let consumed = 0;
  const cutAfter = (count: number): Date => new Date(base.getTime() + count);
  const openUpTo = async (count: number): Promise<number> =>
    Count.parse(
      (
        await pool.query(
          `SELECT count(*) AS count FROM ${t.bindings}
            WHERE status IN ('requires_action', 'processing') AND expires_at <= $1`,
          [cutAfter(count)],
        )
      ).rows[0],
    ).count;

  try {
    const keys = benchStoreKeys();
    const store = await createPostgresBindingStore({ pool, keys, schema: SCHEMA });
    const seedStarted = performance.now();
    await seedExpired(pool, SWEEP_TOTAL, base);
    log(
      `seeded ${SWEEP_TOTAL.toLocaleString('en')} expired bindings in ${seconds(performance.now() - seedStarted)}`,
    );
    const listener = new CountingListener();
    const { service } = hostWith([new PendingProvider()], { store, listeners: [listener] });

    // One batch through a counting proxy first (it expires the first BATCH rows).
    const perBinding = await countOneBatch(database, keys);
    consumed += BATCH;
    log(`per swept binding: ${describeRoundTrips(perBinding, true)}`);

    const viaService = async (): Promise<number> => {
      const target = consumed + slice;
      const started = performance.now();
      for (let swept = 0; swept < slice;) {
        const looked = await service.sweepExpired(Math.min(BATCH, slice - swept));
        if (looked === 0) break;
        swept += looked;
      }
      const elapsed = performance.now() - started;
      const left = await openUpTo(target);
      if (left > 0) throw new Error(`the sweep left ${left} expired bindings open`);
      consumed = target;
      return elapsed / slice;
    };
    const viaUpdate = async (): Promise<number> => {
      const target = consumed + slice;
      const started = performance.now();
      const result = await pool.query(
        `UPDATE ${t.bindings} SET status = 'expired', version = version + 1, updated_at = now()
          WHERE status IN ('requires_action', 'processing') AND expires_at <= $1`,
        [cutAfter(target)],
      );
      const elapsed = performance.now() - started;
      if (result.rowCount !== slice) throw new Error(`the UPDATE expired ${result.rowCount} of ${slice}`);
      consumed = target;
      return elapsed / slice;
    };
    const samples = await interleave(
      [
        { name: 'sweep', run: viaService },
        { name: 'update', run: viaUpdate },
      ],
      { warmup: 1, rounds: quick ? 3 : 5 },
    );

    // The floor as the issue states it, on every row still open.
    const rest = SWEEP_TOTAL - consumed;
    const restStarted = performance.now();
    const all = await pool.query(
      `UPDATE ${t.bindings} SET status = 'expired', version = version + 1, updated_at = now()
        WHERE status IN ('requires_action', 'processing') AND expires_at < now()`,
    );
    const restMs = performance.now() - restStarted;
    if (all.rowCount !== rest) throw new Error(`the last UPDATE expired ${all.rowCount} of ${rest}`);

    const sweep = samples['sweep'] ?? [];
    const update = samples['update'] ?? [];
    const sweptByService = (sweep.length + 1) * slice + BATCH;
    const extrapolatedMs = summarise(sweep).p50 * SWEEP_TOTAL;
    const restPerBinding = restMs / rest;
    return [
      {
        scenario: '8',
        case: `sweep: bindings/s, sweepExpired (batches of ${BATCH}, 1 listener) vs one UPDATE per slice of ${slice}`,
        candidate: spread(summarise(perSecond(sweep)), bindingsPerSecond),
        baseline: `UPDATE ${bindingsPerSecond(summarise(perSecond(update)).p50)}`,
        ratio: ratioSummary(sweep, update),
        verdict: 'info',
        data: {
          slice,
          batch: BATCH,
          msPerBinding: summarise(sweep),
          updateMsPerBinding: summarise(update),
          samples,
        },
      },
      {
        scenario: '8',
        case: `sweep of ${SWEEP_TOTAL.toLocaleString('en')} expired bindings (service extrapolated from ${sweptByService.toLocaleString('en')} swept)`,
        candidate: `≈ ${duration(extrapolatedMs)}`,
        baseline: `one UPDATE … WHERE expires_at < now() on the other ${rest.toLocaleString('en')}: ${duration(restMs)}`,
        ratio: summarise([summarise(sweep).p50 / restPerBinding]),
        verdict: 'info',
        data: { total: SWEEP_TOTAL, sweptByService, extrapolatedMs, rest, restMs },
      },
      {
        scenario: '8',
        case: 'round trips per swept binding: sweepExpired vs the UPDATE',
        candidate: describeRoundTrips(perBinding),
        baseline: `1 per slice (${fixed(1 / slice, 4)} per binding)`,
        ratio: summarise([perBinding.roundTrips * slice]),
        verdict: 'info',
        data: { perBinding },
      },
    ];
  } finally {
    await pool.end();
  }
}

/** What sweeping one batch sends to the server, through a counting proxy (no timed round uses it). */
async function countOneBatch(
  database: ScratchDatabase,
  keys: ReturnType<typeof benchStoreKeys>,
): Promise<WireCounts> {
  const proxy = await CountingProxy.start({ host: database.host, port: database.port });
  const pool = benchPool(proxy.urlFor(database.url), 10);
  try {
    const { service } = hostWith([new PendingProvider()], {
      store: await createPostgresBindingStore({ pool, keys, schema: SCHEMA, migrate: false }),
      listeners: [new CountingListener()],
    });
    proxy.counter.take();
    const swept = await service.sweepExpired(BATCH);
    if (swept !== BATCH) throw new Error(`the counted sweep looked at ${swept} of ${BATCH}`);
    return countsPer(proxy.counter.take(), swept);
  } finally {
    await pool.end();
    await proxy.close();
  }
}
