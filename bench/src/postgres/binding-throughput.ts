import { InMemoryBindingStore, type CardBindingService } from '@cardbind/core';
import {
  createPgliteBindingStore,
  createPostgresBindingStore,
  migratePostgresSchema,
} from '@cardbind/store-postgres';
import { startPaytureEmulator, type PaytureEmulator } from '@cardbind/testing/emulators';
import { CountingListener } from '../fixtures/counting-listener.js';
import { interleave } from '../measure/interleave.js';
import { CountingProxy } from '../measure/pg-counting-proxy.js';
import { countsPer, describeRoundTrips, type WireCounts } from '../measure/pg-wire.js';
import { ratioSummary } from '../measure/ratio.js';
import { summarise } from '../measure/stats.js';
import { ms, opsPerSecond, spread } from '../report/format.js';
import { skippedRow, type ResultRow, type ScenarioOptions } from '../report/scenario.js';
import { CustomerPool, paytureServiceOn, serviceBinding } from '../payture/service-flow.js';
import { benchPool, benchStoreKeys, type ScratchDatabase } from './bench-server.js';
import { floorBinding } from './floor-binding.js';

const SCENARIO = '7';
const STORE_SCHEMA = 'bench_store';
const FLOOR_SCHEMA = 'bench_floor';
/** Bindings per counting pass: the counts are exact, the average only smooths the first connection. */
const COUNTED_BINDINGS = 4;

/** Bindings per second from milliseconds per binding. */
const perSecond = (msPerBinding: readonly number[]): number[] => msPerBinding.map((value) => 1000 / value);
const bindingsPerSecond = (value: number): string => opsPerSecond(value).replace('ops/s', 'bindings/s');

/**
 * Whole Payture bindings (start → the hosted page → finalise, against the emulator) through
 * CardBindingService on the in-memory store, on PGlite, and on PostgreSQL, next to the floor: the same
 * writes issued directly with pg. Every host here has one listener, so each transition also writes
 * (and at once runs) a `binding.event` work item, as a host with a webhook or an e-mail would.
 */
