import { startPaytureEmulator } from '@cardbind/testing/emulators';
import { interleave } from './measure/interleave.js';
import { ratioSummary } from './measure/ratio.js';
import { summarise } from './measure/stats.js';
import {
  BENCH_CHARGE_KOPECKS,
  bindCards,
  CardQueue,
  paytureChargeHost,
  type PaytureChargeHost,
  serviceCharge,
} from './payture/charge-host.js';
import { directPay, seedWalletCards } from './payture/direct-pay.js';
import { gotPoster } from './payture/form-poster.js';
import { CustomerPool } from './payture/service-flow.js';
import { chargeThroughput } from './postgres/charge-throughput.js';
import { createScratchDatabase, findBenchServer, type ScratchDatabase } from './postgres/bench-server.js';
import { ms, spread } from './report/format.js';
import { timedPart, type ResultRow, type Scenario, type ScenarioOptions } from './report/scenario.js';

const SCENARIO = '9';

export const charges: Scenario = {
  id: SCENARIO,
  title: 'charging (Payture recurring Pay on saved cards)',
  async run(options) {
    const rows: ResultRow[] = [
      ...(await timedPart(options, 'service vs got', () => chargeOverhead(options))),
    ];
    const server = await findBenchServer();
    if (!server.ok) options.log(`PostgreSQL rows skipped: ${server.reason}`);
    const database: ScratchDatabase | undefined = server.ok
      ? await createScratchDatabase(server.adminUrl)
      : undefined;
    try {
      rows.push(
        ...(await timedPart(options, 'PostgreSQL', () =>
          chargeThroughput(options, database, server.ok ? '' : server.reason),
        )),
      );
      return rows;
    } finally {
      await database?.drop();
    }
  },
};

/**
 * A charge through `ChargeService.charge` (in-memory stores, the Payture provider on the emulator's Pay
 * terminal) against the floor: the same `vwapi/Pay` sent with got to the same emulator. Every service
 * charge is a bound card's first, with a fresh idempotency key; every floor charge a fresh order id.
 */
async function chargeOverhead({ quick, log }: ScenarioOptions): Promise<ResultRow[]> {
  const emulator = await startPaytureEmulator();
  const got = gotPoster();
  const customers = new CustomerPool(emulator, 'co-');
  const perRound = quick ? 60 : 150;
  const rounds = quick ? 5 : 11;
  const warmup = 2;
  /** CPU milliseconds per charge (client and emulator: one process), per arm and round. */
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

  try {
    const total = warmup + rounds;
    log(`binding ${perRound * total + 1} cards`);
    // A host per round: InMemoryChargeStore.listCharges (the retry advice's read) scans every charge the
    // store holds, so one store for the whole run would make each round dearer than the one before.
    const hosts: { host: PaytureChargeHost; cards: CardQueue }[] = [];
    for (let round = 0; round < total; round++) {
      const host = paytureChargeHost(emulator);
      const cards = new CardQueue(await bindCards(host, emulator, customers, perRound), `round ${round}`);
      hosts.push({ host, cards });
    }
    const probe = paytureChargeHost(emulator);
    const probeCards = new CardQueue(await bindCards(probe, emulator, customers, 1), 'probe');
    const wallet = new CardQueue(
      seedWalletCards(emulator, new CustomerPool(emulator, 'cof-'), perRound * total + 1),
      'got',
    );
    const floorCharge = () => directPay(emulator, got, wallet.take(), BENCH_CHARGE_KOPECKS);
    let hostRound = 0;
    const arms = {
      cardbind: async () => {
        const round = hosts[hostRound++];
        if (!round) throw new Error('more rounds than hosts');
        for (let index = 0; index < perRound; index++) await serviceCharge(round.host, round.cards.take());
      },
      got: async () => {
        for (let index = 0; index < perRound; index++) await floorCharge();
      },
    };
    const debitsBefore = emulator.ledger.length;
    const requests: Record<string, number> = {};
    const probes = { cardbind: () => serviceCharge(probe, probeCards.take()), got: floorCharge };
    for (const [name, charge] of Object.entries(probes)) {
      const before = emulator.requests.length;
      await charge();
      requests[name] = emulator.requests.length - before;
    }
    log(`requests per charge: ${JSON.stringify(requests)}`);
    const samples = await interleave(
      Object.entries(arms).map(([name, round]) => ({ name, run: timed(name, round) })),
      { warmup, rounds },
    );
    const charged = perRound * total + 1;
    // Exactly one debit per charge, in both arms: the comparison is of equal work.
    const debits = emulator.ledger.length - debitsBefore;
    if (debits !== charged * 2) throw new Error(`${debits} debits for ${charged * 2} charges`);

    const cardbind = samples['cardbind'] ?? [];
    const viaGot = samples['got'] ?? [];
    return [
      {
        scenario: SCENARIO,
        case: 'time per charge: ChargeService.charge vs the same Pay with got (in-memory store)',
        candidate: spread(summarise(cardbind), ms),
        baseline: `got ${ms(summarise(viaGot).p50)}`,
        ratio: ratioSummary(cardbind, viaGot),
        verdict: 'info',
        data: { perRound, cardbind: summarise(cardbind), got: summarise(viaGot), samples },
      },
      {
        scenario: SCENARIO,
        case: 'CPU per charge: ChargeService.charge vs got (client + emulator)',
        candidate: spread(summarise(cpu['cardbind'] ?? []), ms),
        baseline: `got ${ms(summarise(cpu['got'] ?? []).p50)}`,
        ratio: ratioSummary(cpu['cardbind'] ?? [], cpu['got'] ?? []),
        verdict: 'info',
        data: { cpu },
      },
      {
        scenario: SCENARIO,
        case: 'requests per charge (vwapi)',
        candidate: `cardbind ${requests['cardbind']}`,
        baseline: `got ${requests['got']}`,
        ratio: summarise([(requests['cardbind'] ?? 0) / (requests['got'] ?? 1)]),
        verdict: 'info',
        data: { requests },
      },
    ] satisfies ResultRow[];
  } finally {
    await got.close();
    await emulator.close();
  }
}
