import { createPostgresBindingStore, migratePostgresSchema } from '@cardbind/store-postgres';
import { startPaytureEmulator, type PaytureEmulator } from '@cardbind/testing/emulators';
import { interleave } from '../measure/interleave.js';
import { CountingProxy } from '../measure/pg-counting-proxy.js';
import { countsPer, describeRoundTrips, type WireCounts } from '../measure/pg-wire.js';
import { ratioSummary } from '../measure/ratio.js';
import { summarise } from '../measure/stats.js';
import {
  BENCH_CHARGE_KOPECKS,
  bindCards,
  CardQueue,
  type ChargeableCard,
  paytureChargeHost,
  type PaytureChargeHost,
  serviceCharge,
} from '../payture/charge-host.js';
import { CustomerPool } from '../payture/service-flow.js';
import { ms, opsPerSecond, spread } from '../report/format.js';
import { skippedRow, type ResultRow, type ScenarioOptions } from '../report/scenario.js';
import { benchPool, benchStoreKeys, type ScratchDatabase } from './bench-server.js';
import { floorCharge } from './floor-charge.js';

const SCENARIO = '9';
const STORE_SCHEMA = 'bench_charges';
const FLOOR_SCHEMA = 'bench_charges_floor';
/** Charges per counting pass: the counts are exact, the average only smooths the first connection. */
const COUNTED_CHARGES = 4;
/**
 * How many earlier charges the retry advice reads (`RETRY_HISTORY` in core's ChargeService): a card
 * charged this often before is the steady state of a subscription; fewer is a card's first months.
 */
const FULL_HISTORY = 20;
/** Cards charged again and again for the full-history arm: few, so each keeps a full history. */
const HISTORY_CARDS = 4;
/** Charges in flight at once in the concurrent arm: the store's pool has 10 connections. */
const LANES = 8;

const perSecond = (msPerCharge: readonly number[]): number[] => msPerCharge.map((value) => 1000 / value);
const chargesPerSecond = (value: number): string => opsPerSecond(value).replace('ops/s', 'charges/s');

/**
 * Payture charges (`ChargeService.charge` → one `vwapi/Pay` against the emulator → settled) on the
 * in-memory stores and on PostgreSQL, one at a time, next to the floor: the same charge writes issued
 * directly with pg. Plus the same PostgreSQL host on cards with a full retry-advice history, and eight
 * charges at a time.
 */
