/**
 * Where scenario 1's time goes. Runs one flow many times in a row, for a CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/dist/profile-payture.js cardbind 2000
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/dist/profile-payture.js got 2000
 *
 * then open the .cpuprofile files in Chrome DevTools (Performance → Load profile) and compare.
 * Prints wall and CPU milliseconds per binding.
 */
import { startPaytureEmulator } from '@cardbind/testing/emulators';
import { gotPoster } from './payture/form-poster.js';
import { CustomerPool, directFlow, paytureService, serviceBinding } from './payture/service-flow.js';

const [flow = 'cardbind', countArg = '2000'] = process.argv.slice(2);
const count = Number(countArg);

const emulator = await startPaytureEmulator();
const poster = gotPoster();
const host = paytureService(emulator);
const binding =
  flow === 'got' ? directFlow(emulator, poster) : (id: string) => serviceBinding(host, emulator, id);
const customers = new CustomerPool(emulator, 'profile-');

for (const id of customers.take(Math.ceil(count / 10))) await binding(id);
const ids = customers.take(count);
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (const id of ids) await binding(id);
const wallMs = (performance.now() - started) / count;
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `${flow}: ${wallMs.toFixed(3)} ms wall, ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)} ms CPU per binding`,
);
await poster.close();
await emulator.close();
