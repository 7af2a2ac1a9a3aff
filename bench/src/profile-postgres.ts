/**
 * Where scenario 7's time goes. Runs Payture bindings in a row on one store, for a CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/dist/profile-postgres.js postgres 500
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/dist/profile-postgres.js memory 500
 *
 * (`pglite` too). Uses a scratch database on the bench's server (CARDBIND_BENCH_DATABASE_URL or
 * 127.0.0.1:5432) and drops it. Prints wall and CPU milliseconds per binding.
 */
import { type BindingStore, InMemoryBindingStore } from '@cardbind/core';
import { createPgliteBindingStore, createPostgresBindingStore } from '@cardbind/store-postgres';
import { startPaytureEmulator } from '@cardbind/testing/emulators';
import { CountingListener } from './fixtures/counting-listener.js';
import { CustomerPool, paytureServiceOn, serviceBinding } from './payture/service-flow.js';
import {
  benchPool,
  benchStoreKeys,
  createScratchDatabase,
  findBenchServer,
  type ScratchDatabase,
} from './postgres/bench-server.js';

const [kind = 'postgres', countArg = '500'] = process.argv.slice(2);
const count = Number(countArg);

const emulator = await startPaytureEmulator();
let database: ScratchDatabase | undefined;
let close = async (): Promise<void> => undefined;
let store: BindingStore = new InMemoryBindingStore();
if (kind === 'postgres') {
  const server = await findBenchServer();
  if (!server.ok) throw new Error(server.reason);
  database = await createScratchDatabase(server.adminUrl);
  const pool = benchPool(database.url, 10);
  store = await createPostgresBindingStore({ pool, keys: benchStoreKeys() });
  close = () => pool.end();
} else if (kind === 'pglite') {
  const pglite = await createPgliteBindingStore({ keys: benchStoreKeys() });
  store = pglite;
  close = () => pglite.close();
}
const service = paytureServiceOn(emulator, store, [new CountingListener()]);
const customers = new CustomerPool(emulator, 'profile-');

for (const id of customers.take(Math.ceil(count / 10))) await serviceBinding({ service }, emulator, id);
const ids = customers.take(count);
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (const id of ids) await serviceBinding({ service }, emulator, id);
const wallMs = (performance.now() - started) / count;
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `${kind}: ${wallMs.toFixed(3)} ms wall, ${((cpu.user + cpu.system) / 1000 / count).toFixed(3)} ms CPU per binding`,
);
await close();
await emulator.close();
await database?.drop();
