// Measures the work queue on a real server: items claimed and completed per second with one and with
// two worker processes, and what one claim costs (batch of 1 and of 20), plus PGlite in process.
//   pnpm build && node packages/store-postgres/scripts/measure-work-queue.mjs postgres://postgres@127.0.0.1:5432/postgres [N]
// Creates (and drops) a scratch database next to the one in the URL. Workers are separate Node
// processes (this file, run with --worker), as the instances of a host would be.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { URL } from 'node:url';
import { Secret } from '@cardbind/core';
import pg from 'pg';
import { createPgliteBindingStore, createPostgresBindingStore } from '../dist/index.js';

const key = () => new Secret(randomBytes(32).toString('base64'));
const keys = { currentKeyId: 'k1', keys: { k1: key() }, fingerprintKey: key() };
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p99 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)];
const round = (ms) => Math.round(ms * 100) / 100;

/** Claims `batch` at a time and completes each item until nothing is pending or running. */
async function drain(store, owner, batch) {
  const claimMs = [];
  const completeMs = [];
  let items = 0;
  for (;;) {
    let t = performance.now();
    const claimed = await store.claimWork({ now: new Date(), owner, leaseMs: 60_000, limit: batch });
    claimMs.push(performance.now() - t);
    if (claimed.length === 0) {
      const open = [
        ...(await store.listWork({ status: 'pending', limit: 1 })),
        ...(await store.listWork({ status: 'running', limit: 1 })),
      ];
      if (open.length === 0) return { items, claimMs, completeMs };
      continue;
    }
    for (const item of claimed) {
      t = performance.now();
      await store.completeWork(item.id, owner, new Date());
      completeMs.push(performance.now() - t);
      items += 1;
    }
  }
}

async function seed(store, n) {
  const at = new Date(Date.now() - 1_000);
  for (let b = 0; b < n / 5; b += 1) {
    const id = `bnd_${randomUUID()}`;
    const record = {
      id,
      version: 0,
      provider: 'payture',
      customer: { id: `customer-${b}` },
      status: 'requires_action',
      providerRef: {},
      lookupKeys: [],
      metadata: {},
      createdAt: at,
      updatedAt: at,
      expiresAt: new Date(at.getTime() + 3_600_000),
    };
    const audit = { bindingId: id, version: 0, from: null, to: 'requires_action', trigger: 'start', at };
    // Five items per transition, a listener event's size of payload each.
    const work = Array.from({ length: 5 }, (_, i) => ({
      id: `evt_${id}.${i}`,
      kind: 'binding.event',
      bindingId: id,
      payload: {
        from: null,
        to: 'requires_action',
        binding: { id, status: 'requires_action', metadata: {} },
      },
      runAt: at,
      deadline: new Date(at.getTime() + 86_400_000),
    }));
    await store.create(record, audit, work);
  }
}

if (process.argv[2] === '--worker') {
  const [, , , url, owner, batch] = process.argv;
  const store = await createPostgresBindingStore({ connectionString: url, keys, migrate: false });
  process.stdout.write('ready\n');
  const input = createInterface({ input: process.stdin });
  await new Promise((resolve) => input.once('line', resolve));
  input.close();
  const result = await drain(store, owner, Number(batch));
  await store.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function worker(url, owner, batch) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--worker', url, owner, String(batch)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const received = [];
  const waiters = [];
  lines.on('line', (line) => {
    received.push(line);
    waiters.splice(0).forEach((wake) => wake());
  });
  const nth = async (n) => {
    while (received.length <= n) await new Promise((resolve) => waiters.push(resolve));
    return received[n];
  };
  return { ready: nth(0), go: () => child.stdin.end('go\n'), result: nth(1).then(JSON.parse) };
}

/** `workers` processes drain `n` fresh items with claims of `batch`: items per second, wall clock. */
async function run(store, url, n, workers, batch) {
  await seed(store, n);
  const started = Array.from({ length: workers }, (_, i) => worker(url, `w${i}-${randomUUID()}`, batch));
  await Promise.all(started.map((w) => w.ready));
  const t = performance.now();
  for (const w of started) w.go();
  const results = await Promise.all(started.map((w) => w.result));
  const seconds = (performance.now() - t) / 1_000;
  const claimMs = results.flatMap((r) => r.claimMs);
  const completeMs = results.flatMap((r) => r.completeMs);
  return {
    workers,
    batch,
    items: results.reduce((sum, r) => sum + r.items, 0),
    perWorker: results.map((r) => r.items),
    itemsPerSecond: Math.round(n / seconds),
    claimMedianMs: round(median(claimMs)),
    claimP99Ms: round(p99(claimMs)),
    completeMedianMs: round(median(completeMs)),
  };
}

const adminUrl = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.argv[3] ?? 5_000);
const scratch = `cardbind_measure_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
const url = new URL(adminUrl);
url.pathname = `/${scratch}`;
try {
  const store = await createPostgresBindingStore({ connectionString: url.toString(), keys });
  const server = [];
  server.push(await run(store, url.toString(), N, 1, 20));
  server.push(await run(store, url.toString(), N, 2, 20));
  server.push(await run(store, url.toString(), N / 5, 1, 1));
  server.push(await run(store, url.toString(), N / 5, 2, 1));
  await store.close();
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('VACUUM ANALYZE cardbind.work_items');
  const size = await client.query(
    `SELECT count(*)::int AS items, pg_total_relation_size('cardbind.work_items')::bigint AS bytes FROM cardbind.work_items`,
  );
  await client.end();
  const { items, bytes } = size.rows[0];

  const pglite = await createPgliteBindingStore({ keys });
  await seed(pglite, N);
  const t = performance.now();
  const local = await drain(pglite, 'pglite', 20);
  const pgliteResult = {
    workers: 1,
    batch: 20,
    items: local.items,
    itemsPerSecond: Math.round(local.items / ((performance.now() - t) / 1_000)),
    claimMedianMs: round(median(local.claimMs)),
    completeMedianMs: round(median(local.completeMs)),
  };
  await pglite.close();
  const workItems = { items, bytes: Number(bytes), bytesPerItem: Math.round(Number(bytes) / items) };
  console.log(JSON.stringify({ server, pglite: pgliteResult, workItems }, null, 2));
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.end();
}