export async function bindingThroughput(
  { quick, log }: ScenarioOptions,
  database: ScratchDatabase | undefined,
  skipReason: string,
): Promise<ResultRow[]> {
  const emulator = await startPaytureEmulator();
  const customers = new CustomerPool(emulator, 'ds-');
  const listener = new CountingListener();
  const pglite = await createPgliteBindingStore({ keys: benchStoreKeys() });
  const closers: (() => Promise<void>)[] = [() => pglite.close(), () => emulator.close()];
  const perRound = quick ? 10 : 16;
  const cpu: Record<string, number[]> = {};
  const timed = (name: string, binding: () => Promise<unknown>) => async (): Promise<number> => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let index = 0; index < perRound; index++) await binding();
    const wall = (performance.now() - started) / perRound;
    const used = process.cpuUsage(cpuBefore);
    (cpu[name] ??= []).push((used.user + used.system) / 1000 / perRound);
    return wall;
  };
  const through = (service: CardBindingService) => () => {
    const [id = ''] = customers.take(1);
    return serviceBinding({ service }, emulator, id);
  };

  try {
    const arms: Record<string, () => Promise<unknown>> = {
      memory: through(paytureServiceOn(emulator, new InMemoryBindingStore(), [listener])),
      pglite: through(paytureServiceOn(emulator, pglite, [listener])),
    };
    let counts: { store: WireCounts; floor: WireCounts } | undefined;
    if (database) {
      const keys = benchStoreKeys();
      const storePool = benchPool(database.url, 10);
      // The same store with commits that do not wait for the WAL to reach the disk: what is left is
      // round trips and CPU, so the difference is what the commits' flushes cost.
      const lazyPool = benchPool(database.url, 10, '-c synchronous_commit=off');
      const floorPool = benchPool(database.url, 10);
      closers.unshift(
        () => storePool.end(),
        () => lazyPool.end(),
        () => floorPool.end(),
      );
      const store = await createPostgresBindingStore({ pool: storePool, keys, schema: STORE_SCHEMA });
      const lazyStore = await createPostgresBindingStore({ pool: lazyPool, keys, schema: STORE_SCHEMA });
      await migratePostgresSchema({ pool: floorPool, schema: FLOOR_SCHEMA });
      let floorIndex = 0;
      arms['postgres'] = through(paytureServiceOn(emulator, store, [listener]));
      arms['postgres, no flush'] = through(paytureServiceOn(emulator, lazyStore, [listener]));
      arms['floor'] = () => floorBinding(floorPool, FLOOR_SCHEMA, floorIndex++);
      counts = await countRoundTrips(database, emulator, customers, keys);
      log(`per binding, store: ${describeRoundTrips(counts.store, true)}`);
      log(`per binding, floor: ${describeRoundTrips(counts.floor, true)}`);
    }

    const samples = await interleave(
      Object.entries(arms).map(([name, binding]) => ({ name, run: timed(name, binding) })),
      { warmup: 2, rounds: quick ? 4 : 7 },
    );
    const memory = samples['memory'] ?? [];
    const rows: ResultRow[] = [];
    const label = (store: string): string => `bindings/s, Payture on ${store} vs in-memory (1 listener)`;
    const againstMemory = (name: string, store: string): ResultRow => {
      const candidate = samples[name] ?? [];
      return {
        scenario: SCENARIO,
        case: label(store),
        candidate: spread(summarise(perSecond(candidate)), bindingsPerSecond),
        baseline: `in-memory ${bindingsPerSecond(summarise(perSecond(memory)).p50)}`,
        // Time per binding, like every ratio here: above 1 means the durable store costs more.
        ratio: ratioSummary(candidate, memory),
        verdict: 'info',
        data: { perRound, msPerBinding: summarise(candidate), memoryMsPerBinding: summarise(memory) },
      };
    };

    if (database && counts) {
      const postgres = samples['postgres'] ?? [];
      const floor = samples['floor'] ?? [];
      const storeShare = postgres.map((value, index) => value - (memory[index] ?? 0));
      rows.push(
        againstMemory('postgres', 'PostgreSQL'),
        {
          scenario: SCENARIO,
          case: "PostgreSQL store's time per binding (PostgreSQL − in-memory) vs the same writes with pg",
          candidate: spread(summarise(storeShare), ms),
          baseline: `floor ${spread(summarise(floor), ms)} (${bindingsPerSecond(summarise(perSecond(floor)).p50)})`,
          ratio: ratioSummary(storeShare, floor),
          verdict: 'info',
          data: { storeShare: summarise(storeShare), floor: summarise(floor), samples },
        },
        {
          scenario: SCENARIO,
          case: 'PostgreSQL store: commits that wait for the WAL flush vs synchronous_commit=off',
          candidate: `flushed ${ms(summarise(postgres).p50)}`,
          baseline: `not flushed ${spread(summarise(samples['postgres, no flush'] ?? []), ms)}`,
          ratio: ratioSummary(postgres, samples['postgres, no flush'] ?? []),
          verdict: 'info',
          data: { noFlush: summarise(samples['postgres, no flush'] ?? []) },
        },
        {
          scenario: SCENARIO,
          case: 'round trips per binding: PostgreSQL store vs floor',
          candidate: describeRoundTrips(counts.store),
          baseline: `floor ${describeRoundTrips(counts.floor)}`,
          ratio: summarise([counts.store.roundTrips / counts.floor.roundTrips]),
          verdict: 'info',
          data: { counts },
        },
        {
          scenario: SCENARIO,
          case: 'CPU per binding in this process (client + emulator): PostgreSQL vs in-memory',
          candidate: spread(summarise(cpu['postgres'] ?? []), ms),
          baseline: `in-memory ${ms(summarise(cpu['memory'] ?? []).p50)}, floor ${ms(summarise(cpu['floor'] ?? []).p50)}`,
          ratio: ratioSummary(cpu['postgres'] ?? [], cpu['memory'] ?? []),
          verdict: 'info',
          data: { cpu },
        },
      );
    } else {
      rows.push(skippedRow(SCENARIO, label('PostgreSQL'), skipReason));
    }
    rows.push(againstMemory('pglite', 'PGlite (in process)'));
    if (listener.redelivered() > 0) throw new Error(`${listener.redelivered()} events were delivered twice`);
    return rows;
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}

/**
 * What one binding sends to the server, through a counting proxy: a store on the same schema behind
 * its own pool, and the floor's statements. Run before the timed rounds; the proxy is in none of them.
 */
async function countRoundTrips(
  database: ScratchDatabase,
  emulator: PaytureEmulator,
  customers: CustomerPool,
  keys: ReturnType<typeof benchStoreKeys>,
): Promise<{ store: WireCounts; floor: WireCounts }> {
  const proxy = await CountingProxy.start({ host: database.host, port: database.port });
  const pool = benchPool(proxy.urlFor(database.url), 10);
  try {
    const store = await createPostgresBindingStore({ pool, keys, schema: STORE_SCHEMA, migrate: false });
    const service = paytureServiceOn(emulator, store, [new CountingListener()]);
    // The first binding opens the pool's connection; what is counted starts after it.
    await serviceBinding({ service }, emulator, customers.take(1)[0] ?? '');
    await floorBinding(pool, FLOOR_SCHEMA, -1);
    proxy.counter.take();
    for (let index = 0; index < COUNTED_BINDINGS; index++) {
      await serviceBinding({ service }, emulator, customers.take(1)[0] ?? '');
    }
    const storeCounts = countsPer(proxy.counter.take(), COUNTED_BINDINGS);
    for (let index = 0; index < COUNTED_BINDINGS; index++) await floorBinding(pool, FLOOR_SCHEMA, -2 - index);
    return { store: storeCounts, floor: countsPer(proxy.counter.take(), COUNTED_BINDINGS) };
  } finally {
    await pool.end();
    await proxy.close();
  }
}