export async function chargeThroughput(
  { quick, log }: ScenarioOptions,
  database: ScratchDatabase | undefined,
  skipReason: string,
): Promise<ResultRow[]> {
  const labels = {
    throughput: 'charges/s, Payture on PostgreSQL vs in-memory (one at a time)',
    storeShare: "PostgreSQL store's time per charge (PostgreSQL − in-memory) vs the same writes with pg",
    roundTrips: 'round trips per charge: PostgreSQL store vs floor',
    cpu: 'CPU per charge in this process (client + emulator): PostgreSQL vs in-memory',
    history: `PostgreSQL: a card with ${FULL_HISTORY} earlier charges vs a card's first charge`,
    lanes: `charges/s on PostgreSQL, ${LANES} at a time vs one at a time`,
  };
  if (!database) return Object.values(labels).map((label) => skippedRow(SCENARIO, label, skipReason));

  const emulator = await startPaytureEmulator();
  const customers = new CustomerPool(emulator, 'cp-');
  const storePool = benchPool(database.url, 10);
  const floorPool = benchPool(database.url, 10);
  const closers = [() => storePool.end(), () => floorPool.end(), () => emulator.close()];
  const perRound = quick ? 10 : 16;
  const rounds = quick ? 4 : 7;
  const warmup = 2;
  const cpu: Record<string, number[]> = {};
  const timed = (name: string, round: () => Promise<void>) => async (): Promise<number> => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await round();
    const wall = (performance.now() - started) / perRound;
    const used = process.cpuUsage(cpuBefore);
    (cpu[name] ??= []).push((used.user + used.system) / 1000 / perRound);
    return wall;
  };
  const inTurn = (charge: () => Promise<unknown>) => async (): Promise<void> => {
    for (let index = 0; index < perRound; index++) await charge();
  };

  try {
    const keys = benchStoreKeys();
    const store = await createPostgresBindingStore({ pool: storePool, keys, schema: STORE_SCHEMA });
    await migratePostgresSchema({ pool: floorPool, schema: FLOOR_SCHEMA });
    const memoryHost = paytureChargeHost(emulator);
    const postgresHost = paytureChargeHost(emulator, store);
    const cardsPerArm = perRound * (rounds + warmup);
    log(
      `binding ${cardsPerArm * 3 + HISTORY_CARDS} cards (${cardsPerArm * 2 + HISTORY_CARDS} on PostgreSQL)`,
    );
    const memoryCards = new CardQueue(
      await bindCards(memoryHost, emulator, customers, cardsPerArm),
      'memory',
    );
    const postgresCards = new CardQueue(
      await bindCards(postgresHost, emulator, customers, cardsPerArm),
      'postgres',
    );
    const laneCards = new CardQueue(await bindCards(postgresHost, emulator, customers, cardsPerArm), 'lanes');
    const historyCards = new CardQueue(
      await chargedCards(postgresHost, emulator, customers, HISTORY_CARDS, FULL_HISTORY),
      'history',
    );
    // The floor's charges need a card's ids only (no card table is read): one new customer's card each.
    let floorIndex = 0;

    const counts = await countRoundTrips(database, emulator, customers, keys);
    log(`per charge, store: ${describeRoundTrips(counts.store, true)}`);
    log(`per charge, floor: ${describeRoundTrips(counts.floor, true)}`);

    const arms: Record<string, () => Promise<void>> = {
      memory: inTurn(() => serviceCharge(memoryHost, memoryCards.take())),
      postgres: inTurn(() => serviceCharge(postgresHost, postgresCards.take())),
      'postgres, full history': inTurn(() => serviceCharge(postgresHost, historyCards.cycle())),
      [`postgres, ${LANES} at a time`]: async () => {
        let left = perRound;
        const lane = async (): Promise<void> => {
          while (left-- > 0) await serviceCharge(postgresHost, laneCards.take());
        };
        await Promise.all(Array.from({ length: LANES }, lane));
      },
      floor: inTurn(() => {
        const n = floorIndex++;
        const card = { id: `card_floor_${n}`, customerId: `floor-${n}`, bindingId: `bnd_floor_${n}` };
        return floorCharge(floorPool, FLOOR_SCHEMA, card, BENCH_CHARGE_KOPECKS);
      }),
    };
    const samples = await interleave(
      Object.entries(arms).map(([name, round]) => ({ name, run: timed(name, round) })),
      { warmup, rounds },
    );
    const memory = samples['memory'] ?? [];
    const postgres = samples['postgres'] ?? [];
    const history = samples['postgres, full history'] ?? [];
    const lanes = samples[`postgres, ${LANES} at a time`] ?? [];
    const floor = samples['floor'] ?? [];
    const storeShare = postgres.map((value, index) => value - (memory[index] ?? 0));

    return [
      {
        scenario: SCENARIO,
        case: labels.throughput,
        candidate: spread(summarise(perSecond(postgres)), chargesPerSecond),
        baseline: `in-memory ${chargesPerSecond(summarise(perSecond(memory)).p50)}`,
        // Time per charge, like every ratio here: above 1 means the durable store costs more.
        ratio: ratioSummary(postgres, memory),
        verdict: 'info',
        data: { perRound, msPerCharge: summarise(postgres), memoryMsPerCharge: summarise(memory), samples },
      },
      {
        scenario: SCENARIO,
        case: labels.storeShare,
        candidate: spread(summarise(storeShare), ms),
        baseline: `floor ${spread(summarise(floor), ms)} (${chargesPerSecond(summarise(perSecond(floor)).p50)})`,
        ratio: ratioSummary(storeShare, floor),
        verdict: 'info',
        data: { storeShare: summarise(storeShare), floor: summarise(floor) },
      },
      {
        scenario: SCENARIO,
        case: labels.roundTrips,
        candidate: describeRoundTrips(counts.store),
        baseline: `floor ${describeRoundTrips(counts.floor)}`,
        ratio: summarise([counts.store.roundTrips / counts.floor.roundTrips]),
        verdict: 'info',
        data: { counts },
      },
      {
        scenario: SCENARIO,
        case: labels.cpu,
        candidate: spread(summarise(cpu['postgres'] ?? []), ms),
        baseline: `in-memory ${ms(summarise(cpu['memory'] ?? []).p50)}, floor ${ms(summarise(cpu['floor'] ?? []).p50)}`,
        ratio: ratioSummary(cpu['postgres'] ?? [], cpu['memory'] ?? []),
        verdict: 'info',
        data: { cpu },
      },
      {
        scenario: SCENARIO,
        case: labels.history,
        candidate: `${FULL_HISTORY} earlier: ${spread(summarise(history), ms)}`,
        baseline: `first charge ${ms(summarise(postgres).p50)}`,
        ratio: ratioSummary(history, postgres),
        verdict: 'info',
        data: { history: summarise(history), cards: HISTORY_CARDS },
      },
      {
        scenario: SCENARIO,
        case: labels.lanes,
        candidate: spread(summarise(perSecond(lanes)), chargesPerSecond),
        baseline: `one at a time ${chargesPerSecond(summarise(perSecond(postgres)).p50)}`,
        // Time per charge: below 1 is what concurrency buys on this machine.
        ratio: ratioSummary(lanes, postgres),
        verdict: 'info',
        data: { lanes: LANES, msPerCharge: summarise(lanes) },
      },
    ] satisfies ResultRow[];
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}

/** `count` cards, each already charged `times` times (so the retry advice reads a full history). */
async function chargedCards(
  host: PaytureChargeHost,
  emulator: PaytureEmulator,
  customers: CustomerPool,
  count: number,
  times: number,
): Promise<ChargeableCard[]> {
  const cards = await bindCards(host, emulator, customers, count);
  for (const card of cards) for (let index = 0; index < times; index++) await serviceCharge(host, card);
  return cards;
}

/**
 * What one charge sends to the server, through a counting proxy: a store on the same schema behind its
 * own pool, and the floor's statements. Run before the timed rounds; the proxy is in none of them.
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
    const host = paytureChargeHost(emulator, store);
    const cards = await bindCards(host, emulator, customers, COUNTED_CHARGES + 1);
    const floorCard = { id: 'card_counted', customerId: 'counted', bindingId: 'bnd_counted' };
    // The first charge and floor charge open the pool's connections; what is counted starts after them.
    const [first, ...counted] = cards;
    if (first) await serviceCharge(host, first);
    await floorCharge(pool, FLOOR_SCHEMA, floorCard, BENCH_CHARGE_KOPECKS);
    proxy.counter.take();
    for (const card of counted) await serviceCharge(host, card);
    const storeCounts = countsPer(proxy.counter.take(), COUNTED_CHARGES);
    for (let index = 0; index < COUNTED_CHARGES; index++) {
      await floorCharge(pool, FLOOR_SCHEMA, floorCard, BENCH_CHARGE_KOPECKS);
    }
    return { store: storeCounts, floor: countsPer(proxy.counter.take(), COUNTED_CHARGES) };
  } finally {
    await pool.end();
    await proxy.close();
  }
}
