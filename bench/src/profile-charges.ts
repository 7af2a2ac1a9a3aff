/**
 * Where scenario 9's time goes. Runs Payture charges in a row, for a CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/dist/profile-charges.js cardbind 2000
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/dist/profile-charges.js got 2000
 *
 * `cardbind` is `ChargeService.charge` on the in-memory stores, `got` the same Pay sent directly. Each
 * charge is a bound card's first (the cards are bound before the clock starts). Prints wall and CPU
 * milliseconds per charge.
 */
import { startPaytureEmulator } from '@cardbind/testing/emulators';
import { BENCH_CHARGE_KOPECKS, bindCards, paytureChargeHost, serviceCharge } from './payture/charge-host.js';
import { directPay, seedWalletCards } from './payture/direct-pay.js';
import { gotPoster } from './payture/form-poster.js';
import { CustomerPool } from './payture/service-flow.js';

const [flow = 'cardbind', countArg = '2000'] = process.argv.slice(2);
const count = Number(countArg);
const warmup = Math.ceil(count / 10);

const emulator = await startPaytureEmulator();
const poster = gotPoster();
const host = paytureChargeHost(emulator);
const customers = new CustomerPool(emulator, 'profile-');
/** The i-th prepared card, or a loud failure: the script prepares exactly as many as it charges. */
function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no card ${index}`);
  return item;
}

let charge: (index: number) => Promise<unknown>;
if (flow === 'got') {
  const wallet = seedWalletCards(emulator, customers, warmup + count);
  charge = (index) => directPay(emulator, poster, nth(wallet, index), BENCH_CHARGE_KOPECKS);
} else {
  const cards = await bindCards(host, emulator, customers, warmup + count);
  charge = (index) => serviceCharge(host, nth(cards, index));
}

for (let index = 0; index < warmup; index++) await charge(index);
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (let index = warmup; index < warmup + count; index++) await charge(index);
const wallMs = (performance.now() - started) / count;
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `${flow}: ${wallMs.toFixed(3)} ms wall, ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)} ms CPU per charge`,
);
await poster.close();
await emulator.close();
